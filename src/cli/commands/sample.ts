// dcgan sample: N seeded images from a generator, as single PNG files and/or one grid.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { upscale } from '../../sample/annotate.js';
import { sample } from '../../sample/explore.js';
import { imageAt, makeGrid, writePng } from '../../sample/grid.js';
import { defineCommand } from '../command.js';
import { openCommon, outFlag, SOURCE_ARG, SOURCE_FLAGS, SOURCE_NOTE } from '../sample-common.js';

export const command = defineCommand({
  name: 'sample',
  synopsis: 'SOURCE [-n N] [--grid FILE] [--out DIR] [--truncation T] [flags]',
  about: 'Generates N images from one seed: reproducible, byte for byte.',
  positionals: SOURCE_ARG,
  flags: [
    { name: 'n', short: 'n', kind: 'int', min: 1, max: 1_000_000, metavar: 'N', group: 'output', help: 'how many (default 64)' },
    { name: 'grid', kind: 'path', metavar: 'FILE', group: 'output', help: 'one grid image of all of them (default samples.png, or grid.png in --out)' },
    outFlag('DIR', 'also write each image as DIR/000000.png ...'),
    { name: 'no-grid', kind: 'boolean', group: 'output', help: 'only the single files' },
    { name: 'truncation', kind: 'number', min: 0.01, metavar: 'T', group: 'generation', help: 'redraw z components beyond +-T (normal latents): more typical images' },
    ...SOURCE_FLAGS,
  ],
  notes: SOURCE_NOTE,
}, async ({ values: v, positionals }) => {
  const n = v.n ?? 64;
  const c = await openCommon(positionals[0]!, v);
  const t0 = performance.now();
  const r = sample(c.g, { n, seed: c.seed, truncation: v.truncation, classes: c.classes, bn: c.bn, batch: c.batch });
  const seconds = (performance.now() - t0) / 1000;
  const { height: h, width: w, channels } = c.g.meta.image;
  const ch = channels as 1 | 3;
  const written: string[] = [];
  if (v.out) {
    mkdirSync(v.out, { recursive: true });
    for (let k = 0; k < n; k++) await writePng(join(v.out, `${String(k).padStart(6, '0')}.png`), imageAt(r.images, k, h, w, ch));
    written.push(`${n} files in ${v.out}`);
  }
  if (!v.noGrid) {
    const grid = v.grid ?? (v.out ? join(v.out, 'grid.png') : 'samples.png');
    await writePng(grid, upscale(makeGrid(r.images, Math.min(n, 1024), h, w, ch), c.scale));
    written.push(`grid ${grid}${n > 1024 ? ' (first 1024)' : ''}`);
  }
  console.log(`${n} samples from ${c.g.source} in ${seconds.toFixed(2)} s (${(n / seconds).toFixed(0)} img/s, BatchNorm ${c.bn}, seed ${c.seed}): ${written.join(', ')}`);
  return 0;
});
