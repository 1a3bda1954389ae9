// Latent-space helpers of the explorer, over the same seeded sampler as `dcgan sample` (src/sample/latent.ts):
// seed S in the explorer draws the same z as the command line's --seed S.
import { sampleLatents } from '../../../src/sample/latent';

export { lerp, sampleLatents, slerp, walk } from '../../../src/sample/latent';

/** The vector of one seed: row 0 of `dcgan sample --seed S`. */
export function seedVector(seed: number, nz: number, kind: 'normal' | 'uniform'): Float32Array {
  return sampleLatents(seed, 1, nz, kind);
}

/** n latent vectors from one seed, as separate arrays. */
export function seedVectors(seed: number, n: number, nz: number, kind: 'normal' | 'uniform'): Float32Array[] {
  const flat = sampleLatents(seed, n, nz, kind);
  return Array.from({ length: n }, (_, k) => flat.slice(k * nz, (k + 1) * nz));
}

/** k orthonormal directions of R^nz (Gram-Schmidt over seeded Gaussian vectors). */
export function directions(k: number, nz: number, seed = 4242): Float32Array[] {
  const out: Float32Array[] = [];
  for (const v of seedVectors(seed, k, nz, 'normal')) {
    for (const d of out) {
      let dot = 0;
      for (let i = 0; i < nz; i++) dot += v[i]! * d[i]!;
      for (let i = 0; i < nz; i++) v[i]! -= dot * d[i]!;
    }
    let norm = 0;
    for (let i = 0; i < nz; i++) norm += v[i]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < nz; i++) v[i]! /= norm;
    out.push(v);
  }
  return out;
}

export function mean(vs: Float32Array[]): Float32Array {
  const out = new Float32Array(vs[0]?.length ?? 0);
  for (const v of vs) for (let i = 0; i < out.length; i++) out[i]! += v[i]! / vs.length;
  return out;
}

/** a - b + c */
export function arithmetic(a: Float32Array, b: Float32Array, c: Float32Array): Float32Array {
  return a.map((x, i) => x - b[i]! + c[i]!);
}

/** `n` neighbours of z with uniform noise of +-amount on every component (the paper's +-0.25). */
export function neighbours(z: Float32Array, n: number, amount: number, seed: number): Float32Array[] {
  return seedVectors(seed, n, z.length, 'uniform').map((u) => z.map((x, i) => x + u[i]! * amount));
}
