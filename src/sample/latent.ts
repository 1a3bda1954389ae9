// Latent vectors for sampling and exploration: seeded draws (optionally truncated), and paths between
// points (linear, or spherical as White 2016 recommends for Gaussian latents).
import { Rng } from '../util/rng.js';

/**
 * n latent vectors of size nz. `truncation` (normal latents) redraws every component beyond +-t: a
 * narrower z gives more typical, less varied images.
 */
export function sampleLatents(seed: number, n: number, nz: number, kind: 'normal' | 'uniform', truncation?: number): Float32Array {
  const rng = new Rng(seed);
  const z = new Float32Array(n * nz);
  for (let i = 0; i < z.length; i++) {
    if (kind === 'uniform') {
      z[i] = rng.uniform() * 2 - 1;
      continue;
    }
    let v = rng.normal();
    if (truncation !== undefined) while (Math.abs(v) > truncation) v = rng.normal();
    z[i] = v;
  }
  return z;
}

export function lerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  return a.map((x, i) => x + (b[i]! - x) * t);
}

/** Spherical interpolation; falls back to lerp for (nearly) parallel vectors. */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  const cos = dot / Math.sqrt(na * nb);
  const omega = Math.acos(Math.min(1, Math.max(-1, cos)));
  if (omega < 1e-6) return lerp(a, b, t);
  const s = Math.sin(omega);
  const wa = Math.sin((1 - t) * omega) / s, wb = Math.sin(t * omega) / s;
  return a.map((x, i) => wa * x + wb * b[i]!);
}

/** The points of a walk through `points` with `steps` per segment (the last point included once). */
export function walk(points: Float32Array[], steps: number, mode: 'lerp' | 'slerp'): Float32Array[] {
  const f = mode === 'slerp' ? slerp : lerp;
  const out: Float32Array[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    for (let s = 0; s < steps; s++) out.push(f(points[k]!, points[k + 1]!, s / steps));
  }
  out.push(points[points.length - 1]!);
  return out;
}

/** Concatenates vectors into one Float32Array. */
export function stack(vs: Float32Array[]): Float32Array {
  const out = new Float32Array(vs.reduce((a, v) => a + v.length, 0));
  let at = 0;
  for (const v of vs) {
    out.set(v, at);
    at += v.length;
  }
  return out;
}

/** Row k of a stacked [n, nz] array. */
export function row(z: Float32Array, k: number, nz: number): Float32Array {
  return z.slice(k * nz, (k + 1) * nz);
}
