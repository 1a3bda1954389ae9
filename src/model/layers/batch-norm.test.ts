// DcganBatchNorm saved and loaded: through tfjs-layers serialisation (its registered class and getConfig) it
// comes back with the same settings, weights and moving statistics, and computes the same in training and
// inference mode; the stock export (BatchNormalization + activation) computes the same inference outputs.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../engine/index.js';
import { relativeError, values } from '../../testing/numeric.js';
import { buildGenerator } from '../build.js';
import { exportGenerator } from '../export.js';
import { loadLayersModelFile, saveLayersModel } from '../model-files.js';
import type { ArchSpec } from '../spec.js';
import { DcganBatchNorm } from './batch-norm.js';

// Every form the layer takes: linear (not fused: tanh follows; own momentum and epsilon) on a dense output,
// fused with ReLU and with LeakyReLU (own slope) on images.
const ARCH: ArchSpec = {
  name: 'bn-round-trip', source: 'batch-norm.test.ts', nz: 5, latent: 'normal', image: { height: 8, width: 8, channels: 3 },
  generator: [
    { type: 'dense', units: 2 * 2 * 6, bias: false }, { type: 'batchNorm', momentum: 0.8, epsilon: 1e-3 }, { type: 'tanh' },
    { type: 'reshape', shape: [2, 2, 6] },
    { type: 'convTranspose', filters: 4, kernel: 4, stride: 2, bias: false }, { type: 'batchNorm' }, { type: 'relu' },
    { type: 'convTranspose', filters: 4, kernel: 4, stride: 2, bias: false }, { type: 'batchNorm', momentum: 0.5 }, { type: 'leakyRelu', alpha: 0.1 },
    { type: 'conv', filters: 3, kernel: 3 }, { type: 'tanh' },
  ],
  discriminator: [{ type: 'flatten' }, { type: 'dense', units: 1 }],
  dOutput: 'logits',
};
const N = 6;
const META = { preset: ARCH.name, nz: ARCH.nz, latent: 'normal' as const, classes: 0, image: ARCH.image, step: 3 };

const batchZ = (seed: number) => tf.tensor2d(values(N * ARCH.nz, seed), [N, ARCH.nz]);
const bnLayers = (m: tfl.LayersModel) => m.layers.filter((l): l is DcganBatchNorm => l instanceof DcganBatchNorm);
// By the name the weight was given (a second model in one process gets suffixed variable names: gamma_1).
const weightsByName = (m: tfl.LayersModel) => Object.fromEntries(m.weights.map((w) => [w.originalName, Array.from(w.read().dataSync())]));

function run(m: tfl.LayersModel, z: tf.Tensor, training: boolean): Float32Array {
  return tf.tidy(() => (m.apply(z, { training }) as tf.Tensor).dataSync() as Float32Array);
}

