// dcgan interpolate: a walk through K latent points (lerp or slerp), as a PNG strip and an animated GIF.
import { upscale } from '../../sample/annotate.js';
import { interpolate } from '../../sample/explore.js';
import { writeGif } from '../../sample/gif.js';
import { imageAt, makeGrid, writePng } from '../../sample/grid.js';
import { defineCommand } from '../command.js';
import { openCommon, outFlag, SOURCE_ARG, SOURCE_FLAGS, SOURCE_NOTE } from '../sample-common.js';

export const command = defineCommand({
  name: 'interpolate',
  synopsis: 'SOURCE [--points K] [--steps S] [--mode slerp|lerp] [--out PREFIX] [flags]',
  about: 'Walks through K seeded latent points with S frames between each pair; writes PREFIX.png (the strip, one row per segment, ' +
    'from one point to the next) and PREFIX.gif (the animation).',
  positionals: SOURCE_ARG,
  flags: [
    { name: 'points', kind: 'int', min: 2, max: 100, metavar: 'K', group: 'walk', help: 'latent points (default 4)' },
    { name: 'steps', kind: 'int', min: 1, max: 200, metavar: 'S', group: 'walk', help: 'frames per segment (default 8)' },
    { name: 'mode', kind: 'choice', choices: ['slerp', 'lerp'], group: 'walk', help: 'spherical (default) or linear' },
    { name: 'truncation', kind: 'number', min: 0.01, metavar: 'T', group: 'walk', help: 'redraw z components beyond +-T' },
    outFlag('PREFIX', 'the files PREFIX.png and PREFIX.gif (default interpolation)'),
    { name: 'delay', kind: 'int', min: 10, metavar: 'MS', group: 'output', help: 'GIF frame time (default 100)' },
    ...SOURCE_FLAGS,
  ],
  notes: SOURCE_NOTE,
}, async ({ values: v, positionals }) => {
  const points = v.points ?? 4, steps = v.steps ?? 8, mode = v.mode ?? 'slerp';
  const c = await openCommon(positionals[0]!, v);
  const r = interpolate(c.g, { points, steps, mode, seed: c.seed, truncation: v.truncation, classes: c.classes, bn: c.bn, batch: c.batch });
  const { height: h, width: w, channels } = c.g.meta.image;
  const ch = channels as 1 | 3;
  const prefix = (v.out ?? 'interpolation').replace(/\.(png|gif)$/, '');
  // The strip: a row per segment, from one point to the next (each inner point ends a row and starts the next).
  const size = h * w * ch;
  const strip = new Float32Array((points - 1) * (steps + 1) * size);
  for (let k = 0; k < points - 1; k++) strip.set(r.images.subarray(k * steps * size, (k * steps + steps + 1) * size), k * (steps + 1) * size);
  await writePng(`${prefix}.png`, upscale(makeGrid(strip, (points - 1) * (steps + 1), h, w, ch, { cols: steps + 1 }), c.scale));
  await writeGif(`${prefix}.gif`, Array.from({ length: r.n }, (_, k) => upscale(imageAt(r.images, k, h, w, ch), c.scale)), v.delay ?? 100);
  console.log(`${r.n} frames (${points} points, ${mode}, ${steps} per segment) from ${c.g.source}: ${prefix}.png, ${prefix}.gif`);
  return 0;
});
