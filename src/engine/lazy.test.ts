// Lazy elementwise evaluation (native/lazy.h) against eager evaluation of the same kernels, and what it
// promises about memory: results not read cost nothing, a released operand is let go, broadcasts are views.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ATEN, initEngine } from './index.js';
import { loadNative, type NativeAten } from './native.js';
import type { AtenBackend } from './backend.js';

let aten: NativeAten;
const handle = (t: tf.Tensor) => (tf.backend() as AtenBackend).handle(t);
// Deterministic values in about [-2, 2], with exact zeros and negatives (ReLU's and Select's edges).
const values = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 0 : Math.sin(i * k) * 2));

/** Runs f with lazy evaluation on, then off, and returns both results' values. */
function lazyAndEager(f: () => tf.Tensor[]): [Float32Array[], Float32Array[]] {
  const run = (on: boolean) => {
    aten.setLazy(on);
    try {
      return tf.tidy(f).map((t) => {
        const v = t.dataSync() as Float32Array;
        t.dispose();
        return v;
      });
    } finally {
      aten.setLazy(true);
    }
  };
  return [run(true), run(false)];
}

/**
 * The largest difference relative to the data's scale. Elementwise results agree to a float32 rounding or
 * two (ATen's vectorised kernels may fuse a multiply and an add into one FMA; the interpreter's loops never
 * do); sums add in another order (per block, in double) than ATen's: a few float32 roundings of the scale
 * of the summed values. Both stay well under 1e-5 for the sizes here.
 */
function maxRelDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let scale = 1e-30, diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Infinity;
    if (!Number.isNaN(a[i])) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / scale;
}