describe('DcganBatchNorm save / load', () => {
  let dir: string;
  let G: tfl.Sequential;

  beforeAll(async () => {
    await initEngine();
    dir = mkdtempSync(join(tmpdir(), 'dcgan-bn-'));
    G = buildGenerator(ARCH, { seed: 3 });
    // A few training-mode passes move the statistics away from their initial 0 and 1, and train gamma and
    // beta a little, so that a load that dropped any of them would show.
    for (let s = 0; s < 3; s++) {
      tf.tidy(() => {
        G.apply(tf.mul(batchZ(10 + s), 1 + s), { training: true });
      });
    }
    tf.tidy(() => {
      for (const w of G.trainableWeights.filter((w) => /gamma|beta/.test(w.name))) {
        w.write(tf.add(w.read(), tf.mul(tf.tensor(values(w.shape[0]!, w.name.length)), 0.5)));
      }
    });
  });

  afterAll(() => {
    G.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the statistics really moved (the round trip below is not of initial values)', () => {
    for (const l of bnLayers(G)) {
      const [, , mean, variance] = l.getWeights();
      // (N(0, 0.02) weights make small activations: the means are ~1e-4, the variances far below 1.)
      expect(Math.max(...Array.from(mean!.dataSync(), Math.abs))).toBeGreaterThan(1e-6);
      expect(Math.max(...Array.from(variance!.dataSync(), (v) => Math.abs(v - 1)))).toBeGreaterThan(1e-2);
    }
    expect(bnLayers(G).map((l) => l.activation)).toEqual(['linear', 'relu', 'leakyrelu']);
  });

  it('training mode leaves no tensor behind (the moving-statistics update included)', () => {
    const z = batchZ(20);
    run(G, z, true);
    const tensors = tf.memory().numTensors;
    run(G, z, true);
    run(G, z, false);
    expect(tf.memory().numTensors).toBe(tensors);
    z.dispose();
  });

  it('loads back as DcganBatchNorm with the same config and identical weights, moving statistics included', async () => {
    const path = join(dir, 'ours');
    await saveLayersModel(G, path, { dcgan: META });
    const json = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8')) as { modelTopology: { config: { layers: { class_name: string }[] } } };
    expect(json.modelTopology.config.layers.filter((l) => l.class_name === 'DcganBatchNorm')).toHaveLength(3);
    const loaded = await loadLayersModelFile(path);
    expect(bnLayers(loaded)).toHaveLength(3);
    expect(bnLayers(loaded).map((l) => l.getConfig())).toEqual(bnLayers(G).map((l) => l.getConfig()));
    expect(bnLayers(loaded).map((l) => [l.momentum, l.epsilon, l.activation, l.alpha])).toEqual([
      [0.8, 1e-3, 'linear', 0.2], [0.9, 1e-5, 'relu', 0], [0.5, 1e-5, 'leakyrelu', 0.1],
    ]);
    // Bit for bit: weights are stored as float32 and read back as float32.
    expect(weightsByName(loaded)).toEqual(weightsByName(G));
    expect(bnLayers(loaded).map((l) => l.nonTrainableWeights.map((w) => w.originalName))).toEqual(bnLayers(G).map((l) => l.nonTrainableWeights.map((w) => w.originalName)));

    // The same weights through the same kernels: identical outputs, bit for bit, in both modes, and the same
    // moving-statistics update after a training-mode pass.
    const z = batchZ(30);
    expect(run(loaded, z, false)).toEqual(run(G, z, false));
    expect(run(loaded, z, true)).toEqual(run(G, z, true));
    expect(weightsByName(loaded)).toEqual(weightsByName(G));
    z.dispose();
    loaded.dispose();
  });

  it('the stock export (BatchNormalization + Activation / LeakyReLU) gives the same inference outputs', async () => {
    const path = join(dir, 'generator');
    await exportGenerator(G, path, META);
    const text = readFileSync(join(path, 'model.json'), 'utf8');
    // Nothing that only this project registers: stock TF.js (a browser) can build it.
    expect(text).not.toMatch(/Dcgan/);
    const stock = await loadLayersModelFile(path);
    expect(stock.layers.map((l) => l.getClassName())).toEqual([
      'Dense', 'BatchNormalization', 'Activation', 'Reshape', 'Conv2DTranspose', 'BatchNormalization', 'Activation',
      'Conv2DTranspose', 'BatchNormalization', 'LeakyReLU', 'Conv2D', 'Activation',
    ]);
    const bn = stock.layers.filter((l) => l.getClassName() === 'BatchNormalization').map((l) => l.getConfig());
    expect(bn.map((c) => [c.momentum, c.epsilon])).toEqual([[0.8, 1e-3], [0.9, 1e-5], [0.5, 1e-5]]);
    expect(stock.layers.find((l) => l.getClassName() === 'LeakyReLU')!.getConfig().alpha).toBe(0.1);
    // The same weights under stock names, moving statistics included.
    expect(Object.values(weightsByName(stock))).toEqual(Object.values(weightsByName(G)));
    const z = batchZ(40);
    // Stock BatchNormalization's inference runs tf.batchNorm as DcganBatchNorm's does, with the same
    // weights: measured bit-identical; 1e-6 relative leaves room for float32 rounding of another op order.
    expect(relativeError(run(stock, z, false), run(G, z, false))).toBeLessThan(1e-6);
    z.dispose();
    stock.dispose();
  });
});
