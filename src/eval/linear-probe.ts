// A linear classifier on fixed features: L2-regularised multinomial logistic regression on standardised
// features, trained full-batch with Adam on the engine (closed-form gradient); the regularisation strength is
// picked by k-fold cross-validation on the labelled set itself (no test labels are looked at).
import * as tf from '@tensorflow/tfjs-core';
import { epochOrder } from '../data/seeded-order.js';
import { Adam } from '../train/optimizers.js';

export interface LinearProbeOptions {
  /** L2 strengths tried: loss = mean cross-entropy + lambda / 2 |W|^2. */
  lambdas?: number[];
  /** Cross-validation folds (default 3). */
  folds?: number;
  /** Full-batch Adam iterations (default 300) and learning rate (default 0.01). */
  iterations?: number;
  lr?: number;
  seed?: number;
}

export const DEFAULT_LAMBDAS = [1e-4, 1e-3, 1e-2, 1e-1];

export interface LinearModel {
  dim: number;
  classes: number;
  /** Standardisation: (x - mean) / std, from the training features. */
  mean: Float32Array;
  std: Float32Array;
  /** dim x classes weights and the biases. */
  W: Float32Array;
  b: Float32Array;
  lambda: number;
  /** Mean cross-validated accuracy of each lambda tried. */
  cv: Record<string, number>;
}

function standardiser(x: Float32Array, n: number, d: number): { mean: Float32Array; std: Float32Array } {
  const mean = new Float64Array(d), sq = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      mean[j] = mean[j]! + v;
      sq[j] = sq[j]! + v * v;
    }
  }
  const m = new Float32Array(d), s = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    m[j] = mean[j]! / n;
    const v = sq[j]! / n - m[j]! ** 2;
    // A constant feature (a dead unit, a border pixel) carries no information: leave it at 0.
    s[j] = v > 1e-12 ? Math.sqrt(v) : 1;
  }
  return { mean: m, std: s };
}

/**
 * One full-batch Adam update of (W, b) with the closed-form gradient of softmax regression: P = softmax(xW + b),
 * dW = x^T (P - Y) / n + lambda W, db = mean(P - Y). Returns the loss when `read` (a device-to-host sync), else
 * NaN. The caller owns the tensors.
 */
export function probeStep(opt: Adam, W: tf.Variable, b: tf.Variable, x: tf.Tensor2D, onehot: tf.Tensor2D, lambda: number, read = true): number {
  const n = x.shape[0];
  const [dW, db, loss] = tf.tidy(() => {
    const logits = tf.add(tf.matMul(x, W), b);
    const diff = tf.sub(tf.softmax(logits), onehot);
    const gW = tf.add(tf.matMul(x, tf.div(diff, n), true, false), tf.mul(W, lambda));
    const gb = tf.mean(diff, 0);
    const l = read ? tf.add(tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))), tf.mul(tf.sum(tf.square(W)), lambda / 2)) : tf.scalar(NaN);
    return [gW, gb, l];
  });
  opt.apply([W, b], [dW!, db!]);
  const v = read ? loss!.dataSync()[0]! : NaN;
  tf.dispose([dW!, db!, loss!]);
  return v;
}

/** Fits W, b on standardised features. */
function fit(x: Float32Array, y: Int32Array, n: number, d: number, classes: number, lambda: number, o: LinearProbeOptions): { W: Float32Array; b: Float32Array } {
  // tidy frees the zeros the variables are made from (the variables survive it).
  const [W, b] = tf.tidy(() => [tf.variable(tf.zeros([d, classes]), true), tf.variable(tf.zeros([classes]), true)]);
  const opt = new Adam(o.lr ?? 0.01);
  const xt = tf.tensor2d(x, [n, d]);
  const onehot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(y, 'int32'), classes), 'float32') as tf.Tensor2D);
  try {
    const iterations = o.iterations ?? 300;
    for (let t = 0; t < iterations; t++) probeStep(opt, W, b, xt, onehot, lambda, false);
    return { W: W.dataSync().slice() as Float32Array, b: b.dataSync().slice() as Float32Array };
  } finally {
    tf.dispose([W, b, xt, onehot]);
    opt.dispose();
  }
}

function standardise(x: Float32Array, n: number, d: number, mean: Float32Array, std: Float32Array): Float32Array {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = (x[i * d + j]! - mean[j]!) / std[j]!;
  return out;
}

/** Class predictions of a linear model for n feature vectors (raw, it standardises them). */
export function predictLinear(model: Pick<LinearModel, 'dim' | 'classes' | 'mean' | 'std' | 'W' | 'b'>, x: Float32Array, n: number): Int32Array {
  const { dim: d, classes } = model;
  const p = tf.tidy(() => {
    const xs = tf.tensor2d(standardise(x, n, d, model.mean, model.std), [n, d]);
    return tf.argMax(tf.add(tf.matMul(xs, tf.tensor2d(model.W, [d, classes])), tf.tensor1d(model.b)), 1);
  });
  const out = p.dataSync() as Int32Array; // device-to-host: the predictions
  p.dispose();
  return out;
}

function accuracy(pred: Int32Array, y: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === y[i]) right++;
  return pred.length ? right / pred.length : 0;
}

function rows(x: Float32Array, d: number, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * d);
  for (let k = 0; k < idx.length; k++) out.set(x.subarray(idx[k]! * d, (idx[k]! + 1) * d), k * d);
  return out;
}

/** Trains the probe on n labelled feature vectors (n x d): lambda by cross-validation, then a fit on all of them. */
export function trainLinearProbe(x: Float32Array, y: Int32Array, d: number, classes: number, options: LinearProbeOptions = {}): LinearModel {
  const n = y.length;
  const lambdas = [...(options.lambdas ?? DEFAULT_LAMBDAS)].sort((a, b) => a - b);
  const folds = Math.max(2, Math.min(options.folds ?? 3, n));
  const order = epochOrder(n, options.seed ?? 0, 0);
  const cv: Record<string, number> = {};
  let best = lambdas[0]!, bestAcc = -1;
  for (const lambda of lambdas) {
    let sum = 0;
    for (let f = 0; f < folds; f++) {
      const val = Array.from(order).filter((_, k) => k % folds === f);
      const tr = Array.from(order).filter((_, k) => k % folds !== f);
      const xtr = rows(x, d, tr);
      const s = standardiser(xtr, tr.length, d);
      const m = fit(standardise(xtr, tr.length, d, s.mean, s.std), Int32Array.from(tr, (i) => y[i]!), tr.length, d, classes, lambda, options);
      sum += accuracy(predictLinear({ dim: d, classes, ...s, ...m }, rows(x, d, val), val.length), val.map((i) => y[i]!));
    }
    cv[String(lambda)] = sum / folds;
    // Ties go to the stronger regularisation (lambdas are tried in increasing order).
    if (sum / folds >= bestAcc) {
      bestAcc = sum / folds;
      best = lambda;
    }
  }
  const s = standardiser(x, n, d);
  const m = fit(standardise(x, n, d, s.mean, s.std), y, n, d, classes, best, options);
  return { dim: d, classes, ...s, ...m, lambda: best, cv };
}
