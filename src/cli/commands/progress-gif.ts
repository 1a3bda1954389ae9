// dcgan progress-gif: a run's fixed-noise grids over training as one animation.
import { writeGif } from '../../sample/gif.js';
import { progressFrames } from '../../sample/progress-gif.js';
import { defineCommand } from '../command.js';
import { outFlag } from '../sample-common.js';

export const command = defineCommand({
  name: 'progress-gif',
  synopsis: 'RUN [--out FILE] [--every N] [--delay MS] [--max-width PX]',
  about: "Animates the run's samples/step-*.png (the same fixed noise at every step, so the images evolve).",
  positionals: { min: 1, max: 1, name: 'the run folder' },
  flags: [
    outFlag('FILE', 'the animation (default RUN/progress.gif)'),
    { name: 'every', kind: 'int', min: 1, metavar: 'N', group: 'output', help: 'every N-th grid (default 1)' },
    { name: 'delay', kind: 'int', min: 10, metavar: 'MS', group: 'output', help: 'frame time (default 200)' },
    { name: 'max-width', kind: 'int', min: 16, metavar: 'PX', group: 'output', help: 'scale frames down to this width' },
  ],
}, async ({ values: v, positionals }) => {
  const run = positionals[0]!;
  const { frames, files } = await progressFrames(run, { every: v.every, maxWidth: v.maxWidth });
  const out = v.out ?? `${run.replace(/\/+$/, '')}/progress.gif`;
  await writeGif(out, frames, v.delay ?? 200);
  console.log(`${frames.length} frames (${files[0]} ... ${files[files.length - 1]}): ${out}`);
  return 0;
});
