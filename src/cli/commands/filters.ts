// dcgan filters: the discriminator's first-layer filters (and optionally its feature maps for one sample).
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { initEngine } from '../../engine/index.js';
import { UserError } from '../../errors.js';
import { activations, firstLayerFilters } from '../../sample/filters.js';
import { generate } from '../../sample/generate.js';
import { writePng } from '../../sample/grid.js';
import { sampleLatents } from '../../sample/latent.js';
import { modelsFromCheckpoint } from '../../sample/source.js';
import { resolveCheckpoint } from '../../train/checkpoint.js';
import { choice, flag, num, parse, str } from '../args.js';
import type { Command } from '../main.js';
import { sourceArg } from '../sample-common.js';

const USAGE = `usage: dcgan filters RUN [--checkpoint latest|best|STEP] [--out FILE] [--scale K] [--activations DIR] [--seed S]

Draws the discriminator's first convolution filters (each scaled to its own range); with --activations, also
the first 16 feature maps of every convolution for one generated sample (seed S), one PNG per layer.`;

export const command: Command = {
  async run(argv) {
    const p = parse('filters', argv, {
      checkpoint: { type: 'string' }, out: { type: 'string', short: 'o' }, scale: { type: 'string' }, activations: { type: 'string' },
      seed: { type: 'string' }, backend: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    }, true);
    if (flag(p, 'help')) {
      console.log(USAGE);
      return 0;
    }
    const run = sourceArg(p, 'filters');
    await initEngine({ backend: choice(p, 'backend', ['aten', 'cpu'] as const) });
    // The discriminator is only in checkpoints.
    const dir = resolveCheckpoint(run, str(p, 'checkpoint') ?? 'latest');
    const { model: D, meta } = modelsFromCheckpoint(dir, 'D');
    const out = str(p, 'out') ?? 'filters.png';
    await writePng(out, firstLayerFilters(D, num(p, 'scale', { integer: true, min: 1, max: 32 }) ?? 8));
    const written = [out];
    const actDir = str(p, 'activations');
    if (actDir) {
      if (meta.classes) throw new UserError('--activations is not supported for class-conditional runs');
      const { model: G } = modelsFromCheckpoint(dir, 'G');
      const z = tf.tensor2d(sampleLatents(num(p, 'seed', { integer: true, min: 0 }) ?? 0, 1, meta.arch.nz, meta.arch.latent), [1, meta.arch.nz]);
      const x = generate(G, z, { bn: 'running' });
      for (const a of activations(D, x)) {
        const f = join(actDir, `${a.layer}.png`);
        await writePng(f, a.grid);
        written.push(f);
      }
      tf.dispose([z, x]);
      G.dispose();
    }
    D.dispose();
    console.log(`discriminator of ${dir}: ${written.join(', ')}`);
    return 0;
  },
};
