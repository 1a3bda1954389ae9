// D's targets for one batch: real images labelled `realLabel` (0.9: one-sided label smoothing, Salimans et
// al. 2016), fake ones 0, each flipped with probability `labelNoise` (noisy labels), drawn from the run's Rng
// so that a resumed run draws the same ones.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng.js';

/** The targets of n images; `rows`: only these rows of them (a data-parallel rank's share), all n drawn. */
export function discriminatorTargets(n: number, realLabel: number, labelNoise: number, rng: Rng, rows = { first: 0, count: n }): { real: tf.Tensor2D; fake: tf.Tensor2D } {
  const real = new Float32Array(n), fake = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // Label noise flips a target: real images are called fake and the other way round.
    real[i] = labelNoise > 0 && rng.uniform() < labelNoise ? 0 : realLabel;
    fake[i] = labelNoise > 0 && rng.uniform() < labelNoise ? realLabel : 0;
  }
  const end = rows.first + rows.count;
  return { real: tf.tensor2d(real.subarray(rows.first, end), [rows.count, 1]), fake: tf.tensor2d(fake.subarray(rows.first, end), [rows.count, 1]) };
}
