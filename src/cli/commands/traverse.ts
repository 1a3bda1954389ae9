// dcgan traverse: sweeps of single z dimensions (as carpedm20's visualisations): a grid and a GIF.
import { traverse } from '../../sample/explore.js';
import { writeGif } from '../../sample/gif.js';
import { upscale } from '../../sample/annotate.js';
import { makeGrid, writePng } from '../../sample/grid.js';
import { flag, num, parse, str } from '../args.js';
import type { Command } from '../main.js';
import { intList, openCommon, SOURCE_HELP, SOURCE_OPTIONS } from '../sample-common.js';

const USAGE = `usage: dcgan traverse SOURCE [--dims 0,1,2...] [--steps S] [--range R] [--out PREFIX] [flags]

From one seeded z, varies one dimension at a time over [-R, R]: PREFIX.png has a row per dimension and a
column per step; PREFIX.gif animates all rows together over the steps.
  --dims LIST           dimensions (default 0..9)   --steps S  (default 9)   --range R  (default 3)
  --out PREFIX          (default traversal)         --delay MS (default 150)
${SOURCE_HELP}`;

export const command: Command = {
  async run(argv) {
    const p = parse('traverse', argv, { ...SOURCE_OPTIONS, dims: { type: 'string' }, steps: { type: 'string' }, range: { type: 'string' }, delay: { type: 'string' } }, true);
    if (flag(p, 'help')) {
      console.log(USAGE);
      return 0;
    }
    const steps = num(p, 'steps', { integer: true, min: 2, max: 100 }) ?? 9;
    const range = num(p, 'range', { min: 0.01 }) ?? 3;
    const delay = num(p, 'delay', { integer: true, min: 10 }) ?? 150;
    const c = await openCommon(p, 'traverse');
    const dims = intList(p, 'dims') ?? Array.from({ length: Math.min(10, c.g.meta.nz) }, (_, i) => i);
    const r = traverse(c.g, { dims, steps, range, seed: c.seed, classes: c.classes, bn: c.bn, batch: c.batch });
    const { height: h, width: w, channels } = c.g.meta.image;
    const ch = channels as 1 | 3;
    const prefix = (str(p, 'out') ?? 'traversal').replace(/\.(png|gif)$/, '');
    await writePng(`${prefix}.png`, upscale(makeGrid(r.images, r.n, h, w, ch, { cols: steps }), c.scale));
    // Frame s: every dimension's image at step s, one column.
    const size = h * w * ch;
    const frames = Array.from({ length: steps }, (_, s) => {
      const col = new Float32Array(dims.length * size);
      dims.forEach((_, d) => col.set(r.images.subarray((d * steps + s) * size, (d * steps + s + 1) * size), d * size));
      return upscale(makeGrid(col, dims.length, h, w, ch, { cols: Math.min(dims.length, 10) }), c.scale);
    });
    await writeGif(`${prefix}.gif`, frames, delay);
    console.log(`${dims.length} dimensions x ${steps} steps over [-${range}, ${range}]: ${prefix}.png, ${prefix}.gif`);
    return 0;
  },
};
