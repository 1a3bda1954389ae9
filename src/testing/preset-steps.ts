// Shared by the preset tests (unit and slow tier): a preset builds at its real size, makes images of its size,
// and trains two steps with its own optimizer and D batching, leaving no tensor behind.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { buildDiscriminator, buildGenerator } from '../model/build.js';
import { PRESETS } from '../model/presets.js';
import { checkArch } from '../model/spec.js';
import { Adam, SgdNesterov } from '../train/optimizers.js';
import { ganStep } from '../train/step.js';

export async function buildAndTrainTwoSteps(name: string): Promise<{ dParams: number }> {
  const preset = PRESETS[name]!;
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
  const t = preset.training;
  const optimizer = () => (t.optimizer === 'adam' ? new Adam(t.lr, t.beta1) : new SgdNesterov(t.lr, t.beta1));
  const parts = { G, D, optG: optimizer(), optD: optimizer() };
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
  // The four figures (and D(G(z)) after D's update) are finite; R1 is NaN on steps it does not run.
  for (const k of ['lossD', 'lossG', 'dx', 'dgz1', 'dgz2'] as const) expect(Number.isFinite(f[k]), k).toBe(true);
  // ADA's r_t counts the real images D saw: half of them with half-batch D (keras-simpsons).
  expect(f.realCount).toBe(t.dBatch === 'half' ? n / 2 : n);
  const dParams = D.countParams();
  tf.dispose([batch.real, ...batch.z, batch.realTarget, batch.fakeTarget]);
  G.dispose();
  D.dispose();
  parts.optG.dispose();
  parts.optD.dispose();
  return { dParams };
}
