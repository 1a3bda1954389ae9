// The aten backend's own contract: default backend, data round trips, exact reference counts, views,
// release of native memory, and the project's custom kernels against their cpu implementations.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { adamUpdate, batchNormTrain } from './custom-kernels.js';
import { ATEN, initEngine, registerAtenBackend } from './index.js';
import { loadNative } from './native.js';

const aten = () => {
  const l = loadNative();
  if (!l.ok) throw new Error(l.reason);
  return l.aten;
};

describe('aten backend', () => {
  beforeAll(async () => {
    const info = await initEngine();
    expect(info.backend).toBe(ATEN);
  });

  it('is registered above cpu, so it is the default when the addon loads', () => {
    expect(registerAtenBackend().ok).toBe(true);
    expect(tf.findBackendFactory(ATEN)).toBeDefined();
    expect(tf.getBackend()).toBe(ATEN);
  });

  it('round-trips float32, int32, bool and string tensors', () => {
    expect(Array.from(tf.tensor([1.5, -2, 3e-8]).dataSync())).toEqual([1.5, -2, Math.fround(3e-8)]);
    expect(Array.from(tf.tensor([1, -2, 2 ** 30], undefined, 'int32').dataSync())).toEqual([1, -2, 2 ** 30]);
    expect(Array.from(tf.tensor([true, false, true]).dataSync())).toEqual([1, 0, 1]);
    expect(tf.tensor(['a', 'bc']).arraySync()).toEqual(['a', 'bc']);
  });

  it('keeps numDataIds and the native table exact, and releases native tensors', () => {
    const before = { ids: tf.engine().backend.numDataIds(), native: aten().liveTensors(), tensors: tf.memory().numTensors };
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const y = tf.reshape(x, [4]);  // a native view: its own handle, shared storage
    const z = tf.add(y, 1);
    expect(aten().liveTensors()).toBe(before.native + 3);
    expect(Array.from(z.dataSync())).toEqual([2, 3, 4, 5]);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);  // the view outlives its base
    tf.dispose([y, z]);
    expect(tf.engine().backend.numDataIds()).toBe(before.ids);
    expect(aten().liveTensors()).toBe(before.native);
    expect(tf.memory().numTensors).toBe(before.tensors);
  });

  it('counts each storage once in its memory figures', () => {
    const base = aten().liveBytes();
    // Not zeros: a tensor of one repeated value is stored as that value once (see lazy.test.ts).
    const x = tf.tidy(() => tf.reshape(tf.range(0, 1024 * 1024), [1024, 1024]));
    const v = tf.reshape(x, [1024 * 1024]);
    expect(aten().liveBytes() - base).toBe(4 * 1024 * 1024);
    tf.dispose([x, v]);
    expect(aten().liveBytes()).toBe(base);
  });

  it('implements BroadcastTo (the conformance suite does not reach it)', () => {
    const y = tf.broadcastTo(tf.tensor([1, 2, 3]), [2, 3]);
    expect(y.arraySync()).toEqual([[1, 2, 3], [1, 2, 3]]);
  });

  it('matches TF.js "same" padding exactly for even kernels (the odd pixel at the bottom/right)', async () => {
    const x = tf.tensor4d(Array.from({ length: 2 * 7 * 6 * 3 }, (_, i) => Math.sin(i)), [2, 7, 6, 3]);
    const w = tf.tensor4d(Array.from({ length: 4 * 4 * 3 * 5 }, (_, i) => Math.cos(i)), [4, 4, 3, 5]);
    const ours = tf.conv2d(x, w, 2, 'same').dataSync();
    await tf.setBackend('cpu');
    const ref = tf.conv2d(tf.tensor4d(x.dataSync(), x.shape), tf.tensor4d(w.dataSync(), w.shape), 2, 'same').dataSync();
    await tf.setBackend(ATEN);
    expect(ours.length).toBe(ref.length);
    // Each output sums 48 products below 1 in size: float32, summed in any order, errs by at most
    // 48 * 2^-24 * 48 = 1.4e-4, so two engines differ by at most 2.8e-4 (measured: 0, oneDNN on AVX-512 and on
    // AVX2 against TF.js's cpu). A misplaced padding row changes outputs by order 1.
    ours.forEach((v, i) => expect(Math.abs(v - ref[i]!), `output ${i}`).toBeLessThan(1e-3));
  });
});

