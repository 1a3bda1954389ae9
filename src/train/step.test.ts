// The GAN step: every D-batch mode and conditional runs, moves the weights, reports sane figures, and
// leaves no tensor behind (tf.memory().numTensors is the same after each step).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/index.js';
import { buildDiscriminator, buildGenerator } from '../model/build.js';
import { getPreset } from '../model/presets.js';
import { DiffAugment } from './augment.js';
import { makeGanLoss } from './losses.js';
import { Adam, SgdNesterov } from './optimizers.js';
import { Rng } from '../util/rng.js';
import { ganStep, type StepSettings } from './step.js';

describe('ganStep', () => {
  beforeAll(async () => {
    await initEngine();
  });

  const augment = () => ({ pipe: new DiffAugment(['color', 'translation', 'cutout']), rng: new Rng(3), p: 0.5 });
  const cases: [string, Partial<StepSettings>, number, boolean?][] = [
    ['separate', { dBatch: 'separate' }, 0],
    ['concat (Keras MNIST)', { dBatch: 'concat' }, 0],
    ['half (Keras Simpsons)', { dBatch: 'half' }, 0],
    ['two G steps per D step', { gSteps: 2 }, 0],
    ['class-conditional', {}, 10],
    ['hinge loss', { loss: makeGanLoss('hinge', 'logits', 'dcgan64') }, 0],
    ['least squares loss', { loss: makeGanLoss('ls', 'logits', 'dcgan64') }, 0],
    ['DiffAugment at p = 0.5', { augment: augment() }, 0],
    ['DiffAugment, concat and two G steps', { augment: augment(), dBatch: 'concat', gSteps: 2 }, 0],
    ['DiffAugment, half batches, conditional', { augment: augment(), dBatch: 'half' }, 10],
    ['spectral norm in D and G', {}, 0, true],
    ['R1 every step', { r1: { gamma: 1, every: 1 } }, 0],
    ['everything: hinge, spectral norm, DiffAugment, R1, conditional', { loss: makeGanLoss('hinge', 'logits', 'dcgan64'), augment: augment(), r1: { gamma: 0.1, every: 1 } }, 10, true],
  ];
  for (const [name, over, classes, spectralNorm] of cases) {
    it(`${name}: updates both networks without leaking tensors`, () => {
      const arch = getPreset('dcgan64').build({ imageSize: [32, 32], ngf: 8, ndf: 8 });
      const G = buildGenerator(arch, { classes, spectralNorm }), D = buildDiscriminator(arch, { classes, spectralNorm });
      const s: StepSettings = { dOutput: 'logits', dBatch: 'separate', gSteps: 1, classes, ...over };
      const parts = { G, D, optG: new Adam(2e-4, 0.5), optD: new SgdNesterov(1e-3) };
      const n = 6;
      const batch = {
        real: tf.randomUniform([n, 32, 32, 3], -1, 1, 'float32', 1) as tf.Tensor4D,
        z: [tf.randomNormal([n, arch.nz], 0, 1, 'float32', 2) as tf.Tensor2D, tf.randomNormal([n, arch.nz], 0, 1, 'float32', 3) as tf.Tensor2D],
        realTarget: tf.fill([n, 1], 0.9), fakeTarget: tf.zeros([n, 1]),
        realLabels: classes ? tf.tensor1d([0, 1, 2, 3, 4, 5], 'int32') : undefined,
        fakeLabels: classes ? tf.tensor1d([9, 8, 7, 6, 5, 4], 'int32') : undefined,
        step: 1,
      };
      const g0 = G.getWeights()[1]!.dataSync().slice(), d0 = D.getWeights()[0]!.dataSync().slice();
      ganStep(parts, batch, s); // optimizer slots are created on the first step
      const tensors = tf.memory().numTensors;
      for (let i = 0; i < 2; i++) {
        const f = ganStep(parts, batch, s);
        expect(tf.memory().numTensors).toBe(tensors);
        for (const [k, v] of Object.entries(f)) if (k !== 'r1') expect(Number.isFinite(v), k).toBe(true);
        expect(f.dx).toBeGreaterThan(0);
        expect(f.dx).toBeLessThan(1);
        expect(Math.abs(f.realSigns)).toBeLessThanOrEqual(f.realCount);
        expect(f.realCount).toBe(s.dBatch === 'half' ? n / 2 : n);
        if (s.r1) expect(f.r1).toBeGreaterThan(0);
        else expect(f.r1).toBeNaN();
      }
      expect(G.getWeights()[1]!.dataSync()).not.toEqual(g0);
      expect(D.getWeights()[0]!.dataSync()).not.toEqual(d0);
      tf.dispose([batch.real, ...batch.z, batch.realTarget, batch.fakeTarget, batch.realLabels, batch.fakeLabels].filter((t) => t) as tf.Tensor[]);
      G.dispose();
      D.dispose();
      parts.optG.dispose();
      parts.optD.dispose();
    });
  }

  it('moves G\'s BatchNorm running statistics once per iteration, as PyTorch', () => {
    const arch = getPreset('dcgan28').build({});
    const G = buildGenerator(arch), D = buildDiscriminator(arch);
    const parts = { G, D, optG: new Adam(2e-4, 0.5), optD: new Adam(2e-4, 0.5) };
    const n = 4;
    const z = tf.randomNormal([n, 100], 0, 1, 'float32', 5) as tf.Tensor2D;
    const batch = { real: tf.randomUniform([n, 28, 28, 1], -1, 1, 'float32', 4) as tf.Tensor4D, z: [z], realTarget: tf.ones([n, 1]), fakeTarget: tf.zeros([n, 1]) };
    // The first BatchNorm's statistics follow from the dense layer's output for this z.
    const dense = tf.matMul(z, G.getWeights()[0]!);
    const mean = tf.mean(dense, 0);
    const expected = tf.mul(mean, 0.1).dataSync(); // moving = 0.9 * 0 + 0.1 * batch mean
    ganStep(parts, batch, { dOutput: 'logits', dBatch: 'separate', gSteps: 1, classes: 0 });
    const moving = G.nonTrainableWeights[0]!.read().dataSync();
    // Both sides run the same matMul kernel on the same machine; only the batch mean of 4 rows is summed apart
    // (an error below 4 * 2^-24 * 0.4, 1e-7). Measured exactly equal on AVX-512 and AVX2; 5e-6 is 50 times that.
    expected.slice(0, 20).forEach((v, i) => expect(moving[i]).toBeCloseTo(v, 5));
    tf.dispose([z, batch.real, batch.realTarget, batch.fakeTarget, dense, mean]);
    G.dispose();
    D.dispose();
  });
});
