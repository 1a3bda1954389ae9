// The EMA of G's weights: after k updates the shadow is the closed form decay^k w0 + sum (1 - decay)
// decay^(k-t) w_t; BatchNorm's moving statistics are copied, not averaged; copyTo and load round-trip; the
// shadow never aliases what it is copied to; no tensor is left behind. Copying with calibration batches
// re-estimates BatchNorm's running statistics from the averaged weights (standing statistics).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/index.js';
import { buildGenerator } from '../model/build.js';
import { getPreset } from '../model/presets.js';
import type { ArchSpec } from '../model/spec.js';
import { relativeError, values } from '../testing/numeric.js';
import { Ema } from './ema.js';
import { Adam } from './optimizers.js';

const ARCH: ArchSpec = {
  name: 'ema', source: 'ema.test.ts', nz: 4, latent: 'normal', image: { height: 4, width: 4, channels: 1 },
  generator: [
    { type: 'dense', units: 2 * 2 * 3, bias: false }, { type: 'batchNorm' }, { type: 'relu' },
    { type: 'reshape', shape: [2, 2, 3] },
    { type: 'convTranspose', filters: 1, kernel: 3, stride: 2 }, { type: 'tanh' },
  ],
  discriminator: [{ type: 'flatten' }, { type: 'dense', units: 1 }],
  dOutput: 'logits',
};
const DECAY = 0.9;

const host = (ws: tf.Tensor[]) => ws.map((w) => Float64Array.from(w.dataSync()));
const trainableMask = (G: tfl.LayersModel) => {
  const ids = new Set(G.trainableWeights.map((w) => w.id));
  return G.weights.map((w) => ids.has(w.id));
};

/** Moves G as a training step would: new trainable weights (w + 0.1 t noise), BatchNorm statistics by a forward pass. */
function fakeStep(G: tfl.LayersModel, t: number): void {
  tf.tidy(() => {
    G.trainableWeights.forEach((w, i) => {
      const x = w.read();
      w.write(tf.add(x, tf.mul(tf.tensor(values(x.size, 100 * t + i), x.shape), 0.1 * t)));
    });
    G.apply(tf.tensor2d(values(6 * ARCH.nz, t), [6, ARCH.nz]), { training: true });
  });
}

describe('Ema', () => {
  let G: tfl.Sequential;

  beforeAll(async () => {
    await initEngine();
  });
  beforeEach(() => {
    G = buildGenerator(ARCH, { seed: 2 });
  });
  afterEach(() => {
    G.dispose();
  });

  it('after k updates equals the closed form for trainable weights, and copies BatchNorm statistics', () => {
    const ema = new Ema(G, DECAY);
    const mask = trainableMask(G);
    expect(mask.filter((m) => !m)).toHaveLength(2); // moving mean and variance
    const history = [host(G.getWeights())];
    const k = 5;
    for (let t = 1; t <= k; t++) {
      fakeStep(G, t);
      history.push(host(G.getWeights()));
      ema.update();
    }
    G.weights.forEach((w, i) => {
      const s = ema.shadow[i]!.dataSync();
      if (!mask[i]) {
        // The latest statistics, exactly (averaging would give a different number).
        expect(Array.from(s), w.name).toEqual(Array.from(w.read().dataSync()));
        return;
      }
      // decay^k w0 + sum_t (1 - decay) decay^(k - t) w_t, in doubles.
      const want = history[0]![i]!.map((v0, j) => {
        let acc = DECAY ** k * v0;
        for (let t = 1; t <= k; t++) acc += (1 - DECAY) * DECAY ** (k - t) * history[t]![i]![j]!;
        return acc;
      });
      // Each update rounds three float32 elementwise operations (~6e-8 relative each, the same on every
      // ISA), and decay itself is rounded to float32: measured at most 1e-7 after 5 updates; 1e-6 is 10x.
      expect(relativeError(s, want), w.name).toBeLessThan(1e-6);
      // ... and is far from the last weights, so the check above is not of a copy.
      expect(relativeError(s, history[k]![i]!), w.name).toBeGreaterThan(1e-2);
    });
    ema.dispose();
  });

  it('copyTo gives a generator the averaged weights, which neither later updates nor training of it share', () => {
    const ema = new Ema(G, DECAY);
    fakeStep(G, 1);
    ema.update();
    const target = buildGenerator(ARCH, { seed: 9 });
    ema.copyTo(target);
    const shadow = host(ema.shadow);
    expect(host(target.getWeights())).toEqual(shadow);
    // The shadow keeps averaging; the copy stays as it was.
    fakeStep(G, 2);
    ema.update();
    expect(host(target.getWeights())).toEqual(shadow);
    // Training the copy (Adam updates in place when a variable owns its data alone) leaves the shadow alone.
    const shadowNow = host(ema.shadow);
    const vars = target.trainableWeights.map((w) => w.read() as tf.Variable);
    const adam = new Adam(0.1);
    const grads = vars.map((v) => tf.onesLike(v));
    adam.apply(vars, grads);
    expect(host(ema.shadow)).toEqual(shadowNow);
    expect(host(target.getWeights())).not.toEqual(shadow);
    tf.dispose(grads);
    adam.dispose();
    target.dispose();
    ema.dispose();
  });

  it('load restores a saved shadow, after which updates continue identically', () => {
    const a = new Ema(G, DECAY);
    fakeStep(G, 1);
    a.update();
    const saved = a.shadow.map((s) => tf.clone(s));
    const b = new Ema(G, DECAY);
    b.load(saved);
    tf.dispose(saved); // the Ema holds its own reference
    expect(host(b.shadow)).toEqual(host(a.shadow));
    fakeStep(G, 2);
    a.update();
    b.update();
    expect(host(b.shadow)).toEqual(host(a.shadow));
    a.dispose();
    b.dispose();
  });

  it('update, copyTo and load leave no tensor behind; dispose frees the shadow', () => {
    const before = tf.memory().numTensors;
    const ema = new Ema(G, DECAY);
    expect(tf.memory().numTensors).toBe(before + G.weights.length);
    const target = buildGenerator(ARCH, { seed: 9 });
    const tensors = tf.memory().numTensors;
    for (let t = 1; t <= 3; t++) {
      fakeStep(G, t);
      ema.update();
      ema.copyTo(target);
      tf.tidy(() => ema.load(ema.shadow.map((s) => tf.mul(s, 1))));
      expect(tf.memory().numTensors).toBe(tensors);
    }
    target.dispose();
    ema.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('Ema standing statistics', () => {
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
