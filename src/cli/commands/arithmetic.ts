// dcgan arithmetic: vector arithmetic on z (Radford et al. 2015, 6.3.2) with exemplars picked from a
// numbered sample sheet: --sheet writes the sheet; --a/--b/--c pick three exemplars per concept.
import { annotate, upscale } from '../../sample/annotate.js';
import { arithmetic, sample, type Exemplar } from '../../sample/explore.js';
import { makeGrid, writePng } from '../../sample/grid.js';
import { UserError } from '../../util/errors.js';
import { defineCommand } from '../command.js';
import { openCommon, outFlag, SOURCE_ARG, SOURCE_FLAGS, SOURCE_NOTE } from '../sample-common.js';

function exemplars(raw: string | undefined, name: string): Exemplar[] {
  if (!raw) throw new UserError(`--${name}: give exemplars, e.g. --${name} 3,17,42 (numbers on the --sheet) or s101 (a seed)`);
  return raw.split(',').map((s) => s.trim()).map((s) => {
    const m = /^(s?)(\d+)$/.exec(s);
    if (!m) throw new UserError(`--${name}: '${s}' is neither a sheet number nor sN (a seed)`);
    return m[1] ? { seed: Number(m[2]) } : { index: Number(m[2]) };
  });
}

const concept = (name: string) => ({ name, kind: 'string', metavar: 'LIST', group: 'arithmetic', help: `exemplars of concept ${name.toUpperCase()}: sheet numbers or sN (a seed), three as the paper` } as const);

export const command = defineCommand({
  name: 'arithmetic',
  synopsis: 'SOURCE --sheet [--seed S] [--out sheet.png]\n       dcgan arithmetic SOURCE --a I,J,K --b I,J,K --c I,J,K [--seed S] [--out arithmetic.png]',
  about: 'First write a numbered sample sheet (--sheet), then pick exemplars of three concepts by their numbers on it (or as sN: the ' +
    "single z drawn from seed N). The mean z of each concept's exemplars gives A - B + C (the paper's \"smiling woman - neutral " +
    'woman + neutral man"), shown with its neighbours from +-0.25 uniform noise. The sheet\'s --seed is the same for both calls.',
  positionals: SOURCE_ARG,
  flags: [
    { name: 'sheet', kind: 'boolean', group: 'arithmetic', help: 'write the numbered sample sheet' },
    { name: 'sheet-size', kind: 'int', min: 1, max: 1024, metavar: 'N', group: 'arithmetic', help: 'images on the sheet (default 64)' },
    concept('a'), concept('b'), concept('c'),
    { name: 'neighbours', kind: 'int', min: 0, max: 64, metavar: 'N', group: 'arithmetic', help: 'neighbours of the result (default 8)' },
    { name: 'noise', kind: 'number', min: 0, metavar: 'X', group: 'arithmetic', help: "the neighbours' uniform noise (default 0.25)" },
    outFlag('FILE', 'the picture (default sheet.png or arithmetic.png)'),
    ...SOURCE_FLAGS,
  ],
  notes: SOURCE_NOTE,
}, async ({ values: v, positionals }) => {
  const sheetSize = v.sheetSize ?? 64;
  const common = await openCommon(positionals[0]!, v);
  const { height: h, width: w, channels } = common.g.meta.image;
  const ch = channels as 1 | 3;
  const k2 = common.scale, size = Math.max(8, Math.round((Math.min(h, w) * k2) / 4));
  if (v.sheet) {
    const s = sample(common.g, { n: sheetSize, seed: common.seed, bn: common.bn, batch: common.batch, classes: common.classes });
    const cols = Math.ceil(Math.sqrt(sheetSize)), pad = 2;
    const grid = upscale(makeGrid(s.images, sheetSize, h, w, ch, { cols, pad }), k2);
    const labelled = await annotate(grid, Array.from({ length: sheetSize }, (_, k) => ({
      text: String(k), x: (pad + (k % cols) * (w + pad)) * k2 + 2, y: (pad + Math.floor(k / cols) * (h + pad)) * k2 + size + 1, size,
    })));
    const out = v.out ?? 'sheet.png';
    await writePng(out, labelled);
    console.log(`sample sheet of ${sheetSize} (seed ${common.seed}) from ${common.g.source}: ${out}; pick exemplars with --a/--b/--c and the same --seed`);
    return 0;
  }
  const neighbours = v.neighbours ?? 8, noise = v.noise ?? 0.25;
  const r = arithmetic(common.g, {
    a: exemplars(v.a, 'a'), b: exemplars(v.b, 'b'), c: exemplars(v.c, 'c'), sheetSeed: common.seed, sheetSize, neighbours, noise,
    seed: common.seed + 1, bn: common.bn, batch: common.batch,
  });
  const rowH = (h + 2) * k2;
  const fig = await annotate(upscale(r.figure, k2), ['A', 'B', 'C', 'A - B + C'].map((text, k) => ({ text, x: 4, y: 2 * k2 + k * rowH + size + 1, size })));
  const out = v.out ?? 'arithmetic.png';
  await writePng(out, fig);
  console.log(`A - B + C with ${neighbours} neighbours (+-${noise} uniform noise) from ${common.g.source}: ${out}`);
  return 0;
});
