// dcgan traverse: sweeps of single z dimensions (as carpedm20's visualisations): a grid and a GIF.
import { upscale } from '../../sample/annotate.js';
import { traverse } from '../../sample/explore.js';
import { writeGif } from '../../sample/gif.js';
import { makeGrid, writePng } from '../../sample/grid.js';
import { defineCommand } from '../command.js';
import { openCommon, outFlag, SOURCE_ARG, SOURCE_FLAGS, SOURCE_NOTE } from '../sample-common.js';

export const command = defineCommand({
  name: 'traverse',
  synopsis: 'SOURCE [--dims 0,1,2...] [--steps S] [--range R] [--out PREFIX] [flags]',
  about: 'From one seeded z, varies one dimension at a time over [-R, R]: PREFIX.png has a row per dimension and a column per step; ' +
    'PREFIX.gif animates all rows together over the steps.',
  positionals: SOURCE_ARG,
  flags: [
    { name: 'dims', kind: 'ints', min: 0, metavar: 'LIST', group: 'sweep', help: 'dimensions (default 0..9)' },
    { name: 'steps', kind: 'int', min: 2, max: 100, metavar: 'S', group: 'sweep', help: 'steps per dimension (default 9)' },
    { name: 'range', kind: 'number', min: 0.01, metavar: 'R', group: 'sweep', help: 'the sweep covers [-R, R] (default 3)' },
    outFlag('PREFIX', 'the files PREFIX.png and PREFIX.gif (default traversal)'),
    { name: 'delay', kind: 'int', min: 10, metavar: 'MS', group: 'output', help: 'GIF frame time (default 150)' },
    ...SOURCE_FLAGS,
  ],
  notes: SOURCE_NOTE,
}, async ({ values: v, positionals }) => {
  const steps = v.steps ?? 9, range = v.range ?? 3;
  const c = await openCommon(positionals[0]!, v);
  const dims = v.dims ?? Array.from({ length: Math.min(10, c.g.meta.nz) }, (_, i) => i);
  const r = traverse(c.g, { dims, steps, range, seed: c.seed, classes: c.classes, bn: c.bn, batch: c.batch });
  const { height: h, width: w, channels } = c.g.meta.image;
  const ch = channels as 1 | 3;
  const prefix = (v.out ?? 'traversal').replace(/\.(png|gif)$/, '');
  await writePng(`${prefix}.png`, upscale(makeGrid(r.images, r.n, h, w, ch, { cols: steps }), c.scale));
  // Frame s: every dimension's image at step s, one column.
  const size = h * w * ch;
  const frames = Array.from({ length: steps }, (_, s) => {
    const col = new Float32Array(dims.length * size);
    dims.forEach((_, d) => col.set(r.images.subarray((d * steps + s) * size, (d * steps + s + 1) * size), d * size));
    return upscale(makeGrid(col, dims.length, h, w, ch, { cols: Math.min(dims.length, 10) }), c.scale);
  });
  await writeGif(`${prefix}.gif`, frames, v.delay ?? 150);
  console.log(`${dims.length} dimensions x ${steps} steps over [-${range}, ${range}] from ${c.g.source}: ${prefix}.png, ${prefix}.gif`);
  return 0;
});
