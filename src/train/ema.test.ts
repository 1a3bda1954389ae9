// The EMA of G: the average follows decay, and copying it into a sampler with calibration batches re-estimates
// BatchNorm's running statistics from the averaged weights (standing statistics), leaving no tensor behind.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/index.js';
import { buildGenerator } from '../model/build.js';
import { getPreset } from '../model/presets.js';
import { Ema } from './ema.js';

describe('Ema', () => {
  beforeAll(async () => {
    await initEngine();
  });

  it('averages the weights; standing statistics make the running mean and variance the batches\' averages', () => {
    const arch = getPreset('dcgan28').build({});
    const G = buildGenerator(arch, { seed: 1 }), sampler = buildGenerator(arch, { seed: 2 });
    const ema = new Ema(G, 0.5);
    // G moves: its dense kernel doubles; the average is then 0.5 * w + 0.5 * 2w = 1.5 w
    const w0 = G.getWeights()[0]!.dataSync().slice();
    G.layers[0]!.setWeights([tf.mul(G.getWeights()[0]!, 2)]);
    ema.update();
    const z = [1, 2, 3].map((s) => tf.randomNormal([16, arch.nz], 0, 1, 'float32', s) as tf.Tensor2D);
    const before = tf.memory().numTensors;
    ema.copyTo(sampler, z);
    expect(tf.memory().numTensors).toBe(before);
    const kernel = sampler.getWeights()[0]!.dataSync();
    // float32 products of O(0.02) values: 1e-6 relative
    for (const i of [0, 1000, 50000]) expect(kernel[i]!).toBeCloseTo(1.5 * w0[i]!, 6);
    // The first BatchNorm normalises the dense layer's output: its running statistics are now the mean of
    // the three batches' means and unbiased variances under the averaged kernel.
    const stats = tf.tidy(() => {
      const per = z.map((zz) => {
        const { mean, variance } = tf.moments(tf.matMul(zz, sampler.getWeights()[0]!), 0);
        return [mean, tf.mul(variance, 16 / 15)];
      });
      return [tf.div(tf.addN(per.map((p) => p[0]!)), 3), tf.div(tf.addN(per.map((p) => p[1]!)), 3)];
    });
    const [movingMean, movingVar] = sampler.nonTrainableWeights.slice(0, 2).map((w) => w.read().dataSync());
    const [wantMean, wantVar] = stats.map((t) => t.dataSync());
    // Two float32 routes to statistics of O(0.01 - 0.1) values over 16 x 3 rows: 1e-5 absolute is ~1e-4 relative
    for (const i of [0, 7, 999, 12000]) {
      expect(Math.abs(movingMean![i]! - wantMean![i]!)).toBeLessThan(1e-5);
      expect(Math.abs(movingVar![i]! - wantVar![i]!)).toBeLessThan(1e-5);
    }
    // ...and the layers' own momentum is back
    expect(sampler.layers.map((l) => (l as unknown as { momentum?: number }).momentum).filter((m) => m !== undefined)).toEqual([0.9, 0.9, 0.9]);
    tf.dispose([...z, ...stats]);
    ema.dispose();
    G.dispose();
    sampler.dispose();
  });
});
