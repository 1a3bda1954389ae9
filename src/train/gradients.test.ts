// gradients.ts (backprop re-implemented over tfjs-core's tape) against TF.js's own backprop (tf.variableGrads,
// i.e. engine.gradients) on dense, conv, conv-transpose, BatchNorm and class-conditional models and through a
// recorded G(z). Both run the same registered gradient functions, so those are checked apart: against finite
// differences and stock-op compositions (which share none of them), and aten's kernels against cpu's.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchNormTrain, type NormActivation } from '../engine/custom-kernels.js';
import { initEngine } from '../engine/index.js';
import { buildDiscriminator, buildGenerator } from '../model/build.js';
import { discriminatorInput, generatorInput } from '../model/conditioning.js';
import type { ArchSpec } from '../model/spec.js';
import { relativeError, values } from '../testing/numeric.js';
import { minimize, record, TFJS_CORE_VERSION_WRITTEN_FOR, valueAndGrads } from './gradients.js';
import { bceOnProbabilities, bceWithLogits } from './losses.js';
import { SgdNesterov } from './optimizers.js';

// A DCGAN in miniature: dense -> BatchNorm1d+ReLU -> conv-transpose -> BatchNorm+ReLU -> conv-transpose -> tanh,
// and conv -> LeakyReLU -> conv -> BatchNorm+LeakyReLU -> dense (the fused DcganBatchNorm in both networks).
const TINY: ArchSpec = {
  name: 'tiny', source: 'gradients.test.ts', nz: 6, latent: 'normal', image: { height: 8, width: 8, channels: 2 },
  generator: [
    { type: 'dense', units: 2 * 2 * 8, bias: false }, { type: 'batchNorm' }, { type: 'relu' },
    { type: 'reshape', shape: [2, 2, 8] },
    { type: 'convTranspose', filters: 6, kernel: 4, stride: 2, padding: 'same', bias: false }, { type: 'batchNorm' }, { type: 'relu' },
    { type: 'convTranspose', filters: 2, kernel: 3, stride: 2, padding: 'same' }, { type: 'tanh' },
  ],
  discriminator: [
    { type: 'conv', filters: 4, kernel: 3, stride: 2, padding: 'same' }, { type: 'leakyRelu', alpha: 0.2 },
    { type: 'conv', filters: 8, kernel: 3, stride: 2, padding: 'same', bias: false }, { type: 'batchNorm' }, { type: 'leakyRelu', alpha: 0.2 },
    { type: 'flatten' }, { type: 'dense', units: 1 },
  ],
  dOutput: 'logits',
};
const N = 5, CLASSES = 3;

const varsOf = (m: tfl.LayersModel) => m.trainableWeights.map((w) => w.read() as tf.Variable);
const batchZ = (seed: number, nz = TINY.nz) => tf.tensor2d(values(N * nz, seed), [N, nz]);
const batchImages = (seed: number) => tf.tensor4d(values(N * 8 * 8 * 2, seed), [N, 8, 8, 2]);

/**
 * valueAndGrads(f, vars) against tf.variableGrads(f, vars): the same kernels and gradient functions run in the
 * same order on the same machine, and the results are bit-identical (measured, AVX-512 and AVX2); 1e-6
 * relative per tensor allows only a differently ordered sum of gradients (a few float32 ulps). Also checks
 * that neither leaks: tf.memory().numTensors is back where it was.
 */
function expectSameAsVariableGrads(f: () => tf.Scalar, vars: tf.Variable[]): void {
  const tensors = tf.memory().numTensors;
  const ref = tf.variableGrads(f, vars);
  const ours = valueAndGrads(f, vars);
  expect(ours.grads).toHaveLength(vars.length);
  expect(relativeError(ours.value, ref.value)).toBeLessThan(1e-6);
  vars.forEach((v, i) => {
    expect(ours.grads[i]!.shape, v.name).toEqual(v.shape);
    expect(relativeError(ours.grads[i]!, ref.grads[v.name]!), v.name).toBeLessThan(1e-6);
  });
  // Not a comparison of zeros: every variable gets a gradient.
  for (const g of ours.grads) expect(tf.tidy(() => tf.norm(g).dataSync()[0])).toBeGreaterThan(0);
  tf.dispose([ours.value, ...ours.grads, ref.value, ...Object.values(ref.grads)]);
  expect(tf.memory().numTensors).toBe(tensors);
}

