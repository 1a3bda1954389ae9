// complex64 on aten beyond the sizes tfjs-core's own specs use: the FFT family against a direct DFT, data
// round trips, and the cpu fallback of a kernel given complex inputs.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ATEN, initEngine } from './index.js';

/** The DFT of one complex row, in double precision: the reference. */
function dft(re: number[], im: number[], inverse: boolean): [number[], number[]] {
  const n = re.length, sign = inverse ? 1 : -1;
  const outRe: number[] = [], outIm: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let t = 0; t < n; t++) {
      const a = (sign * 2 * Math.PI * k * t) / n;
      sr += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
      si += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
    }
    outRe.push(inverse ? sr / n : sr);
    outIm.push(inverse ? si / n : si);
  }
  return [outRe, outIm];
}

describe('complex64 on aten', () => {
  beforeAll(async () => {
    expect((await initEngine()).backend).toBe(ATEN);
  });

  it('keeps real and imaginary parts through upload, kernels and download', () => {
    const x = tf.complex([1, -2.5, 3e-8], [0.5, 4, -1]);
    expect(x.dtype).toBe('complex64');
    expect(Array.from(x.dataSync())).toEqual([1, 0.5, -2.5, 4, Math.fround(3e-8), -1]);
    const y = tf.mul(tf.reshape(tf.concat([x, x]), [2, 3]), tf.complex([[2]], [[0]]));
    expect(Array.from(tf.real(y).dataSync())).toEqual([2, -5, Math.fround(6e-8), 2, -5, Math.fround(6e-8)]);
    expect(Array.from(tf.imag(y).dataSync())).toEqual([1, 8, -2, 1, 8, -2]);
    expect(Array.from(tf.abs(tf.complex([3], [4])).dataSync())).toEqual([5]);
    tf.dispose([x, y]);
  });

  it('computes FFT, IFFT, RFFT and IRFFT of 1,000-point rows as a direct DFT does', () => {
    const n = 1000;
    const re = Array.from({ length: 2 * n }, (_, i) => Math.sin(i * 0.37) + 0.2 * Math.cos(i * 1.9));
    const im = Array.from({ length: 2 * n }, (_, i) => Math.cos(i * 0.11));
    const x = tf.complex(tf.tensor2d(re, [2, n]), tf.tensor2d(im, [2, n]));
    const check = (t: tf.Tensor, inverse: boolean, row: number, values: [number[], number[]]) => {
      const [wantRe, wantIm] = dft(values[0].slice(row * n, (row + 1) * n), values[1].slice(row * n, (row + 1) * n), inverse);
      const got = tf.tidy(() => [tf.real(t).dataSync().slice(row * n, (row + 1) * n), tf.imag(t).dataSync().slice(row * n, (row + 1) * n)]);
      // float32 pocketfft against a double DFT: errors grow like log(n) roundings of the largest terms,
      // which reach ~n in the forward transform; 1e-3 of n is ample and still catches a wrong bin or sign.
      const scale = inverse ? 1 : n;
      got[0]!.forEach((v, k) => expect(Math.abs(v - wantRe[k]!)).toBeLessThan(1e-3 * scale));
      got[1]!.forEach((v, k) => expect(Math.abs(v - wantIm[k]!)).toBeLessThan(1e-3 * scale));
    };
    const f = tf.spectral.fft(x), i = tf.spectral.ifft(x);
    for (const row of [0, 1]) {
      check(f, false, row, [re, im]);
      check(i, true, row, [re, im]);
    }
    // rfft keeps the n/2 + 1 non-redundant bins of a real row; irfft inverts it.
    const r = tf.spectral.rfft(tf.tensor2d(re, [2, n]));
    expect(r.shape).toEqual([2, n / 2 + 1]);
    const [wantRe] = dft(re.slice(0, n), new Array(n).fill(0), false);
    tf.real(r).dataSync().slice(0, n / 2 + 1).forEach((v, k) => expect(Math.abs(v - wantRe[k]!)).toBeLessThan(1e-3 * n));
    const back = tf.spectral.irfft(r);
    back.dataSync().slice(0, n).forEach((v, k) => expect(v).toBeCloseTo(re[k]!, 3));
    tf.dispose([x, f, i, r, back]);
  });

  it('hands complex inputs to a kernel without a native version as the cpu backend holds them', async () => {
    // No cpu kernel among the fallback ones accepts complex64 (GatherNd, MirrorPad, ... throw on cpu); the
    // fallback gives the same result or the same error as the cpu backend does.
    const run = () => {
      const x = tf.complex([[1, 2], [3, 4]], [[5, 6], [7, 8]]);
      try {
        return Array.from(tf.gatherND(x, tf.tensor2d([[1, 0], [0, 1]], [2, 2], 'int32')).dataSync());
      } catch (e) {
        return (e as Error).message;
      }
    };
    const ours = run();
    await tf.setBackend('cpu');
    const cpu = run();
    await tf.setBackend(ATEN);
    expect(ours).toEqual(cpu);
  });
});
