// The mean and covariance of a feature set (what FID compares), accumulated batch by batch in float64: each
// batch's Gram matrix is one float32 matMul on the engine, taken about a fixed shift to avoid cancellation.
import * as tf from '@tensorflow/tfjs-core';

/** A Gaussian fitted to n feature vectors of dim d: the mean and the unbiased covariance (numpy.cov's N - 1). */
export interface GaussianStats {
  n: number;
  dim: number;
  mean: Float64Array;
  /** d x d, row-major. */
  cov: Float64Array;
}

/** Adds feature batches one at a time; stats() gives the mean and covariance of all of them. */
export class StatsAccumulator {
  private n = 0;
  private shift: Float64Array | null = null;
  /** Sum of (x - shift). */
  private readonly s1: Float64Array;
  /** Sum of (x - shift)(x - shift)^T. */
  private readonly s2: Float64Array;

  constructor(readonly dim: number) {
    this.s1 = new Float64Array(dim);
    this.s2 = new Float64Array(dim * dim);
  }

  /** Adds m feature vectors (m x dim, row-major). */
  add(features: Float32Array, m = features.length / this.dim): void {
    const d = this.dim;
    if (features.length < m * d || !Number.isInteger(m)) throw new Error(`StatsAccumulator.add: ${features.length} values are not ${m} x ${d} features`);
    if (m === 0) return;
    if (!this.shift) {
      // The first batch's mean: later sums stay small, so float32 products lose little.
      this.shift = new Float64Array(d);
      for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) this.shift[j] = this.shift[j]! + features[i * d + j]! / m;
    }
    const shift = this.shift;
    const centred = new Float32Array(m * d);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < d; j++) {
        const v = features[i * d + j]! - shift[j]!;
        centred[i * d + j] = v;
        this.s1[j] = this.s1[j]! + v;
      }
    }
    const gram = tf.tidy(() => {
      const x = tf.tensor2d(centred, [m, d]);
      return tf.matMul(x, x, true, false);
    });
    const g = gram.dataSync() as Float32Array; // device-to-host: the d x d sums of this batch
    gram.dispose();
    for (let k = 0; k < d * d; k++) this.s2[k] = this.s2[k]! + g[k]!;
    this.n += m;
  }

  get count(): number {
    return this.n;
  }

  stats(): GaussianStats {
    const { n, dim: d } = this;
    if (n < 2) throw new Error(`a covariance needs at least 2 feature vectors, got ${n}`);
    const mean = new Float64Array(d), dm = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      dm[j] = this.s1[j]! / n;
      mean[j] = this.shift![j]! + dm[j]!;
    }
    const cov = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        const c = (this.s2[i * d + j]! - n * dm[i]! * dm[j]!) / (n - 1);
        cov[i * d + j] = c;
        cov[j * d + i] = c;
      }
    }
    return { n, dim: d, mean, cov };
  }
}

/** The mean and covariance of n feature vectors (n x d, row-major), in batches of `batch` rows. */
export function featureStats(features: Float32Array, d: number, batch = 4096): GaussianStats {
  const n = features.length / d;
  const acc = new StatsAccumulator(d);
  for (let i = 0; i < n; i += batch) acc.add(features.subarray(i * d, Math.min(n, i + batch) * d));
  return acc.stats();
}
