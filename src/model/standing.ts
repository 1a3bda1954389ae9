// BatchNorm standing statistics for a generator whose weights are an average (the EMA of G): its running
// statistics are re-estimated from its own activations on fixed latents (BigGAN, Brock et al. 2019, appendix
// C.1), as G's running statistics belong to G's last weights and blur samples of the average.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../util/rng.js';
import { generatorInput } from './conditioning.js';
import { standingStatistics } from './layers/batch-norm.js';
import type { ArchSpec } from './spec.js';

/**
 * Re-estimates the BatchNorm running statistics of `G` (built from `arch`, `classes` classes) as the mean of 8
 * batches' statistics over 512 latents drawn from `seed`'s own stream: the same for training, export and a
 * checkpoint sampled later, and no draw from the training RNG (an exact resume is untouched).
 */
export function standingGeneratorStatistics(G: tfl.LayersModel, arch: ArchSpec, classes: number, seed: number): void {
  const rng = new Rng(seed + 104_729), n = 64, batches = 8, nz = arch.nz;
  const labels = classes ? tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i % classes), 'int32') : undefined;
  const inputs = Array.from({ length: batches }, () => tf.tidy(() => generatorInput(tf.tensor2d(rng.latent(n * nz, arch.latent), [n, nz]), labels, classes)));
  try {
    standingStatistics(G, inputs);
  } finally {
    tf.dispose([...inputs, ...(labels ? [labels] : [])]);
  }
}
