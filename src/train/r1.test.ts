// R1 and double backprop: the penalty's gradient with respect to D's weights (a gradient of a gradient)
// against finite differences through conv, LeakyReLU, the fused batch norm, tanh and dense layers, on the
// real engine; which layers cannot take it; and no tensor left behind.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormTrain } from '../engine/custom-kernels.js';
import { initEngine } from '../engine/index.js';
import { buildDiscriminator } from '../model/build.js';
import { getPreset } from '../model/presets.js';
import type { ArchSpec, LayerSpec } from '../model/spec.js';
import { valueAndGrads } from './gradients.js';
import { r1Penalty, r1Unsupported } from './r1.js';

function tinyArch(hidden: LayerSpec[]): ArchSpec {
  return {
    name: 'tiny', source: 'test', nz: 2, latent: 'normal', image: { height: 8, width: 8, channels: 1 }, generator: [], dOutput: 'logits',
    discriminator: [{ type: 'conv', filters: 4, kernel: 3, stride: 2 }, ...hidden, { type: 'flatten' }, { type: 'dense', units: 1 }],
  };
}

describe('R1 (double backprop)', () => {
  beforeAll(async () => {
    await initEngine();
  });

  const cases: [string, LayerSpec[]][] = [
    ['conv, LeakyReLU, conv, fused batch norm + LeakyReLU, dense (the DCGAN D)', [{ type: 'leakyRelu', alpha: 0.2 }, { type: 'conv', filters: 6, kernel: 3, stride: 2, bias: false }, { type: 'batchNorm' }, { type: 'leakyRelu', alpha: 0.2 }]],
    ['tanh and a plain batch norm (their gradients keep their outputs)', [{ type: 'tanh' }, { type: 'conv', filters: 6, kernel: 3, stride: 2 }, { type: 'batchNorm' }, { type: 'tanh' }]],
  ];
  for (const [name, hidden] of cases) {
    it(`matches finite differences: ${name}`, () => {
      const D = buildDiscriminator(tinyArch(hidden), { seed: 3 });
      // Weights 20x DCGAN's 0.02 scale make the penalty O(1), so float32 rounding is small against it.
      D.setWeights(D.getWeights().map((w, i) => (D.weights[i]!.trainable && w.shape.length > 1 ? tf.mul(w, 20) : tf.clone(w))));
      const x = tf.randomUniform([5, 8, 8, 1], -1, 1, 'float32', 7) as tf.Tensor4D;
      // beta and the last bias shift D's output or a pre-activation only: R1 does not depend on them (no gradient).
      const vars = D.trainableWeights.map((w) => w.read() as tf.Variable).filter((v) => !/beta|D\d+_dense\/bias/.test(v.name));
      const f = () => r1Penalty((v) => D.apply(v, { training: true }) as tf.Tensor, x, 1);
      const before = tf.memory().numTensors;
      const { value, grads } = valueAndGrads(f, vars);
      expect(value.dataSync()[0]).toBeGreaterThan(0.1);
      let checked = 0;
      vars.forEach((v, k) => {
        const g = grads[k]!.dataSync(), w0 = v.dataSync().slice();
        for (let j = 0; j < 4; j++) {
          const i = (j * 7919) % w0.length;
          // Central differences with a step of 3e-4: small enough that no LeakyReLU input changes sign
          // (R1 jumps where one does, as its gradient mask changes), large enough that float32 rounding of
          // the O(1) penalty (~1e-6) makes an error of ~3e-3 at most; the tolerance is that plus 1 % of the
          // gradient. Dropping a second-order term (as tfjs-core's own tf.grad of tf.grad does for tanh) is
          // off by O(0.1 - 1).
          const eps = 3e-4;
          const at = (d: number) => {
            const w = w0.slice();
            w[i]! += d;
            tf.tidy(() => v.assign(tf.tensor(w, v.shape)));
            return tf.tidy(() => f().dataSync()[0]!);
          };
          const fd = (at(eps) - at(-eps)) / (2 * eps);
          tf.tidy(() => v.assign(tf.tensor(w0, v.shape)));
          expect(Math.abs(fd - g[i]!), `${v.name}[${i}]: ${g[i]} vs ${fd}`).toBeLessThan(3e-3 + 0.01 * Math.abs(fd));
          checked++;
        }
      });
      expect(checked).toBeGreaterThanOrEqual(16);
      tf.dispose([value, ...grads]);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      D.dispose();
    });
  }

  it('the fused batch norm\'s composed gradient (used under double backprop) equals its kernel\'s', () => {
    const x = tf.randomNormal([4, 5, 5, 3], 0.3, 2, 'float32', 1);
    const gamma = tf.tensor1d([0.5, 1.2, -0.7]), beta = tf.tensor1d([0.1, -0.2, 0.3]);
    const dy = tf.randomNormal([4, 5, 5, 3], 0, 1, 'float32', 2);
    const loss = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(batchNormTrain(xx, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5, 'leakyrelu', 0.2).y, dy));
    const kernel = tf.grads(loss)([x, gamma, beta]);
    // Inside tf.grad the tape is on while the inner gradient runs: the composed path.
    let composed: tf.Tensor[] = [];
    tf.grad((s: tf.Tensor) => {
      composed = tf.grads(loss)([tf.mul(x, s), gamma, beta]).map((g) => tf.keep(g));
      return tf.sum(composed[0]!);
    })(tf.scalar(1));
    // Two float32 formulas for the same O(1) values: agree to ~1e-6; 1e-4 absolute covers any instruction set.
    kernel.forEach((g, i) => expect(tf.max(tf.abs(tf.sub(g, composed[i]!))).dataSync()[0]).toBeLessThan(1e-4));
    tf.dispose([x, gamma, beta, dy, ...kernel, ...composed]);
  });

  it('names the architectures it cannot train: a sigmoid D, max pooling (no second derivative of MaxPoolGrad)', () => {
    expect(r1Unsupported(getPreset('dcgan28').build({}))).toBeUndefined();
    expect(r1Unsupported(getPreset('dcgan64').build({}))).toBeUndefined();
    expect(r1Unsupported(getPreset('keras-mnist').build({}))).toMatch(/^--r1 needs a discriminator that ends with a linear layer, and keras-mnist's ends with a sigmoid/);
    const pooled = { ...tinyArch([{ type: 'maxPool', size: 2 }]), name: 'pooled' };
    expect(r1Unsupported(pooled)).toMatch(/pooled's D has a maxPool layer, whose gradient TF.js cannot differentiate again/);
    // ...and that is the engine's limit indeed
    const D = buildDiscriminator(pooled);
    const x = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D;
    expect(() => valueAndGrads(() => r1Penalty((v) => D.apply(v, { training: true }) as tf.Tensor, x, 1), [D.trainableWeights[0]!.read() as tf.Variable])).toThrow(/MaxPoolGrad/);
    x.dispose();
    D.dispose();
  });
});
