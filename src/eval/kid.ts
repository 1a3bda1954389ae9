// The Kernel Inception Distance (Bińkowski et al. 2018) as torch-fidelity computes it: the unbiased MMD^2
// estimate with the cubic polynomial kernel k(x, y) = (x.y / d + 1)^3, averaged over random subsets.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../util/rng.js';

export interface KidOptions {
  /** How many random subsets are averaged (torch-fidelity's kid_subsets: 100). */
  subsets?: number;
  /** Feature vectors per subset and side (torch-fidelity's kid_subset_size: 1000); at most the smaller set. */
  subsetSize?: number;
  /** Kernel degree (3), gamma (default 1 / d) and coef0 (1): k(x, y) = (gamma x.y + coef0)^degree. */
  degree?: number;
  gamma?: number;
  coef0?: number;
  /** Seed of the subset draws. */
  seed?: number;
  /** Explicit subsets instead of random ones: row indices into x and into y, one pair of lists per subset. */
  indices?: { x: ArrayLike<number>; y: ArrayLike<number> }[];
}

export interface KidResult {
  /** Mean of the subset MMD^2 estimates: the KID. */
  mean: number;
  /** Their standard deviation (numpy.std, ddof 0, as torch-fidelity). */
  std: number;
  subsets: number;
  subsetSize: number;
}

/** m distinct indices of [0, n), seeded (a partial Fisher-Yates shuffle). */
export function choose(rng: Rng, n: number, m: number): Int32Array {
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool.slice(0, m);
}

/**
 * torch-fidelity's mmd2(K_XX, K_XY, K_YY, mmd_est='unbiased') for two equal-sized feature tensors [m, d]:
 * (sum of K_XX and K_YY off their diagonals) / (m (m - 1)) - 2 sum(K_XY) / m^2.
 */
function mmd2(x: tf.Tensor2D, y: tf.Tensor2D, degree: number, gamma: number, coef0: number): number {
  const m = x.shape[0];
  const sums = tf.tidy(() => {
    const k = (a: tf.Tensor2D, b: tf.Tensor2D) => tf.pow(tf.add(tf.mul(tf.matMul(a, b, false, true), gamma), coef0), degree);
    const diag = (a: tf.Tensor2D) => tf.sum(tf.pow(tf.add(tf.mul(tf.sum(tf.square(a), 1), gamma), coef0), degree));
    return tf.stack([tf.sum(k(x, x)), diag(x), tf.sum(k(y, y)), diag(y), tf.sum(k(x, y))]);
  });
  const [xx, dx, yy, dy, xy] = Array.from(sums.dataSync()); // device-to-host: five sums of this subset
  sums.dispose();
  return (xx! - dx! + (yy! - dy!)) / (m * (m - 1)) - (2 * xy!) / (m * m);
}

/** KID between feature sets x (nx x d) and y (ny x d), row-major. */
export function kid(x: Float32Array, y: Float32Array, d: number, options: KidOptions = {}): KidResult {
  const nx = x.length / d, ny = y.length / d;
  const degree = options.degree ?? 3, gamma = options.gamma ?? 1 / d, coef0 = options.coef0 ?? 1;
  const subsetSize = options.indices ? options.indices[0]?.x.length ?? 0 : Math.min(options.subsetSize ?? 1000, nx, ny);
  if (subsetSize < 2) throw new Error(`kid: needs at least 2 feature vectors per set, got ${nx} and ${ny}`);
  const rng = new Rng(options.seed ?? 2020);
  const subsets = options.indices ?? Array.from({ length: options.subsets ?? 100 }, () => ({ x: choose(rng, nx, subsetSize), y: choose(rng, ny, subsetSize) }));
  const tx = tf.tensor2d(x, [nx, d]), ty = tf.tensor2d(y, [ny, d]);
  const values: number[] = [];
  try {
    for (const s of subsets) {
      if (s.x.length !== subsetSize || s.y.length !== subsetSize) throw new Error(`kid: every subset must have ${subsetSize} indices on both sides`);
      tf.tidy(() => {
        const a = tf.gather(tx, tf.tensor1d(Int32Array.from(s.x), 'int32')) as tf.Tensor2D;
        const b = tf.gather(ty, tf.tensor1d(Int32Array.from(s.y), 'int32')) as tf.Tensor2D;
        values.push(mmd2(a, b, degree, gamma, coef0));
      });
    }
  } finally {
    tf.dispose([tx, ty]);
  }
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, std, subsets: values.length, subsetSize };
}
