// The GAN losses: values on known outputs (worked by hand from each paper's formula), and which D outputs
// each loss accepts.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/index.js';
import { UserError } from '../util/errors.js';
import { makeGanLoss } from './losses.js';

// Float32 arithmetic on O(1) values: results agree with the float64 hand computation to ~1e-7 relative on
// any instruction set; 1e-5 leaves a wide margin and still catches a wrong term (the smallest term here is 0.05).
const CLOSE = 5;

describe('GAN losses', () => {
  beforeAll(async () => {
    await initEngine();
  });

  const out = () => tf.tensor2d([[2], [-0.5], [0.3], [-3]]);
  const value = (t: tf.Scalar) => {
    const v = t.dataSync()[0]!;
    t.dispose();
    return v;
  };

  it('bce: log(1 + exp(-x)) for real targets, log(1 + exp(x)) for fake, G as a real target', () => {
    const l = makeGanLoss('bce', 'logits', 'dcgan28');
    const o = out(), xs = [2, -0.5, 0.3, -3];
    const sp = (x: number) => Math.log1p(Math.exp(x));
    const t0 = tf.tidy(() => value(l.d(o, 1)));
    expect(t0).toBeCloseTo(xs.reduce((a, x) => a + sp(-x), 0) / 4, CLOSE);
    expect(tf.tidy(() => value(l.d(o, 0)))).toBeCloseTo(xs.reduce((a, x) => a + sp(x), 0) / 4, CLOSE);
    expect(tf.tidy(() => value(l.g(o)))).toBeCloseTo(t0, CLOSE);
    // smoothed target 0.9: 0.9 * real side + 0.1 * fake side
    expect(tf.tidy(() => value(l.d(o, 0.9)))).toBeCloseTo(xs.reduce((a, x) => a + 0.9 * sp(-x) + 0.1 * sp(x), 0) / 4, CLOSE);
    o.dispose();
  });

  it('hinge: mean relu(1 - x) on reals, mean relu(1 + x) on fakes, -mean x for G (Miyato et al. 2018, eq. 17)', () => {
    const l = makeGanLoss('hinge', 'logits', 'dcgan28');
    const o = out();
    // relu(1 - [2, -0.5, 0.3, -3]) = [0, 1.5, 0.7, 4]: mean 1.55; relu(1 + x) = [3, 0.5, 1.3, 0]: mean 1.2
    expect(tf.tidy(() => value(l.d(o, 1)))).toBeCloseTo(1.55, CLOSE);
    expect(tf.tidy(() => value(l.d(o, 0)))).toBeCloseTo(1.2, CLOSE);
    // -mean(x) = -(2 - 0.5 + 0.3 - 3) / 4 = 0.3
    expect(tf.tidy(() => value(l.g(o)))).toBeCloseTo(0.3, CLOSE);
    // per-image targets: a flipped label swaps the side for that image only
    const t = tf.tensor2d([[1], [0], [1], [0]]);
    expect(tf.tidy(() => value(l.d(o, t)))).toBeCloseTo((0 + 0.5 + 0.7 + 0) / 4, CLOSE);
    expect(tf.tidy(() => value(l.d(o, 0.9)))).toBeCloseTo(0.9 * 1.55 + 0.1 * 1.2, CLOSE);
    tf.dispose([o, t]);
  });

  it('ls: 1/2 mean (x - b)^2 with b the target, G regresses to 1 (Mao et al. 2017, eq. 2)', () => {
    const l = makeGanLoss('ls', 'logits', 'dcgan28');
    const o = out();
    // (x - 1)^2 = [1, 2.25, 0.49, 16]: half the mean 2.4675; x^2 = [4, 0.25, 0.09, 9]: half the mean 1.6675
    expect(tf.tidy(() => value(l.d(o, 1)))).toBeCloseTo(2.4675, CLOSE);
    expect(tf.tidy(() => value(l.d(o, 0)))).toBeCloseTo(1.6675, CLOSE);
    expect(tf.tidy(() => value(l.g(o)))).toBeCloseTo(2.4675, CLOSE);
    // (x - 0.9)^2 = [1.21, 1.96, 0.36, 15.21]: half the mean 2.3425
    expect(tf.tidy(() => value(l.d(o, 0.9)))).toBeCloseTo(2.3425, CLOSE);
    expect(l.boundary).toBe(0.5);
    o.dispose();
  });

  it('the gradients are the papers\' (hinge: -1 or 0 per real image, over the batch)', () => {
    const l = makeGanLoss('hinge', 'logits', 'dcgan28');
    const o = out();
    const g = tf.grad((x: tf.Tensor) => l.d(x, 1))(o);
    expect(Array.from(g.dataSync())).toEqual([0, -0.25, -0.25, -0.25]);
    tf.dispose([o, g]);
  });

  it('a D that ends with a sigmoid trains with bce only, and the error names the preset', () => {
    expect(makeGanLoss('bce', 'probability', 'keras-mnist').boundary).toBe(0.5);
    for (const name of ['hinge', 'ls'] as const) {
      const e = (() => { try { makeGanLoss(name, 'probability', 'keras-mnist'); } catch (err) { return err; } })();
      expect(e).toBeInstanceOf(UserError);
      expect((e as Error).message).toMatch(new RegExp(`^--loss ${name} needs .*keras-mnist's ends with a sigmoid; use --loss bce`));
    }
    expect(() => makeGanLoss('wgan' as never, 'logits', 'dcgan28')).toThrow(/unknown loss; use one of bce, hinge, ls/);
  });

  it('leaves no tensors behind', () => {
    const o = out();
    const before = tf.memory().numTensors;
    for (const name of ['bce', 'hinge', 'ls'] as const) {
      const l = makeGanLoss(name, 'logits', 'dcgan28');
      tf.dispose([l.d(o, 1), l.d(o, 0.9), l.g(o)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    o.dispose();
  });
});
