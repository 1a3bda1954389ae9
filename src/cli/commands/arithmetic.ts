// dcgan arithmetic: vector arithmetic on z (Radford et al. 2015, 6.3.2) with exemplars picked from a
// numbered sample sheet: --sheet writes the sheet; --a/--b/--c pick three exemplars per concept.
import { UserError } from '../../errors.js';
import { annotate, upscale } from '../../sample/annotate.js';
import { arithmetic, sample, type Exemplar } from '../../sample/explore.js';
import { makeGrid, writePng } from '../../sample/grid.js';
import { flag, num, parse, str, type Parsed } from '../args.js';
import type { Command } from '../main.js';
import { openCommon, SOURCE_HELP, SOURCE_OPTIONS } from '../sample-common.js';

const USAGE = `usage: dcgan arithmetic SOURCE --sheet [--seed S] [--out sheet.png]
       dcgan arithmetic SOURCE --a I,J,K --b I,J,K --c I,J,K [--seed S] [--out arithmetic.png]

First write a numbered sample sheet (--sheet), then pick exemplars of three concepts by their numbers on it
(or as sN: the single z drawn from seed N). The mean z of each concept's exemplars gives A - B + C (the
paper's "smiling woman - neutral woman + neutral man"), shown with its neighbours from +-0.25 uniform noise.
  --sheet               write the sheet: --sheet-size N images (default 64), numbered
  --a, --b, --c LIST    exemplars (the paper uses three per concept)
  --seed S              the sheet's seed (the same for both calls)
  --neighbours N        (default 8)    --noise X  (default 0.25)
${SOURCE_HELP}`;

function exemplars(p: Parsed, name: string): Exemplar[] {
  const raw = str(p, name);
  if (!raw) throw new UserError(`--${name}: give exemplars, e.g. --${name} 3,17,42 (numbers on the --sheet) or s101 (a seed)`);
  return raw.split(',').map((s) => s.trim()).map((s) => {
    const m = /^(s?)(\d+)$/.exec(s);
    if (!m) throw new UserError(`--${name}: '${s}' is neither a sheet number nor sN (a seed)`);
    return m[1] ? { seed: Number(m[2]) } : { index: Number(m[2]) };
  });
}

export const command: Command = {
  async run(argv) {
    const p = parse('arithmetic', argv, {
      ...SOURCE_OPTIONS, sheet: { type: 'boolean' }, 'sheet-size': { type: 'string' }, a: { type: 'string' }, b: { type: 'string' },
      c: { type: 'string' }, neighbours: { type: 'string' }, noise: { type: 'string' },
    }, true);
    if (flag(p, 'help')) {
      console.log(USAGE);
      return 0;
    }
    const sheetSize = num(p, 'sheet-size', { integer: true, min: 1, max: 1024 }) ?? 64;
    const common = await openCommon(p, 'arithmetic');
    const { height: h, width: w, channels } = common.g.meta.image;
    const ch = channels as 1 | 3;
    if (flag(p, 'sheet')) {
      const s = sample(common.g, { n: sheetSize, seed: common.seed, bn: common.bn, batch: common.batch, classes: common.classes });
      const cols = Math.ceil(Math.sqrt(sheetSize)), pad = 2;
      const k2 = common.scale;
      const grid = upscale(makeGrid(s.images, sheetSize, h, w, ch, { cols, pad }), k2);
      const size = Math.max(8, Math.round((Math.min(h, w) * k2) / 4));
      const labelled = await annotate(grid, Array.from({ length: sheetSize }, (_, k) => ({
        text: String(k), x: (pad + (k % cols) * (w + pad)) * k2 + 2, y: (pad + Math.floor(k / cols) * (h + pad)) * k2 + size + 1, size,
      })));
      const out = str(p, 'out') ?? 'sheet.png';
      await writePng(out, labelled);
      console.log(`sample sheet of ${sheetSize} (seed ${common.seed}): ${out}; pick exemplars with --a/--b/--c and the same --seed`);
      return 0;
    }
    const neighbours = num(p, 'neighbours', { integer: true, min: 0, max: 64 }) ?? 8;
    const noise = num(p, 'noise', { min: 0 }) ?? 0.25;
    const r = arithmetic(common.g, {
      a: exemplars(p, 'a'), b: exemplars(p, 'b'), c: exemplars(p, 'c'), sheetSeed: common.seed, sheetSize, neighbours, noise,
      seed: common.seed + 1, bn: common.bn, batch: common.batch,
    });
    const k2 = common.scale, rowH = (h + 2) * k2, size = Math.max(8, Math.round((Math.min(h, w) * k2) / 4));
    const fig = await annotate(upscale(r.figure, k2), ['A', 'B', 'C', 'A - B + C'].map((text, k) => ({ text, x: 4, y: 2 * k2 + k * rowH + size + 1, size })));
    const out = str(p, 'out') ?? 'arithmetic.png';
    await writePng(out, fig);
    console.log(`A - B + C with ${neighbours} neighbours (+-${noise} uniform noise): ${out}`);
    return 0;
  },
};