describe('lazy elementwise evaluation', () => {
  beforeAll(async () => {
    expect((await initEngine()).backend).toBe(ATEN);
    const l = loadNative();
    if (!l.ok) throw new Error(l.reason);
    aten = l.aten;
  });
  afterEach(() => aten.setLazy(true));

  it('gives what eager evaluation gives, for every kind of operand and both kinds of reduction', () => {
    const [N, H, W, C] = [8, 12, 10, 48];  // 46,080 elements: above the 32,768 where laziness starts
    const [lazy, eager] = lazyAndEager(() => {
      const x = tf.tensor4d(values(N * H * W * C, 0.37), [N, H, W, C]);
      const dy = tf.tensor4d(values(N * H * W * C, 0.71), [N, H, W, C]);
      const perChannel = tf.tensor1d(values(C, 1.3));                      // a repeating pattern
      const perPixel = tf.tensor3d(values(H * W * C, 0.11), [H, W, C]);    // a longer one
      const perImage = tf.tensor4d(values(N, 2.9), [N, 1, 1, 1]);         // read block by block
      const broadcast = tf.broadcastTo(tf.reshape(perChannel, [1, 1, 1, C]), [N, H, W, C]);  // a stride-0 view
      const variance = tf.add(tf.abs(perChannel), 0.5);
      const bn = tf.batchNorm(x, tf.mul(perChannel, 0.1), variance, perChannel, tf.add(perChannel, 1), 1e-3);
      const y = tf.leakyRelu(tf.add(tf.mul(bn, perPixel), perImage), 0.2);
      const z = tf.where(tf.greater(x, 0), tf.relu(y), tf.sub(tf.neg(broadcast), tf.square(dy)));
      const w = tf.div(tf.maximum(z, tf.mul(dy, 0.5)), tf.add(tf.abs(x), 1));
      const g = tf.grad((t: tf.Tensor) => tf.relu(t))(x, w);  // Relu's gradient: dy where x > 0
      return [
        y, z, w, g, tf.exp(tf.mul(w, 0.1)),                      // an op with no loop of its own: ATen on the block
        tf.sum(w, [0, 1, 2]), tf.mean(g, [0, 1, 2], true),        // every axis but the channels: the row loop
        tf.sum(w), tf.sum(z, [1, 2]), tf.mean(y, [3], true),      // every axis; middle axes; the last axis
        tf.reshape(w, [1, N, H, W, C]),                           // another leading 1: still lazy
      ];
    });
    lazy.forEach((v, k) => expect(maxRelDiff(v, eager[k]!), `result ${k}`).toBeLessThan(1e-5));
  });

  it('keeps NaN and infinities where eager evaluation does', () => {
    const n = 40000;
    const special = Float32Array.from({ length: n }, (_, i) => [NaN, Infinity, -Infinity, 0, -0, 1, -1][i % 7]!);
    const [lazy, eager] = lazyAndEager(() => {
      const x = tf.tensor1d(special), y = tf.tensor1d(values(n, 0.3));
      return [tf.relu(x), tf.leakyRelu(x, 0.1), tf.maximum(x, y), tf.minimum(y, x), tf.div(y, x), tf.abs(tf.neg(x)),
        tf.grad((t: tf.Tensor) => tf.leakyRelu(t, 0.3))(x, y)];
    });
    lazy.forEach((v, k) => expect(Array.from(v), `result ${k}`).toEqual(Array.from(eager[k]!)));
  });

  // Memory figures below allow for the few scalar tensors (4 bytes each) the ops make of their constants.
  const within = (bytes: number, expected: number) => {
    expect(bytes - expected).toBeGreaterThanOrEqual(0);
    expect(bytes - expected).toBeLessThan(256);
  };

  it('holds no memory for a result nobody reads, and computes it once when read', () => {
    const x = tf.tensor2d(values(300 * 400, 0.2), [300, 400]);
    const bytes = aten.liveBytes();
    const y = tf.tidy(() => tf.relu(tf.add(tf.mul(x, 2), 1)));
    expect(aten.isLazy(handle(y))).toBe(true);
    within(aten.liveBytes(), bytes);  // x is all the memory there is
    const evaluated = aten.lazyStats().evaluated;
    y.dataSync();
    y.dataSync();
    expect(aten.lazyStats().evaluated - evaluated).toBe(1);
    expect(aten.isLazy(handle(y))).toBe(false);
    within(aten.liveBytes(), bytes + 300 * 400 * 4);
    tf.dispose([x, y]);
  });

  it('lets a released operand go: the expressions reading it are evaluated at the next kernel', () => {
    const base = aten.liveBytes();
    const x = tf.tensor2d(values(500 * 500, 0.2), [500, 500]);
    const y = tf.tidy(() => tf.mul(x, 3));
    x.dispose();  // y alone holds x's memory now
    expect(aten.isLazy(handle(y))).toBe(true);
    within(aten.liveBytes(), base + 500 * 500 * 4);
    tf.tidy(() => tf.add(tf.scalar(1), 1));  // any kernel
    expect(aten.isLazy(handle(y))).toBe(false);
    within(aten.liveBytes(), base + 500 * 500 * 4);  // y's own values; x's are gone
    expect(y.dataSync()[1]).toBeCloseTo(values(2, 0.2)[1]! * 3, 5);
    y.dispose();
    within(aten.liveBytes(), base);
  });

  it('may drop an evaluated value it keeps alone, and computes the same again when it is read', () => {
    const x = tf.tidy(() => tf.sin(tf.range(0, 4_000_000)));
    const y = tf.tidy(() => tf.sub(tf.mul(x, 3), 1));
    const first = Array.from(y.dataSync().slice(0, 1000));
    const dropped = aten.lazyStats().dropped;
    // More than the two most recent evaluated values and 8 MB (DCGAN_LAZY_CACHE_MB), read one after another.
    const others = [1, 2, 3].map((k) => tf.tidy(() => tf.add(x, k)));
    for (const o of others) o.dataSync();
    tf.tidy(() => tf.add(tf.scalar(1), 1));  // any kernel: the cache is trimmed between kernels
    expect(aten.lazyStats().dropped).toBeGreaterThan(dropped);
    expect(aten.isLazy(handle(y))).toBe(true);
    expect(Array.from(y.dataSync().slice(0, 1000))).toEqual(first);
    tf.dispose([x, y, ...others]);
  });

  it('stores one value for a broadcast: ones, zeros, Fill, Tile of size-1 dims, BroadcastTo', () => {
    const base = aten.liveBytes();
    const ones = tf.ones([512, 512]);                                  // uploaded from a JS array of ones
    const filled = tf.fill([512, 512], 7);
    const row = tf.tensor2d(values(512, 0.9), [1, 512]);
    const tiled = tf.tile(row, [512, 1]);
    const spread = tf.broadcastTo(row, [512, 512]);
    expect(aten.liveBytes() - base).toBeLessThan(4 * 1024);            // a few scalars and one row
    expect(aten.storageOf(handle(tiled))).toBe(aten.storageOf(handle(row)));
    expect(aten.storageOf(handle(spread))).toBe(aten.storageOf(handle(row)));
    expect(tf.sum(ones).dataSync()[0]).toBe(512 * 512);
    expect(tf.sum(filled).dataSync()[0]).toBe(7 * 512 * 512);
    expect(Array.from(tiled.dataSync().slice(512 * 300, 512 * 300 + 512))).toEqual(Array.from(row.dataSync()));
    tf.dispose([ones, filled, row, tiled, spread]);
  });

  it('never lets the in-place Adam update change a tensor an expression still reads', () => {
    const n = 100_000;
    const w = tf.tensor1d(values(n, 0.4));
    const before = tf.mul(w, 2);  // lazy: reads w
    const [w2, m2, v2] = tf.engine().runKernel('DcganAdamUpdate',
      { w, m: tf.zeros([n]), v: tf.zeros([n]), g: tf.ones([n]) }, { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 1 }) as tf.Tensor[];
    expect(before.dataSync()[1]).toBeCloseTo(values(2, 0.4)[1]! * 2, 6);
    tf.dispose([w, before, w2!, m2!, v2!]);
  });
});

