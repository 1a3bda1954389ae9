// Shared by the numeric unit tests (not part of the build): backend-independent pseudo-random inputs and the
// relative error of two tensors, computed in double precision on the host.
import * as tf from '@tensorflow/tfjs-core';

/** Deterministic pseudo-random values in [-1, 1) (inputs that must not depend on a backend's RNG). */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

type Data = tf.Tensor | ArrayLike<number>;
const host = (t: Data): ArrayLike<number> => (t instanceof tf.Tensor ? t.dataSync() : t);

/** ||a - b|| / ||b|| (Euclidean, in doubles); `b` is the reference. */
export function relativeError(a: Data, b: Data): number {
  const x = host(a), y = host(b);
  if (x.length !== y.length) throw new Error(`relativeError: ${x.length} values against ${y.length}`);
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) {
    num += (x[i]! - y[i]!) ** 2;
    den += y[i]! ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
}

/** The largest |a - b|. */
export function maxAbsDiff(a: Data, b: Data): number {
  const x = host(a), y = host(b);
  if (x.length !== y.length) throw new Error(`maxAbsDiff: ${x.length} values against ${y.length}`);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}
