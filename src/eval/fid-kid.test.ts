// FID and KID against an independent reference (pytorch-fid's and torch-fidelity's own code, run in Python:
// fixtures/make-reference.py), the symmetric eigensolver against known decompositions, and no tensor leaks.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/index.js';
import { Rng } from '../util/rng.js';
import { fid } from './fid.js';
import { kid } from './kid.js';
import { matMul, sqrtPsd } from './matrix.js';
import { featureStats } from './statistics.js';
import { symmetricEigen } from './symmetric-eigen.js';

interface Case {
  name: string; dim: number; nx: number; ny: number; x: number[]; y: number[];
  fid: number; fidByEigenvalues: number; kidSubsets: { x: number[]; y: number[] }[]; kidMean: number; kidStd: number;
}
const reference = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'fid-kid-reference.json'), 'utf8')) as { cases: Case[] };

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  return a;
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe('symmetricEigen', () => {
  it('reconstructs A = V diag(w) V^T with orthonormal V, eigenvalues ascending', () => {
    for (const n of [1, 2, 7, 40]) {
      const a = randomSymmetric(n, n);
      const { values, vectors } = symmetricEigen(a, n, { vectors: true });
      const V = vectors!;
      for (let k = 1; k < n; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
      let maxErr = 0, maxOrtho = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0, o = 0;
          for (let k = 0; k < n; k++) {
            s += V[k * n + i]! * values[k]! * V[k * n + j]!;
            o += V[i * n + k]! * V[j * n + k]!;
          }
          maxErr = Math.max(maxErr, Math.abs(s - a[i * n + j]!));
          maxOrtho = Math.max(maxOrtho, Math.abs(o - (i === j ? 1 : 0)));
        }
      }
      expect(maxErr).toBeLessThan(1e-10);
      expect(maxOrtho).toBeLessThan(1e-12);
      // Eigenvalues alone are the same.
      expect(Array.from(symmetricEigen(a, n).values)).toEqual(Array.from(values));
    }
  });

  it('handles diagonal, repeated and zero eigenvalues', () => {
    const diag = Float64Array.from([3, 0, 0, 0, 1, 0, 0, 0, 2]);
    expect(Array.from(symmetricEigen(diag, 3).values)).toEqual([1, 2, 3]);
    const ones = new Float64Array(16).fill(1); // rank 1: eigenvalues 0, 0, 0, 4
    const w = symmetricEigen(ones, 4).values;
    expect(w[3]).toBeCloseTo(4, 12);
    for (let k = 0; k < 3; k++) expect(Math.abs(w[k]!)).toBeLessThan(1e-12);
  });

  it('sqrtPsd squares back to the matrix', () => {
    const n = 12;
    const b = randomSymmetric(n, 3);
    const a = matMul(b, b, n); // PSD
    const r = sqrtPsd(a, n);
    const rr = matMul(r, r, n);
    for (let i = 0; i < n * n; i++) expect(rr[i]!).toBeCloseTo(a[i]!, 9);
  });
});

describe('FID and KID against pytorch-fid and torch-fidelity', () => {
  beforeAll(async () => {
    await initEngine();
  });

  for (const c of reference.cases) {
    it(`${c.name}: FID and KID to 1e-3 relative`, () => {
      const x = Float32Array.from(c.x), y = Float32Array.from(c.y);
      const tensors = tf.memory().numTensors;
      // The references are float64; our covariances go through float32 matrix products. Measured worst: 2.8e-5
      // relative (singular covariances' FID), the same on AVX-512 and AVX2; 1e-3 leaves a factor 36 for other
      // BLAS kernels, whose float32 products differ by a few ulps (~1e-6).
      const value = fid(featureStats(x, c.dim), featureStats(y, c.dim));
      expect(relErr(value, c.fid), `FID ${value} vs ${c.fid}`).toBeLessThan(1e-3);
      const k = kid(x, y, c.dim, { indices: c.kidSubsets });
      expect(relErr(k.mean, c.kidMean), `KID ${k.mean} vs ${c.kidMean}`).toBeLessThan(1e-3);
      expect(relErr(k.std, c.kidStd), `KID std ${k.std} vs ${c.kidStd}`).toBeLessThan(1e-3);
      expect(tf.memory().numTensors).toBe(tensors);
    });
  }

  it('FID is symmetric, zero for identical sets, and grows with a shift of the mean by its square', () => {
    const d = 8, n = 500, rng = new Rng(9);
    const x = Float32Array.from({ length: n * d }, () => rng.normal());
    const sx = featureStats(x, d);
    expect(fid(sx, sx)).toBeLessThan(1e-9);
    const shifted = x.map((v) => v + 0.5);
    const f = fid(sx, featureStats(shifted, d));
    expect(f).toBeCloseTo(d * 0.25, 6); // same covariance: only |mu1 - mu2|^2 remains
    const y = Float32Array.from({ length: n * d }, () => rng.normal() * 2);
    const sy = featureStats(y, d);
    expect(fid(sx, sy)).toBeCloseTo(fid(sy, sx), 9);
  });

  it('KID of random subsets: seeded, and near zero for two samples of one distribution', () => {
    const d = 16, rng = new Rng(4);
    const a = Float32Array.from({ length: 600 * d }, () => rng.normal());
    const b = Float32Array.from({ length: 600 * d }, () => rng.normal());
    const far = Float32Array.from({ length: 600 * d }, () => rng.normal() + 1);
    const same = kid(a, b, d, { subsets: 10, subsetSize: 200, seed: 1 });
    expect(kid(a, b, d, { subsets: 10, subsetSize: 200, seed: 1 })).toEqual(same);
    expect(same.subsetSize).toBe(200);
    // A z-score: the mean of 10 subsets within 3 standard deviations of 0 (measured -0.0044 +- 0.0075).
    expect(Math.abs(same.mean)).toBeLessThan(3 * same.std + 0.02);
    expect(kid(a, far, d, { subsets: 10, subsetSize: 200, seed: 1 }).mean).toBeGreaterThan(20 * Math.abs(same.mean) + 0.5);
    expect(kid(a, b, d, { subsets: 2, subsetSize: 5000 }).subsetSize).toBe(600); // clamped to the smaller set
  });
});
