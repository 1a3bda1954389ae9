// dcgan sample: N seeded images from a generator, as single PNG files and/or one grid.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { sample } from '../../sample/explore.js';
import { upscale } from '../../sample/annotate.js';
import { imageAt, makeGrid, writePng } from '../../sample/grid.js';
import { flag, num, parse, str } from '../args.js';
import type { Command } from '../main.js';
import { openCommon, SOURCE_HELP, SOURCE_OPTIONS } from '../sample-common.js';

const USAGE = `usage: dcgan sample SOURCE [-n N] [--grid FILE] [--out DIR] [--truncation T] [flags]

Generates N images (default 64) from one seed: reproducible, byte for byte.
  -n N                  how many (default 64)
  --grid FILE           one grid image of all of them (default: SOURCE-independent samples.png in --out)
  --out DIR             also write each image as DIR/000000.png ...
  --no-grid             only the single files
  --truncation T        redraw z components beyond +-T (normal latents): more typical images
${SOURCE_HELP}`;

export const command: Command = {
  async run(argv) {
    const p = parse('sample', argv, { ...SOURCE_OPTIONS, n: { type: 'string', short: 'n' }, grid: { type: 'string' }, 'no-grid': { type: 'boolean' }, truncation: { type: 'string' } }, true);
    if (flag(p, 'help')) {
      console.log(USAGE);
      return 0;
    }
    const n = num(p, 'n', { integer: true, min: 1, max: 1_000_000 }) ?? 64;
    const truncation = num(p, 'truncation', { min: 0.01 });
    const c = await openCommon(p, 'sample');
    const t0 = performance.now();
    const r = sample(c.g, { n, seed: c.seed, truncation, classes: c.classes, bn: c.bn, batch: c.batch });
    const seconds = (performance.now() - t0) / 1000;
    const { height: h, width: w, channels } = c.g.meta.image;
    const ch = channels as 1 | 3;
    const out = str(p, 'out');
    const written: string[] = [];
    if (out) {
      mkdirSync(out, { recursive: true });
      for (let k = 0; k < n; k++) await writePng(join(out, `${String(k).padStart(6, '0')}.png`), imageAt(r.images, k, h, w, ch));
      written.push(`${n} files in ${out}`);
    }
    if (!flag(p, 'no-grid')) {
      const grid = str(p, 'grid') ?? (out ? join(out, 'grid.png') : 'samples.png');
      await writePng(grid, upscale(makeGrid(r.images, Math.min(n, 1024), h, w, ch), c.scale));
      written.push(`grid ${grid}${n > 1024 ? ' (first 1024)' : ''}`);
    }
    console.log(`${n} samples from ${c.g.source} in ${seconds.toFixed(2)} s (${(n / seconds).toFixed(0)} img/s, BatchNorm ${c.bn}, seed ${c.seed}): ${written.join(', ')}`);
    return 0;
  },
};