describe('valueAndGrads and minimize (src/train/gradients.ts)', () => {
  beforeAll(async () => {
    expect((await initEngine()).backend).toBe('aten');
  });

  it(`runs on the tfjs-core it was written for (${TFJS_CORE_VERSION_WRITTEN_FOR})`, () => {
    expect(tf.version_core, `tfjs-core is ${tf.version_core}, but src/train/gradients.ts was written for ${TFJS_CORE_VERSION_WRITTEN_FOR}. ` +
      'Before bumping tfjs, re-check gradients.ts against the new engine (tfjs-core src/engine.ts and tape.ts): Engine.state.activeTape ' +
      "and gradientDepth, scopedRun, startTape/endTape, tidy, and the tape nodes' id, inputs, outputs, saved and gradient(dys); then " +
      'update TFJS_CORE_VERSION_WRITTEN_FOR').toBe(TFJS_CORE_VERSION_WRITTEN_FOR);
    // The engine internals are there, so the comparisons below test gradients.ts's own backprop, not its
    // fallback to tf.variableGrads (which would compare tf.variableGrads with itself).
    const x = tf.variable(tf.ones([3]));
    const r = record(() => tf.mul(x, 2));
    expect(r.tape).not.toBeNull();
    expect(r.tape!.length).toBeGreaterThan(0);
    const { value, grads } = valueAndGrads(() => tf.sum(r.value), [x], r);
    expect(Array.from(grads[0]!.dataSync())).toEqual([2, 2, 2]);
    tf.dispose([value, ...grads, r.value, x]);
  });

  it('dense layers (tanh, sigmoid, BCE on probabilities): same value and gradients as tf.variableGrads', () => {
    const model = tfl.sequential({ layers: [
      tfl.layers.dense({ units: 12, activation: 'tanh', inputShape: [7] }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ] });
    const x = tf.tensor2d(values(N * 7, 3), [N, 7]), target = tf.tensor2d([[1], [0], [0.9], [0], [1]]);
    const f = () => bceOnProbabilities(model.apply(x) as tf.Tensor, target);
    expectSameAsVariableGrads(f, varsOf(model));
    expectSameAsVariableGrads(f, varsOf(model));
    tf.dispose([x, target]);
    model.dispose();
  });

  it('G: dense, BatchNorm1d+ReLU, conv-transpose, BatchNorm+ReLU, tanh (training mode): same as tf.variableGrads', () => {
    const G = buildGenerator(TINY, { seed: 2 });
    const z = batchZ(5), target = batchImages(6);
    const f = () => tf.mean(tf.square(tf.sub(G.apply(z, { training: true }) as tf.Tensor, target))) as tf.Scalar;
    expectSameAsVariableGrads(f, varsOf(G));
    expectSameAsVariableGrads(f, varsOf(G));
    tf.dispose([z, target]);
    G.dispose();
  });

  it('D: conv, LeakyReLU, conv, BatchNorm+LeakyReLU, dense, BCE on logits: same as tf.variableGrads', () => {
    const D = buildDiscriminator(TINY, { seed: 2 });
    const x = batchImages(7);
    const f = () => bceWithLogits(D.apply(x, { training: true }) as tf.Tensor, 0.9);
    expectSameAsVariableGrads(f, varsOf(D));
    expectSameAsVariableGrads(f, varsOf(D));
    tf.dispose(x);
    D.dispose();
  });

  it('class-conditional G and D (one-hot into z, label planes into D): same as tf.variableGrads for both', () => {
    const G = buildGenerator(TINY, { seed: 3, classes: CLASSES }), D = buildDiscriminator(TINY, { seed: 3, classes: CLASSES });
    const z = batchZ(8), labels = tf.tensor1d([0, 2, 1, 1, 0], 'int32');
    const f = () => {
      const fake = G.apply(generatorInput(z, labels, CLASSES), { training: true }) as tf.Tensor4D;
      return bceWithLogits(D.apply(discriminatorInput(fake, labels, CLASSES), { training: true }) as tf.Tensor, 1);
    };
    expectSameAsVariableGrads(f, [...varsOf(G), ...varsOf(D)]);
    expectSameAsVariableGrads(f, varsOf(G));
    tf.dispose([z, labels]);
    G.dispose();
    D.dispose();
  });

  it("record() + valueAndGrads(..., after), as the GAN step: G's gradients through the recorded G(z) after D's update equal tf.variableGrads of D(G(z))", () => {
    const G = buildGenerator(TINY, { seed: 4 }), D = buildDiscriminator(TINY, { seed: 4 });
    const gVars = varsOf(G), dVars = varsOf(D);
    const z = batchZ(9), real = batchImages(10);
    const G_ = () => G.apply(z, { training: true }) as tf.Tensor4D;
    const D_ = (x: tf.Tensor) => D.apply(x, { training: true }) as tf.Tensor;
    const optD = new SgdNesterov(0.05);
    const iteration = () => {
      // fake = G(z), recorded; (1) D's update treats it as a constant (fake.detach()).
      const recorded = record(G_);
      const fake = recorded.value;
      const dLoss = () => tf.add(bceWithLogits(D_(real), 1), bceWithLogits(D_(fake), 0)) as tf.Scalar;
      const dRef = tf.variableGrads(dLoss, dVars);
      const d = valueAndGrads(dLoss, dVars);
      expect(relativeError(d.value, dRef.value)).toBeLessThan(1e-6);
      dVars.forEach((v, i) => expect(relativeError(d.grads[i]!, dRef.grads[v.name]!), v.name).toBeLessThan(1e-6));
      optD.apply(dVars, d.grads);
      // (2) G's update differentiates through the recording, against the updated D; the reference runs the
      // whole composition D(G(z)) again (G's forward is deterministic: same weights, same z).
      const gRef = tf.variableGrads(() => bceWithLogits(D_(G_()), 1), gVars);
      const g = valueAndGrads(() => bceWithLogits(D_(fake), 1), gVars, recorded);
      expect(relativeError(g.value, gRef.value)).toBeLessThan(1e-6);
      gVars.forEach((v, i) => {
        expect(relativeError(g.grads[i]!, gRef.grads[v.name]!), v.name).toBeLessThan(1e-6);
        expect(tf.tidy(() => tf.norm(g.grads[i]!).dataSync()[0]), v.name).toBeGreaterThan(0);
      });
      tf.dispose([fake, d.value, ...d.grads, dRef.value, ...Object.values(dRef.grads), g.value, ...g.grads, gRef.value, ...Object.values(gRef.grads)]);
    };
    iteration(); // D's optimizer makes its slots on the first step
    const tensors = tf.memory().numTensors;
    iteration();
    iteration();
    expect(tf.memory().numTensors).toBe(tensors);
    optD.dispose();
    tf.dispose([z, real]);
    G.dispose();
    D.dispose();
  });

  it('minimize() applies the optimizer to the gradients tf.variableGrads gives, and returns the value', () => {
    const G = buildGenerator(TINY, { seed: 5 }), D = buildDiscriminator(TINY, { seed: 5 });
    const gVars = varsOf(G);
    const z = batchZ(11);
    const f = () => bceWithLogits(D.apply(G.apply(z, { training: true }) as tf.Tensor, { training: true }) as tf.Tensor, 1);
    const lr = 0.1, momentum = 0.9;
    const opt = new SgdNesterov(lr, momentum);
    for (let step = 0; step < 3; step++) {
      const before = gVars.map((v) => v.dataSync().slice());
      const ref = tf.variableGrads(f, gVars);
      const tensors = tf.memory().numTensors;
      const value = minimize(opt, f, gVars);
      // The returned value, and on the first step one velocity slot per variable: nothing else stays.
      expect(tf.memory().numTensors).toBe(tensors + 1 + (step === 0 ? gVars.length : 0));
      expect(relativeError(value, ref.value)).toBeLessThan(1e-6);
      if (step === 0) {
        // First Nesterov step from zero velocity: w' = w - lr (1 + momentum) g.
        gVars.forEach((v, i) => {
          const want = tf.tidy(() => tf.sub(tf.tensor(before[i]!, v.shape), tf.mul(ref.grads[v.name]!, lr * (1 + momentum))));
          // The update is lr * 1.9 * g added to w: float32 rounding of w (~6e-8 |w|) is all that differs.
          expect(relativeError(v, want), v.name).toBeLessThan(1e-6);
          want.dispose();
        });
      }
      expect(gVars.some((v, i) => relativeError(v, before[i]!) > 1e-4)).toBe(true);
      tf.dispose([value, ref.value, ...Object.values(ref.grads)]);
    }
    opt.dispose();
    z.dispose();
    G.dispose();
    D.dispose();
  });
});

describe('gradients against independent references', () => {
  beforeAll(async () => {
    await initEngine();
  });
  afterAll(async () => {
    await initEngine({ backend: 'aten' });
  });

  /** BatchNorm over all axes but the last, from stock ops (whose gradients are tfjs-core's, not the project's). */
  function composedBatchNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number, act: NormActivation, alpha: number): tf.Tensor {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.moments(x, axes);
    const y = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
    // max(y, 0) and max(y, alpha y): not the Relu / LeakyRelu kernels, whose gradients the project replaces.
    return act === 'relu' ? tf.maximum(y, 0) : act === 'leakyrelu' ? tf.maximum(y, tf.mul(y, alpha)) : y;
  }

  for (const [act, shape] of [['relu', [4, 3, 5, 6]], ['leakyrelu', [4, 3, 5, 6]], ['linear', [4, 6]], ['relu', [7, 6]]] as const) {
    it(`the fused BatchNorm kernel's gradient (${act}, [${shape.join(', ')}]) equals tf.grads of BatchNorm from stock ops`, () => {
      const c = shape[shape.length - 1]!;
      const x = tf.tensor(values(shape.reduce((a, b) => a * b, 1), 21), [...shape]);
      const gamma = tf.tensor1d(Array.from(values(c, 22), (v) => 1 + 0.5 * v)), beta = tf.tensor1d(values(c, 23));
      const w = tf.tensor(values(x.size, 24), [...shape]); // a weighted sum makes every dy different
      const loss = (fn: (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(fn(xx, g, b), w)) as tf.Scalar;
      const fused = loss((xx, g, b) => batchNormTrain(xx, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, act, 0.2).y);
      const ref = tf.grads(loss((xx, g, b) => composedBatchNorm(xx, g, b, 1e-5, act, 0.2)))([x, gamma, beta]);
      // Through gradients.ts (variables) and through TF.js's backprop (tf.grads), both with the fused kernel.
      const vx = tf.variable(x), vg = tf.variable(gamma), vb = tf.variable(beta);
      const ours = valueAndGrads(() => fused(vx, vg, vb), [vx, vg, vb]);
      const tfjs = tf.grads(fused)([x, gamma, beta]);
      // Different formulas (the kernel's one pass with invStd against moments, division and sqrt): float32
      // rounding of sums over up to 60 values per channel. Measured 2e-7 relative with AVX-512 and AVX2;
      // 1e-5 leaves 50x, and a wrong gradient is off by far more (a 1 % error in dgamma reads 1e-2).
      ['x', 'gamma', 'beta'].forEach((name, i) => {
        expect(relativeError(ours.grads[i]!, ref[i]!), `d${name}`).toBeLessThan(1e-5);
        expect(relativeError(tfjs[i]!, ref[i]!), `d${name}`).toBeLessThan(1e-5);
      });
      tf.dispose([x, gamma, beta, w, vx, vg, vb, ours.value, ...ours.grads, ...ref, ...tfjs]);
    });
  }

  it("ReLU's and LeakyReLU's replaced gradients equal tf.grads of max(x, 0) and max(x, 0.2 x)", () => {
    const x = tf.tensor(values(300, 25)), w = tf.tensor(values(300, 26));
    for (const [fused, stock] of [
      [(t: tf.Tensor) => tf.relu(t), (t: tf.Tensor) => tf.maximum(t, 0)],
      [(t: tf.Tensor) => tf.leakyRelu(t, 0.2), (t: tf.Tensor) => tf.maximum(t, tf.mul(t, 0.2))],
    ] as const) {
      const [ours] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(fused(t), w)))([x]);
      const [ref] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(stock(t), w)))([x]);
      // dy or alpha * dy, chosen by the sign of x: exactly equal (+ 0 makes -0 and 0 alike).
      expect(Array.from(ours!.dataSync(), (v) => v + 0)).toEqual(Array.from(ref!.dataSync(), (v) => v + 0));
      tf.dispose([ours!, ref!]);
    }
    tf.dispose([x, w]);
  });

  it('G and D in miniature: each gradient matches a central finite difference along it', () => {
    // tanh in place of ReLU / LeakyReLU: at a kink a central difference is off whenever a unit changes sign
    // within +-h; those gradients are checked against tf.maximum above. Dense, conv, conv-transpose and
    // BatchNorm (training mode, batch statistics) remain, each with the gradient functions TF.js registers.
    const SMOOTH: ArchSpec = {
      ...TINY,
      generator: TINY.generator.map((l) => (l.type === 'relu' ? { type: 'tanh' } : l)),
      discriminator: TINY.discriminator.map((l) => (l.type === 'leakyRelu' ? { type: 'tanh' } : l)),
    };
    const G = buildGenerator(SMOOTH, { seed: 6 }), D = buildDiscriminator(SMOOTH, { seed: 6 });
    const vars = [...varsOf(G), ...varsOf(D)];
    const z = batchZ(12);
    const f = () => bceWithLogits(D.apply(G.apply(z, { training: true }) as tf.Tensor, { training: true }) as tf.Tensor, 1);
    const { value, grads } = valueAndGrads(f, vars);
    const start = vars.map((v) => v.dataSync().slice());
    vars.forEach((v, i) => {
      // Along u = g / |g| the derivative is |g|: the largest signal, and a gradient that is wrong in scale,
      // sign or layout (a transposed kernel) gives another number.
      const g = grads[i]!.dataSync();
      const norm = Math.hypot(...g);
      const at = (h: number) => {
        tf.tidy(() => v.assign(tf.tensor(start[i]!.map((w, j) => w + (h * g[j]!) / norm), v.shape)));
        return tf.tidy(() => f().dataSync()[0]!);
      };
      // Central differences at h and h/2, extrapolated (Richardson): the h^2 error term cancels. The dense
      // kernel before two BatchNorms of a batch of 5 is curved enough that a plain central difference at
      // h = 3e-3 is off by up to 10 % for some initialisations.
      const central = (step: number) => (at(step) - at(-step)) / (2 * step);
      const h = 3e-3;
      const numeric = (4 * central(h / 2) - central(h)) / 3;
      tf.tidy(() => v.assign(tf.tensor(start[i]!, v.shape)));
      // Measured over 40 initialisations (seeds 6..45), AVX-512 and AVX2 alike: at most 0.42 % relative
      // for gradients above 1e-2, and 5e-5 absolute for those below 3e-3, where rounding of the float32
      // loss (~0.69, ulp 6e-8; ~3e-5 per ulp in the extrapolation) dominates. The bound 1 % + 1e-4 holds
      // them all with a margin of 2.4x; a wrong gradient function is off by far more.
      expect(Math.abs(numeric - norm), `${v.name}: finite difference ${numeric}, gradient norm ${norm}`).toBeLessThan(1e-2 * norm + 1e-4);
    });
    tf.dispose([value, ...grads, z]);
    G.dispose();
    D.dispose();
  });

  it("the aten backend's gradients equal the cpu backend's (tfjs-backend-cpu kernels) on a conditional G and D in miniature", async () => {
    const gradsOn = async (backend: 'aten' | 'cpu', init?: Float32Array[]) => {
      await initEngine({ backend, threads: 1 });
      const G = buildGenerator(TINY, { seed: 7, classes: CLASSES }), D = buildDiscriminator(TINY, { seed: 7, classes: CLASSES });
      let k = 0;
      // The same starting weights on both backends (their initialisers draw different random numbers).
      if (init) tf.tidy(() => [G, D].forEach((m) => m.setWeights(m.getWeights().map((w) => tf.tensor(init[k++]!, w.shape)))));
      const start = [...G.getWeights(), ...D.getWeights()].map((w) => w.dataSync().slice() as Float32Array);
      const z = batchZ(13), real = batchImages(14), labels = tf.tensor1d([2, 0, 1, 2, 1], 'int32');
      const vars = [...varsOf(G), ...varsOf(D)];
      const { value, grads } = valueAndGrads(() => {
        const fake = G.apply(generatorInput(z, labels, CLASSES), { training: true }) as tf.Tensor4D;
        const D_ = (x: tf.Tensor4D) => D.apply(discriminatorInput(x, labels, CLASSES), { training: true }) as tf.Tensor;
        return tf.add(bceWithLogits(D_(real), 0.9), bceWithLogits(D_(fake), 0)) as tf.Scalar;
      }, vars);
      const out = { start, value: value.dataSync()[0]!, grads: grads.map((g) => g.dataSync().slice() as Float32Array), names: vars.map((v) => v.name) };
      tf.dispose([value, ...grads, z, real, labels]);
      G.dispose();
      D.dispose();
      return out;
    };
    const a = await gradsOn('aten');
    const c = await gradsOn('cpu', a.start);
    // Different kernels (oneDNN / ATen against tfjs-backend-cpu's loops, and the fused BatchNorm's native
    // and JS versions) sum in different orders: measured over 20 initialisations (seeds 7..26), at most
    // 9e-8 relative for the loss and 2.6e-6 (AVX-512) and 4.1e-6 (AVX2) per gradient; the bounds leave
    // 20x and 5x.
    expect(Math.abs(a.value - c.value) / Math.abs(c.value)).toBeLessThan(2e-6);
    a.grads.forEach((g, i) => expect(relativeError(g, c.grads[i]!), a.names[i]).toBeLessThan(2e-5));
  });
});
