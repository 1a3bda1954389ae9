// dcgan filters: the discriminator's first-layer filters (and optionally its feature maps for one sample).
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { initEngine } from '../../engine/index.js';
import { resolveCheckpoint } from '../../run/checkpoint.js';
import { activations, firstLayerFilters } from '../../sample/filters.js';
import { generate } from '../../sample/generate.js';
import { writePng } from '../../sample/grid.js';
import { sampleLatents } from '../../sample/latent.js';
import { modelsFromCheckpoint } from '../../sample/source.js';
import { UserError } from '../../util/errors.js';
import { defineCommand } from '../command.js';
import { ENGINE_FLAGS, outFlag } from '../sample-common.js';

export const command = defineCommand({
  name: 'filters',
  synopsis: 'RUN [--checkpoint latest|best|STEP] [--out FILE] [--scale K] [--activations DIR] [--seed S]',
  about: "Draws the discriminator's first convolution filters (each scaled to its own range); with --activations, also the first 16 " +
    'feature maps of every convolution for one generated sample (seed S), one PNG per layer. RUN: a run folder or a checkpoint folder.',
  positionals: { min: 1, max: 1, name: 'the run (a run folder or a checkpoint folder)' },
  flags: [
    { name: 'checkpoint', kind: 'string', metavar: 'latest|best|STEP', help: 'which checkpoint (default latest)' },
    outFlag('FILE', 'the filters image (default filters.png)'),
    { name: 'scale', kind: 'int', min: 1, max: 32, metavar: 'K', group: 'output', help: 'enlarge the filters K times (default 8)' },
    { name: 'activations', kind: 'path', metavar: 'DIR', group: 'output', help: 'also write the feature maps of one generated sample here' },
    { name: 'seed', kind: 'int', min: 0, metavar: 'S', group: 'output', help: "that sample's seed (default 0)" },
    ...ENGINE_FLAGS,
  ],
}, async ({ values: v, positionals }) => {
  await initEngine({ backend: v.backend, threads: v.threads });
  // The discriminator is only in checkpoints.
  const dir = resolveCheckpoint(positionals[0]!, v.checkpoint ?? 'latest');
  const { model: D, meta } = modelsFromCheckpoint(dir, 'D');
  const out = v.out ?? 'filters.png';
  await writePng(out, firstLayerFilters(D, v.scale ?? 8));
  const written = [out];
  if (v.activations) {
    if (meta.classes) throw new UserError('--activations is not supported for class-conditional runs');
    const { model: G } = modelsFromCheckpoint(dir, 'G');
    const z = tf.tensor2d(sampleLatents(v.seed ?? 0, 1, meta.arch.nz, meta.arch.latent), [1, meta.arch.nz]);
    const x = generate(G, z, { bn: 'running' });
    for (const a of activations(D, x)) {
      const f = join(v.activations, `${a.layer}.png`);
      await writePng(f, a.grid);
      written.push(f);
    }
    tf.dispose([z, x]);
    G.dispose();
  }
  D.dispose();
  console.log(`discriminator of ${dir}: ${written.join(', ')}`);
  return 0;
});