describe('custom kernels agree with their cpu implementations', () => {
  async function both<T>(f: () => T): Promise<[T, T]> {
    await tf.setBackend(ATEN);
    const a = f();
    await tf.setBackend('cpu');
    const c = f();
    await tf.setBackend(ATEN);
    return [a, c];
  }
  const data = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * k) * 2 + 0.3);

  it('training-mode batch norm and its gradients (NHWC and [N, C]; alone, with ReLU, with LeakyReLU)', async () => {
    const cases: [number[], 'linear' | 'relu' | 'leakyrelu'][] = [[[3, 4, 5, 6], 'linear'], [[8, 6], 'linear'], [[3, 4, 5, 6], 'relu'], [[8, 6], 'leakyrelu']];
    for (const [shape, activation] of cases) {
      const n = shape.reduce((a, b) => a * b), c = shape[shape.length - 1]!;
      const [a, cpu] = await both(() => {
        const x = tf.tensor(data(n, 0.37), shape);
        const gamma = tf.tensor1d(data(c, 1.1)), beta = tf.tensor1d(data(c, 2.3));
        const dy = tf.tensor(data(n, 0.71), shape);
        const f = (xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
          const r = batchNormTrain(xx, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, activation, 0.2);
          return r.y;
        };
        const grads = tf.grads(f)([x, gamma, beta], dy);
        const r = batchNormTrain(x, gamma, beta, 1e-5, activation, 0.2);
        return [r.y, r.mean, r.variance, ...grads].map((t) => Array.from(t.dataSync()));
      });
      // Values up to 20 from means and variances over 60 elements: measured at most 3.8e-6 apart (2 ulps of 20),
      // unrestricted and restricted to AVX2; 5e-5 leaves a factor 13 for other vector widths' summation orders.
      a.forEach((arr, k) => arr.forEach((v, i) => expect(v, `${activation} output ${k}[${i}]`).toBeCloseTo(cpu[k]![i]!, 4)));
      if (activation === 'relu') expect(Math.min(...a[0]!)).toBe(0);
    }
  });

  it('Adam update', async () => {
    const [a, cpu] = await both(() => {
      const t = (k: number) => tf.tensor1d(data(50, k));
      const [w, m, v] = adamUpdate(t(0.1), t(0.2), tf.abs(t(0.3)), t(0.4), { lr: 0.01, beta1: 0.5, beta2: 0.999, epsilon: 1e-8, step: 3 });
      return [w!, m!, v!].map((x) => Array.from(x.dataSync()));
    });
    // About six float32 operations per element (two moments, a square root, a division, a multiply-add): each
    // correctly rounded, with or without fused multiply-adds, the two kernels can differ by a few ulps of the
    // result. Measured 1 ulp (2.4e-7 on values near 2); 1e-6 relative is 16 units of 2^-24.
    a.forEach((arr, k) => arr.forEach((v, i) => expect(Math.abs(v - cpu[k]![i]!), `${k}[${i}]: ${v} vs ${cpu[k]![i]}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(cpu[k]![i]!)))));
  });

  it('the fused Relu / LeakyRelu gradients', async () => {
    const [a, cpu] = await both(() => {
      const x = tf.tensor1d([-2, -0.5, 0, 0.5, 2]);
      return [tf.grad((t: tf.Tensor) => tf.relu(t))(x), tf.grad((t: tf.Tensor) => tf.leakyRelu(t, 0.2))(x)].map((g) => Array.from(g.dataSync()));
    });
    expect(a).toEqual(cpu);
    expect(a[0]).toEqual([0, 0, 0, 1, 1]);
    expect(a[1]!.map((v) => Math.round(v * 10) / 10)).toEqual([0.2, 0.2, 0.2, 1, 1]);
  });
});
