// The dcgan command line: dispatches to one module per command (./commands), loaded only when that command
// runs, so `dcgan --help` is instant and works without the native engine.
import { isUserError, oneLine } from '../util/errors.js';
import type { Command } from './command.js';

interface Entry {
  /** One line for `dcgan --help`. */
  summary: string;
  load(): Command;
}

 
const COMMANDS: Record<string, Entry> = {
  train: { summary: 'train a DCGAN (presets, any folder of images), with checkpoints and exact resume', load: () => require('./commands/train.js').command },
  sample: { summary: 'N seeded images from a run or an exported generator, single PNGs and/or a grid', load: () => require('./commands/sample.js').command },
  interpolate: { summary: 'a walk through latent points (lerp / slerp) as a PNG strip and a GIF', load: () => require('./commands/interpolate.js').command },
  traverse: { summary: 'per-dimension sweeps of z, as a grid and a GIF', load: () => require('./commands/traverse.js').command },
  arithmetic: { summary: 'vector arithmetic on z (A - B + C) from a numbered sample sheet', load: () => require('./commands/arithmetic.js').command },
  'progress-gif': { summary: "a run's fixed-noise grids over training, animated", load: () => require('./commands/progress-gif.js').command },
  filters: { summary: "the discriminator's first-layer filters (and feature maps) as images", load: () => require('./commands/filters.js').command },
  large: { summary: 'an image larger than the training size from a spatially tiled z', load: () => require('./commands/large.js').command },
  eval: { summary: 'FID, KID, precision/recall, class coverage and a memorization check of a run or a folder of images', load: () => require('./commands/eval.js').command },
  probe: { summary: "the paper's discriminator probe: a linear classifier on D's pooled features vs random D and pixels", load: () => require('./commands/probe.js').command },
  serve: { summary: 'web dashboard (live curves, sample grids) and latent explorer of a runs folder; train --serve trains and serves', load: () => require('./commands/serve.js').command },
  info: { summary: 'show the engine: backend, threads, libtorch, kernels', load: () => require('./commands/info.js').command },
  data: { summary: 'inspect a dataset: count, shape, labels, pixel statistics, skipped files, a preview grid', load: () => require('./commands/data.js').command },
};
 

function help(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'dcgan: train, sample, explore and evaluate Deep Convolutional GANs (Radford et al. 2015)',
    '',
    'usage: dcgan <command> [flags]     (dcgan <command> --help for its flags)',
    '',
    ...names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n]!.summary}`),
  ].join('\n');
}

/** Runs the command line; returns the exit code. User errors print one line, without a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return 0;
  }
  if (name === '--version' || name === '-v') {
     
    console.log((require('../../package.json') as { version: string }).version);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`dcgan: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')} (dcgan --help).`);
    return 2;
  }
  try {
    return await entry.load().run(rest);
  } catch (e) {
    if (isUserError(e)) {
      console.error(`dcgan ${name}: ${oneLine(e.message)}`);
      return 1;
    }
    throw e;
  }
}
