// DiffAugment: the policy parser, determinism from the Rng's state, p = 0 as the identity, each transform's
// effect on known images, gradients through every transform, and no tensor left behind.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/index.js';
import { UserError } from '../util/errors.js';
import { DiffAugment, parseAugmentSpec, type AugmentParams } from './augment.js';
import { Rng } from '../util/rng.js';

const ALL = ['color', 'translation', 'cutout'] as const;

function images(n: number, h: number, w: number, c: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([n, h, w, c], -1, 1, 'float32', seed) as tf.Tensor4D;
}

/** The values of y, which is then freed. */
function take(y: tf.Tensor4D): number[][][][] {
  const a = y.arraySync();
  y.dispose();
  return a;
}

/** Parameters with every transform at its identity, to set one at a time. */
function identity(n: number, h: number, w: number): AugmentParams {
  return {
    n, height: h, width: w,
    brightness: new Float32Array(n), saturation: new Float32Array(n).fill(1), contrast: new Float32Array(n).fill(1),
    dy: new Int32Array(n), dx: new Int32Array(n), top: new Int32Array(n).fill(h), left: new Int32Array(n).fill(w),
    active: { brightness: false, saturation: false, contrast: false, translation: false, cutout: false },
  };
}

describe('DiffAugment', () => {
  beforeAll(async () => {
    await initEngine();
  });

  it('parses a policy and names a bad entry', () => {
    expect(parseAugmentSpec('color,translation,cutout')).toEqual(['color', 'translation', 'cutout']);
    expect(parseAugmentSpec(' translation , color')).toEqual(['translation', 'color']);
    const bad = (spec: string) => {
      try {
        parseAugmentSpec(spec);
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as Error).message;
      }
      throw new Error(`${spec} parsed`);
    };
    expect(bad('color,flip')).toBe("--augment color,flip: unknown augmentation 'flip'; use a comma-separated list of color, translation, cutout");
    expect(bad('color,,cutout')).toMatch(/^--augment color,,cutout: an empty entry/);
    expect(bad('color,color')).toMatch(/'color' is listed twice/);
  });

  it('draws the same augmentation from the same Rng state (what exact resume needs)', () => {
    const aug = new DiffAugment(ALL);
    const rng = new Rng(42);
    aug.draw(rng, 8, 28, 28, 0.7); // some history
    const saved = rng.state();
    const x = images(8, 28, 28, 1, 1);
    const a = aug.apply(x, aug.draw(rng, 8, 28, 28, 0.7));
    const b = aug.apply(x, aug.draw(new Rng(saved), 8, 28, 28, 0.7));
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    // and draws as many values whatever p is, so p does not shift the run's random stream
    const r1 = new Rng(5), r2 = new Rng(5);
    aug.draw(r1, 8, 28, 28, 0);
    aug.draw(r2, 8, 28, 28, 1);
    expect(r1.state()).toEqual(r2.state());
    tf.dispose([x, a, b]);
  });

  it('p = 0 is the identity, exactly; p = 1 changes every image', () => {
    const aug = new DiffAugment(ALL);
    const x = images(6, 16, 16, 3, 2);
    const zero = aug.draw(new Rng(1), 6, 16, 16, 0);
    expect(Object.values(zero.active).some(Boolean)).toBe(false);
    const y0 = aug.apply(x, zero);
    expect(Array.from(y0.dataSync())).toEqual(Array.from(x.dataSync()));
    const y1 = aug.apply(x, aug.draw(new Rng(1), 6, 16, 16, 1));
    const changed = tf.tidy(() => Array.from(tf.max(tf.abs(tf.sub(y1, x)), [1, 2, 3]).dataSync()));
    for (const d of changed) expect(d).toBeGreaterThan(0.01);
    tf.dispose([x, y0, y1]);
  });

  it('an image a transform is not drawn for comes out unchanged, to the bit (p = 0.5)', () => {
    const aug = new DiffAugment(['color']);
    const x = images(16, 8, 8, 3, 3);
    const t = aug.draw(new Rng(9), 16, 8, 8, 0.5);
    const untouched = [...Array(16).keys()].filter((i) => t.brightness![i] === 0 && t.saturation![i] === 1 && t.contrast![i] === 1);
    const touched = 16 - untouched.length;
    // Binomial(16, 1 - 0.125): with this seed both kinds occur (what the test needs)
    expect(untouched.length).toBeGreaterThan(0);
    expect(touched).toBeGreaterThan(0);
    const y = aug.apply(x, t);
    const xs = x.arraySync(), ys = y.arraySync();
    for (const i of untouched) expect(ys[i]).toEqual(xs[i]);
    tf.dispose([x, y]);
  });

  it('colour: brightness adds, saturation and contrast scale around the channel and image means', () => {
    const aug = new DiffAugment(ALL);
    const x = tf.tensor4d([0.2, -0.4, 0.6, 0.0, 0.1, -0.3, 0.5, 0.9, -0.8, 0.4, 0.2, 0.0], [1, 2, 2, 3]);
    const xs = Array.from(x.dataSync());
    const check = (set: (t: AugmentParams) => void, want: (v: number, i: number) => number) => {
      const t = identity(1, 2, 2);
      set(t);
      const y = take(aug.apply(x, t)).flat(3);
      // float32 arithmetic on O(1) values: 1e-6 absolute
      y.forEach((v, i) => expect(Math.abs(v - want(xs[i]!, i))).toBeLessThan(1e-6));
    };
    check((t) => { t.brightness![0] = 0.25; t.active.brightness = true; }, (v) => v + 0.25);
    const pixelMean = (i: number) => { const p = Math.floor(i / 3) * 3; return (xs[p]! + xs[p + 1]! + xs[p + 2]!) / 3; };
    check((t) => { t.saturation![0] = 1.5; t.active.saturation = true; }, (v, i) => (v - pixelMean(i)) * 1.5 + pixelMean(i));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    check((t) => { t.contrast![0] = 0.5; t.active.contrast = true; }, (v) => (v - mean) * 0.5 + mean);
    x.dispose();
  });

  it('translation moves the image by whole pixels with zeros coming in; cutout zeroes the drawn square', () => {
    const aug = new DiffAugment(ALL);
    const h = 5, w = 6, c = 2;
    const x = tf.tidy(() => tf.add(tf.reshape(tf.range(0, h * w * c), [1, h, w, c]), 1)) as tf.Tensor4D;
    const at = (a: number[][][], i: number, j: number, k: number) => (i >= 0 && i < h && j >= 0 && j < w ? a[i]![j]![k]! : 0);
    const t = identity(1, h, w);
    t.dy![0] = 2;
    t.dx![0] = -1;
    t.active.translation = true;
    const src = x.arraySync()[0]!, moved = take(aug.apply(x, t))[0]!;
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) expect(moved[i]![j]![k]).toBe(at(src, i + 2, j - 1, k));
    const u = identity(1, h, w);
    // a 3x3 square (half of 5 and 6, rounded) starting at (-1, 4): rows 0..1, columns 4..5
    u.top![0] = -1;
    u.left![0] = 4;
    u.active.cutout = true;
    const cut = take(aug.apply(x, u))[0]!;
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) {
      expect(cut[i]![j]![k]).toBe(i <= 1 && j >= 4 ? 0 : src[i]![j]![k]);
    }
    x.dispose();
  });

  it('draws translations within 1/8 of the side and cutouts of half the side, as DiffAugment', () => {
    const aug = new DiffAugment(ALL);
    const t = aug.draw(new Rng(3), 2000, 28, 28, 1);
    // shift = int(28 / 8 + 0.5) = 4: every offset in [-4, 4] occurs, nothing beyond
    expect(new Set(t.dy)).toEqual(new Set([-4, -3, -2, -1, 0, 1, 2, 3, 4]));
    expect(Math.max(...t.dx!)).toBe(4);
    // cutout 14 px centred at U{0..28}: starts in [-7, 21]
    expect(Math.min(...t.top!)).toBe(-7);
    expect(Math.max(...t.left!)).toBe(21);
    expect(Math.min(...t.saturation!)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...t.contrast!)).toBeLessThan(1.5);
  });

  it('is differentiable: gradients reach the input through every transform, and no tensor is left behind', () => {
    const aug = new DiffAugment(ALL);
    const x = images(4, 12, 12, 3, 4);
    const rng = new Rng(7);
    const weights = images(4, 12, 12, 3, 5);
    const loss = (t: AugmentParams) => (v: tf.Tensor) => tf.sum(tf.mul(aug.apply(v as tf.Tensor4D, t), weights));
    aug.draw(rng, 4, 12, 12, 1);
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) {
      const t = aug.draw(rng, 4, 12, 12, 1);
      expect(Object.values(t.active).every(Boolean)).toBe(true);
      const g = tf.grad(loss(t))(x);
      // Check against a central difference on a few pixels: the augmentation is affine in x for fixed
      // parameters, so the difference is exact up to float32 rounding (~1e-4 at these magnitudes).
      const gs = g.dataSync();
      for (const i of [0, 77, 200, 431]) {
        const e = tf.tidy(() => {
          const d = tf.mul(tf.reshape(tf.oneHot(tf.tensor1d([i], 'int32'), x.size), [4, 12, 12, 3]), 0.5);
          return (loss(t)(tf.add(x, d)).dataSync()[0]! - loss(t)(tf.sub(x, d)).dataSync()[0]!) / 1;
        });
        expect(Math.abs(e - gs[i]!)).toBeLessThan(1e-3);
      }
      g.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([x, weights]);
  });
});
