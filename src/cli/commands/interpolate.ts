// dcgan interpolate: a walk through K latent points (lerp or slerp), as a PNG strip and an animated GIF.
import { interpolate } from '../../sample/explore.js';
import { writeGif } from '../../sample/gif.js';
import { upscale } from '../../sample/annotate.js';
import { imageAt, makeGrid, writePng } from '../../sample/grid.js';
import { choice, flag, num, parse, str } from '../args.js';
import type { Command } from '../main.js';
import { openCommon, SOURCE_HELP, SOURCE_OPTIONS } from '../sample-common.js';

const USAGE = `usage: dcgan interpolate SOURCE [--points K] [--steps S] [--mode slerp|lerp] [--out PREFIX] [flags]

Walks through K seeded latent points with S frames between each pair; writes PREFIX.png (the strip, one row
per segment, from one point to the next) and PREFIX.gif (the animation).
  --points K            latent points (default 4)     --steps S   frames per segment (default 8)
  --mode slerp|lerp     spherical (default) or linear   --out PREFIX  (default interpolation)
  --delay MS            GIF frame time (default 100)    --truncation T
${SOURCE_HELP}`;

export const command: Command = {
  async run(argv) {
    const p = parse('interpolate', argv, { ...SOURCE_OPTIONS, points: { type: 'string' }, steps: { type: 'string' }, mode: { type: 'string' }, delay: { type: 'string' }, truncation: { type: 'string' } }, true);
    if (flag(p, 'help')) {
      console.log(USAGE);
      return 0;
    }
    const points = num(p, 'points', { integer: true, min: 2, max: 100 }) ?? 4;
    const steps = num(p, 'steps', { integer: true, min: 1, max: 200 }) ?? 8;
    const mode = choice(p, 'mode', ['slerp', 'lerp'] as const) ?? 'slerp';
    const delay = num(p, 'delay', { integer: true, min: 10 }) ?? 100;
    const truncation = num(p, 'truncation', { min: 0.01 });
    const c = await openCommon(p, 'interpolate');
    const r = interpolate(c.g, { points, steps, mode, seed: c.seed, truncation, classes: c.classes, bn: c.bn, batch: c.batch });
    const { height: h, width: w, channels } = c.g.meta.image;
    const ch = channels as 1 | 3;
    const prefix = (str(p, 'out') ?? 'interpolation').replace(/\.(png|gif)$/, '');
    // The strip: a row per segment, from one point to the next (each inner point ends a row and starts the next).
    const size = h * w * ch;
    const strip = new Float32Array((points - 1) * (steps + 1) * size);
    for (let k = 0; k < points - 1; k++) strip.set(r.images.subarray(k * steps * size, (k * steps + steps + 1) * size), k * (steps + 1) * size);
    await writePng(`${prefix}.png`, upscale(makeGrid(strip, (points - 1) * (steps + 1), h, w, ch, { cols: steps + 1 }), c.scale));
    await writeGif(`${prefix}.gif`, Array.from({ length: r.n }, (_, k) => upscale(imageAt(r.images, k, h, w, ch), c.scale)), delay);
    console.log(`${r.n} frames (${points} points, ${mode}, ${steps} per segment): ${prefix}.png, ${prefix}.gif`);
    return 0;
  },
};
