// Precision/recall (Kynkäänniemi et al. 2019) on sets whose answer is known, and the nearest-neighbour
// searches under it against brute force; no tensor is left behind.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/index.js';
import { Rng } from '../util/rng.js';
import { insideAnyBall, kthNeighbourDistances, nearest, NearestTracker } from './nearest.js';
import { precisionRecall } from './precision-recall.js';

function gaussian(n: number, d: number, seed: number, shift = 0, scale = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * d }, () => rng.normal() * scale + shift);
}

function dist(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += (a[i * d + k]! - b[j * d + k]!) ** 2;
  return Math.sqrt(s);
}

describe('nearest neighbours', () => {
  beforeAll(async () => {
    await initEngine();
  });

  it('k-th neighbour distances, nearest rows and top-m in chunks agree with brute force', () => {
    const d = 5, x = gaussian(60, d, 1), q = gaussian(25, d, 2);
    const tensors = tf.memory().numTensors;
    const k3 = kthNeighbourDistances(x, d, 3);
    for (let i = 0; i < 60; i++) {
      const all = Array.from({ length: 60 }, (_, j) => dist(x, i, x, j, d)).sort((a, b) => a - b);
      expect(all[0]).toBe(0);
      expect(k3[i]).toBeCloseTo(all[3]!, 4);
    }
    const nn = nearest(q, x, d);
    const t = new NearestTracker(25, 3);
    // The base in two chunks, with offsets.
    t.update(q, x.subarray(0, 35 * d), d, 0);
    t.update(q, x.subarray(35 * d), d, 35);
    for (let i = 0; i < 25; i++) {
      const order = Array.from({ length: 60 }, (_, j) => j).sort((a, b) => dist(q, i, x, a, d) - dist(q, i, x, b, d));
      expect(nn.index[i]).toBe(order[0]);
      expect(nn.distance[i]).toBeCloseTo(dist(q, i, x, order[0]!, d), 4);
      expect(Array.from(t.index.subarray(i * 3, i * 3 + 3))).toEqual(order.slice(0, 3));
    }
    // Balls: a query inside exactly when some base row is within its radius.
    const radius = Float32Array.from({ length: 60 }, (_, j) => 0.5 + (j % 3) * 0.4);
    const inside = insideAnyBall(q, x, radius, d);
    for (let i = 0; i < 25; i++) {
      const want = Array.from({ length: 60 }, (_, j) => dist(q, i, x, j, d) <= radius[j]!).some(Boolean);
      expect(inside[i], `query ${i}`).toBe(want ? 1 : 0);
    }
    expect(tf.memory().numTensors).toBe(tensors);
  });
});

describe('precisionRecall', () => {
  beforeAll(async () => {
    await initEngine();
  });

  it('identical sets: precision and recall 1', () => {
    const x = gaussian(400, 8, 3);
    const r = precisionRecall(x, x.slice(), 8);
    expect(r).toMatchObject({ precision: 1, recall: 1, k: 3, real: 400, generated: 400 });
  });

  it('disjoint sets: precision and recall 0', () => {
    const r = precisionRecall(gaussian(300, 8, 4), gaussian(300, 8, 5, 50), 8);
    expect(r.precision).toBe(0);
    expect(r.recall).toBe(0);
  });

  it('two samples of one distribution: both high; a generator covering half the modes: precision high, recall about half', () => {
    const d = 4, n = 600;
    // Seeded data, so these are fixed numbers up to rounding: a k-NN membership that rounding decides moves a rate
    // by 1/600, and the bounds are 40 or more such flips from the measured 0.96 / 0.953 / 0.958 / 0.473 (the same
    // on AVX-512 and AVX2).
    const same = precisionRecall(gaussian(n, d, 6), gaussian(n, d, 7), d);
    expect(same.precision).toBeGreaterThan(0.85);
    expect(same.recall).toBeGreaterThan(0.85);
    // Real: two well separated clusters; generated: only the first.
    const real = new Float32Array(n * d), gen = gaussian(n, d, 8, 0, 0.5);
    const a = gaussian(n / 2, d, 9, 0, 0.5), b = gaussian(n / 2, d, 10, 20, 0.5);
    real.set(a);
    real.set(b, (n / 2) * d);
    const half = precisionRecall(real, gen, d);
    expect(half.precision).toBeGreaterThan(0.85);
    expect(half.recall).toBeGreaterThan(0.4);
    expect(half.recall).toBeLessThan(0.55);
  });
});
