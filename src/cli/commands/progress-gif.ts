// dcgan progress-gif: a run's fixed-noise grids over training as one animation.
import { writeGif } from '../../sample/gif.js';
import { progressFrames } from '../../sample/progress-gif.js';
import { flag, num, parse, str } from '../args.js';
import type { Command } from '../main.js';
import { sourceArg } from '../sample-common.js';

const USAGE = `usage: dcgan progress-gif RUN [--out FILE] [--every N] [--delay MS] [--max-width PX]

Animates the run's samples/step-*.png (the same fixed noise at every step, so the images evolve).
  --out FILE   (default RUN/progress.gif)   --every N  every N-th grid (default 1)
  --delay MS   frame time (default 200)     --max-width PX  scale frames down to this width`;

export const command: Command = {
  async run(argv) {
    const p = parse('progress-gif', argv, { out: { type: 'string', short: 'o' }, every: { type: 'string' }, delay: { type: 'string' }, 'max-width': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, true);
    if (flag(p, 'help')) {
      console.log(USAGE);
      return 0;
    }
    const run = sourceArg(p, 'progress-gif');
    const { frames, files } = await progressFrames(run, { every: num(p, 'every', { integer: true, min: 1 }), maxWidth: num(p, 'max-width', { integer: true, min: 16 }) });
    const out = str(p, 'out') ?? `${run.replace(/\/+$/, '')}/progress.gif`;
    await writeGif(out, frames, num(p, 'delay', { integer: true, min: 10 }) ?? 200);
    console.log(`${frames.length} frames (${files[0]} ... ${files[files.length - 1]}): ${out}`);
    return 0;
  },
};
