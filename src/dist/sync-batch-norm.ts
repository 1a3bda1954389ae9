// Synchronized batch normalization: training-mode batch norm whose statistics span every rank's batch, for
// `--sync-bn`. Forward and backward run inside TF.js's synchronous layer and gradient code, so each does one
// small blocking all-reduce (ProcessGroup.allreduceSync, bounded by the group's timeout): 2C + 1 floats per
// rank forward, 2C backward, per layer and pass. The math is PyTorch's SyncBatchNorm (Ioffe & Szegedy 2015,
// statistics over the union of the ranks' batches).
import * as tf from '@tensorflow/tfjs-core';
import type { ProcessGroup } from './group.js';

export interface SyncBatchNormResult {
  y: tf.Tensor;
  /** Mean and biased variance over every rank's batch, per channel (for the moving statistics). */
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  /** Positions counted across ranks per channel (N * H * W summed over ranks), for the unbiased variance. */
  count: number;
}

/**
 * Normalises x ([N, C] or [N, H, W, C]) over all axes but the last with statistics of every rank's x:
 * gamma * (x - mean) / sqrt(var + eps) + beta. Differentiable in x, gamma and beta. The gradient of x is
 * that of the sum of all ranks' losses (PyTorch's convention); gamma's and beta's are this rank's own, to be
 * averaged with the other gradients (DDP), which makes N ranks match one process with the whole batch.
 * Every rank must call it for the same layers in the same order, forward and backward.
 */
export function syncBatchNorm(group: ProcessGroup, x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): SyncBatchNormResult {
  const c = x.shape[x.shape.length - 1]!;
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const n = x.size / c;
  let stats: { mean: tf.Tensor1D; variance: tf.Tensor1D; count: number } | undefined;

  const f = tf.customGrad((...args: (tf.Tensor | ((ts: tf.Tensor[]) => void))[]) => {
    const [xIn, g, b] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as (ts: tf.Tensor[]) => void;
    // Each rank's (count, mean, sum of squared deviations) in its own row of a [world, 2C + 1] buffer; the
    // sum over ranks gathers all rows in one collective. Rows combine exactly (Chan, Golub & LeVeque 1979),
    // without the cancellation of E[x^2] - E[x]^2.
    const localMean = tf.mean(xIn, axes) as tf.Tensor1D;
    const localM2 = tf.sum(tf.square(tf.sub(xIn, localMean)), axes) as tf.Tensor1D;
    const row = tf.reshape(tf.concat([tf.tensor1d([n]), localMean, localM2]), [1, 2 * c + 1]);
    const rows = tf.pad(row, [[group.rank, group.world - 1 - group.rank], [0, 0]]);
    const [all] = group.allreduceSync([rows], 'sum') as [tf.Tensor2D];
    const counts = tf.slice(all, [0, 0], [-1, 1]);
    const means = tf.slice(all, [0, 1], [-1, c]);
    const m2s = tf.slice(all, [0, 1 + c], [-1, c]);
    const total = tf.sum(counts);
    const mean = tf.div(tf.sum(tf.mul(counts, means), 0), total) as tf.Tensor1D;
    const m2 = tf.sum(tf.add(m2s, tf.mul(counts, tf.square(tf.sub(means, mean)))), 0);
    const variance = tf.div(m2, total) as tf.Tensor1D;
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const xHat = tf.mul(tf.sub(xIn, mean), invStd);
    const y = tf.add(tf.mul(xHat, g), b);
    save([xHat, invStd, g, total]);
    stats = { mean: tf.keep(mean), variance: tf.keep(variance), count: total.dataSync()[0]! };  // dataSync: a small host read
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const dyT = Array.isArray(dy) ? dy[0]! : dy;
        const [sXHat, sInvStd, sGamma, sTotal] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Scalar];
        const dBeta = tf.sum(dyT, axes) as tf.Tensor1D;
        const dGamma = tf.sum(tf.mul(dyT, sXHat), axes) as tf.Tensor1D;
        // The sums over every rank's positions of dy and dy * xHat, one collective.
        const [sums] = group.allreduceSync([tf.concat([dBeta, dGamma])], 'sum') as [tf.Tensor1D];
        const sumDy = tf.slice(sums, 0, c), sumDyXHat = tf.slice(sums, c, c);
        const dx = tf.mul(tf.mul(sGamma, sInvStd),
          tf.sub(tf.sub(dyT, tf.div(sumDy, sTotal)), tf.mul(sXHat, tf.div(sumDyXHat, sTotal))));
        return [dx, dGamma, dBeta];
      },
    };
  });
  const y = f(x, gamma, beta);
  return { y, mean: stats!.mean, variance: stats!.variance, count: stats!.count };
}
