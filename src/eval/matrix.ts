// Dense square float64 matrices (row-major Float64Array) for the metrics: products, traces, and the square
// root of a positive semi-definite matrix through its symmetric eigen-decomposition.
import { symmetricEigen } from './symmetric-eigen.js';

/** a (n x n) times b (n x n). */
export function matMul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ci = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[ci + k]!;
      if (aik === 0) continue;
      const bk = k * n;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + aik * b[bk + j]!;
    }
  }
  return c;
}

export function trace(a: Float64Array, n: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += a[i * n + i]!;
  return t;
}

/** (a + a^T) / 2, in place: removes the rounding asymmetry of a product that is symmetric in exact arithmetic. */
export function symmetrize(a: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = (a[i * n + j]! + a[j * n + i]!) / 2;
      a[i * n + j] = m;
      a[j * n + i] = m;
    }
  }
  return a;
}

/** The PSD square root V diag(sqrt(max(w, 0))) V^T of the symmetric matrix a (negative rounding noise clipped). */
export function sqrtPsd(a: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, n, { vectors: true });
  const V = vectors!;
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const s = Math.sqrt(Math.max(values[k]!, 0));
    if (s === 0) continue;
    const vk = k * n;
    for (let i = 0; i < n; i++) {
      const vi = V[vk + i]! * s;
      if (vi === 0) continue;
      const oi = i * n;
      for (let j = 0; j < n; j++) out[oi + j] = out[oi + j]! + vi * V[vk + j]!;
    }
  }
  return symmetrize(out, n);
}

/**
 * tr(sqrt(s1 s2)) for covariance matrices s1, s2: the eigenvalues of s1 s2 are those of the symmetric PSD
 * matrix sqrt(s1) s2 sqrt(s1), so the trace is the sum of the square roots of the latter's eigenvalues.
 */
export function traceSqrtProduct(s1: Float64Array, s2: Float64Array, n: number): number {
  const r = sqrtPsd(s1, n);
  const m = symmetrize(matMul(matMul(r, s2, n), r, n), n);
  const { values } = symmetricEigen(m, n);
  let t = 0;
  for (const w of values) t += Math.sqrt(Math.max(w, 0));
  return t;
}