describe('stock tf.layers training on aten', () => {
  beforeAll(async () => {
    await initEngine();
    const l = loadNative();
    if (!l.ok) throw new Error(l.reason);
    aten = l.aten;
  });

  /** conv -> BN -> LeakyReLU -> conv -> BN -> ReLU -> dense, large enough (8x16x16x16) for lazy kernels. */
  function model(seed: number) {
    const init = () => tfl.initializers.randomNormal({ mean: 0, stddev: 0.05, seed: seed++ });
    return tfl.sequential({ layers: [
      tfl.layers.conv2d({ inputShape: [16, 16, 3], filters: 16, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init() }),
      tfl.layers.batchNormalization({ gammaInitializer: init() }),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      tfl.layers.conv2d({ filters: 32, kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: init() }),
      tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 1, kernelInitializer: init() }),
    ] });
  }

  it('computes the same gradients lazily, eagerly and on the cpu backend', async () => {
    const grads = async (backend: string, lazy: boolean) => {
      await tf.setBackend(backend);
      aten.setLazy(lazy);
      const m = model(11);
      const x = tf.tensor4d(values(8 * 16 * 16 * 3, 0.33), [8, 16, 16, 3]);
      const labels = tf.tensor2d(values(8, 1.7).map((v) => (v > 0 ? 1 : 0)), [8, 1]);
      const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
      const { grads: g } = tf.variableGrads(() => tf.losses.sigmoidCrossEntropy(labels, m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
      const out = vars.map((v) => g[v.name]!.dataSync() as Float32Array);
      tf.dispose([x, labels, ...Object.values(g)]);
      m.dispose();
      aten.setLazy(true);
      await tf.setBackend(ATEN);
      return out;
    };
    const lazy = await grads(ATEN, true), eager = await grads(ATEN, false), cpu = await grads('cpu', true);
    // Lazy and eager differ only in the order of sums (see maxRelDiff); cpu uses other convolution code and
    // float32 sums of up to 2,048 terms: 1e-3 of each gradient's scale is a few hundred float32 roundings.
    lazy.forEach((g, k) => expect(maxRelDiff(g, eager[k]!), `variable ${k}: lazy vs eager`).toBeLessThan(1e-5));
    lazy.forEach((g, k) => expect(maxRelDiff(g, cpu[k]!), `variable ${k}: aten vs cpu`).toBeLessThan(1e-3));
  });

  it('trains with optimizer.minimize without growing tensors, native handles or pending expressions', () => {
    const m = model(5);
    const opt = tf.train.adam(1e-3, 0.5);
    const x = tf.tensor4d(values(8 * 16 * 16 * 3, 0.21), [8, 16, 16, 3]);
    const labels = tf.ones([8, 1]);
    const step = () => opt.minimize(() => tf.losses.sigmoidCrossEntropy(labels, m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
    step();
    step();
    const before = { tensors: tf.memory().numTensors, native: aten.liveTensors(), pending: aten.lazyStats().pending };
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before.tensors);
    expect(aten.liveTensors()).toBe(before.native);
    expect(aten.lazyStats().pending).toBeLessThanOrEqual(before.pending);
    tf.dispose([x, labels]);
    opt.dispose();
    m.dispose();
  });
});
