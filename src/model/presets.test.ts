// Every preset builds at its real size, makes images of its size, and trains a few steps (the Simpsons
// preset's 655M-parameter dense layer included) without leaking tensors.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/index.js';
import { Adam, SgdNesterov } from '../train/optimizers.js';
import { ganStep } from '../train/step.js';
import { buildDiscriminator, buildGenerator } from './build.js';
import { PRESETS } from './presets.js';
import { ArchError, checkArch } from './spec.js';

function params(m: { countParams(): number }): number {
  return m.countParams();
}

describe('presets', () => {
  beforeAll(async () => {
    await initEngine();
  });

  for (const [name, preset] of Object.entries(PRESETS)) {
    // keras-simpsons updates its 655M-parameter layer twice per step (half-batch D): about a minute.
    it(`${name}: builds at ${preset.defaultImage.size.join('x')}x${preset.defaultImage.channels} and trains 2 steps`, { timeout: 900_000 }, async () => {
      // Long synchronous work starves the test worker's messages to vitest: yield between the pieces.
      const breathe = () => new Promise((r) => setImmediate(r));
      const arch = preset.build({});
      expect(checkArch(JSON.parse(JSON.stringify(arch)), name)).toEqual(arch);
      const G = buildGenerator(arch);
      await breathe();
      const D = buildDiscriminator(arch);
      await breathe();
      const { height, width, channels } = arch.image;
      expect(G.outputs[0]!.shape).toEqual([null, height, width, channels]);
      if (name === 'keras-simpsons') expect(params(D)).toBeGreaterThan(655_000_000);
      const t = preset.training;
      const parts = {
        G, D,
        optG: t.optimizer === 'adam' ? new Adam(t.lr, t.beta1) : new SgdNesterov(t.lr, t.beta1),
        optD: t.optimizer === 'adam' ? new Adam(t.lr, t.beta1) : new SgdNesterov(t.lr, t.beta1),
      };
      const n = 2;
      const batch = {
        real: tf.randomUniform([n, height, width, channels], -1, 1, 'float32', 1) as tf.Tensor4D,
        z: [tf.randomNormal([n, arch.nz], 0, 1, 'float32', 2) as tf.Tensor2D],
        realTarget: tf.fill([n, 1], t.realLabel), fakeTarget: tf.zeros([n, 1]),
      };
      const settings = { dOutput: arch.dOutput, dBatch: t.dBatch, gSteps: 1, classes: 0 };
      ganStep(parts, batch, settings);
      await breathe();
      const tensors = tf.memory().numTensors;
      const f = ganStep(parts, batch, settings);
      expect(tf.memory().numTensors).toBe(tensors);
      for (const v of Object.values(f)) expect(Number.isFinite(v)).toBe(true);
      tf.dispose([batch.real, ...batch.z, batch.realTarget, batch.fakeTarget]);
      G.dispose();
      D.dispose();
      parts.optG.dispose();
      parts.optD.dispose();
    });
  }

  it('dcgan64 is resolution-parametric (32 to 256, non-square) and rejects other sizes by name', () => {
    for (const size of [[32, 32], [128, 128], [256, 256], [64, 128]] as [number, number][]) {
      const arch = PRESETS.dcgan64!.build({ imageSize: size, ngf: 8, ndf: 8 });
      const G = buildGenerator(arch);
      expect(G.outputs[0]!.shape).toEqual([null, size[0], size[1], 3]);
      const D = buildDiscriminator(arch);
      expect(D.outputs[0]!.shape).toEqual([null, 1]);
      G.dispose();
      D.dispose();
    }
    expect(() => PRESETS.dcgan64!.build({ imageSize: [48, 48] })).toThrow(ArchError);
    expect(() => PRESETS.dcgan64!.build({ imageSize: [48, 48] })).toThrow(/48x48/);
  });

  it('checkArch names the offending key of a bad architecture', () => {
    const good = PRESETS.dcgan28!.build({});
    expect(() => checkArch({ ...good, nz: -1 })).toThrow(/architecture\.nz: must be a positive integer/);
    expect(() => checkArch({ ...good, generator: [{ type: 'conv', filters: 8, kernel: 3, strides: 2 }] })).toThrow(/generator\[0\]\.strides: is not a setting/);
    expect(() => checkArch({ ...good, discriminator: [{ type: 'wobble' }] })).toThrow(/unknown layer type "wobble"/);
  });
});
