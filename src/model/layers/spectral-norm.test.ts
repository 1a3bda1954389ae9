// Spectrally normalised layers: sigma against an exact float64 singular value, the forward pass against the
// stock layer with W / sigma, gradients through sigma, the power iteration's state as weights, and
// save / reload through getConfig.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../engine/index.js';
import { symmetricEigen } from '../../eval/symmetric-eigen.js';
import { buildDiscriminator, buildGenerator } from '../build.js';
import { getPreset } from '../presets.js';
import { SpectralConv2D, SpectralConv2DTranspose, SpectralDense, spectralNorms, spectralNormStep } from './spectral-norm.js';

/** The largest singular value of the row-major [rows, cols] matrix, in float64: sqrt of A^T A's largest eigenvalue. */
function largestSingularValue(a: Float32Array, rows: number, cols: number): number {
  const ata = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += a[r * cols + i]! * a[r * cols + j]!;
    ata[i * cols + j] = s;
  }
  const { values } = symmetricEigen(ata, cols);
  return Math.sqrt(values[cols - 1]!);
}

function seq(layer: tfl.layers.Layer): tfl.Sequential {
  const m = tfl.sequential();
  m.add(layer);
  return m;
}

describe('spectral normalisation', () => {
  beforeAll(async () => {
    await initEngine();
  });

  it('sigma converges to the largest singular value of the kernel matrix (dense, conv, transposed conv)', () => {
    const cases: [string, tfl.layers.Layer, number, number][] = [
      ['dense', new SpectralDense({ inputShape: [12], units: 7, seed: 1 }), 12, 7],
      ['conv', new SpectralConv2D({ inputShape: [6, 6, 3], filters: 5, kernelSize: 3, strides: 2, seed: 2 }), 27, 5],
      // transposed conv kernel [3, 3, filters 4, in 2]: the matrix has the output channel last, [3 * 3 * 2, 4]
      ['convTranspose', new SpectralConv2DTranspose({ inputShape: [3, 3, 2], filters: 4, kernelSize: 3, strides: 2, seed: 3 }), 18, 4],
    ];
    for (const [name, layer, m, out] of cases) {
      const model = seq(layer);
      let kernel = model.getWeights()[0]!;
      if (name === 'convTranspose') kernel = tf.transpose(kernel, [0, 1, 3, 2]);
      const reference = largestSingularValue(tf.tidy(() => tf.reshape(kernel, [m, out])).dataSync() as Float32Array, m, out);
      // 15 warm-up iterations at build, then 30 more: the estimate's relative error shrinks as
      // (sigma_2 / sigma_1)^(2k); for these random 0.02-scale matrices the gap makes 45 iterations converge to
      // float32 rounding (~1e-7 relative). 1e-4 relative holds on any instruction set and would catch a wrong
      // reshaping (another matrix's sigma differs by several percent).
      for (let i = 0; i < 30; i++) spectralNormStep(model);
      const { sigma } = spectralNorms(model)[0]!;
      expect(Math.abs(sigma - reference) / reference, name).toBeLessThan(1e-4);
      // The normalised kernel then has spectral norm 1.
      const normalised = tf.tidy(() => {
        const k = (layer as SpectralDense).normalizedKernel();
        return name === 'convTranspose' ? tf.transpose(k, [0, 1, 3, 2]) : k;
      });
      expect(largestSingularValue(tf.reshape(normalised, [m, out]).dataSync() as Float32Array, m, out)).toBeCloseTo(1, 4);
      tf.dispose([normalised, ...(name === 'convTranspose' ? [kernel] : [])]);
      model.dispose();
    }
  });

  it('one power iteration per spectralNormStep; the forward pass only reads u and v', () => {
    const model = seq(new SpectralDense({ inputShape: [10], units: 6, seed: 4 }));
    const uv = () => model.getWeights().slice(2).map((w) => Array.from(w.dataSync()));
    const x = tf.randomNormal([3, 10], 0, 1, 'float32', 1);
    const before = uv();
    tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    expect(uv()).toEqual(before);
    spectralNormStep(model);
    expect(uv()).not.toEqual(before);
    x.dispose();
    model.dispose();
  });

  it('computes the stock layer with W / sigma, bias added after', () => {
    const layer = new SpectralConv2D({ inputShape: [8, 8, 2], filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same', seed: 5 });
    const model = seq(layer);
    const [kernel, , u, v] = model.getWeights() as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const bias = tf.fill([3], 0.25);
    model.setWeights([kernel, bias, u, v]);
    bias.dispose();
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 2);
    const y = model.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 4, 4, 3]);
    expect(model.outputs[0]!.shape).toEqual([null, 4, 4, 3]);
    // sigma = v^T K u from the layer's own u and v, then the stock convolution
    const sigma = tf.sum(tf.mul(tf.reshape(v, [-1, 1]), tf.matMul(tf.reshape(kernel, [-1, 3]), tf.reshape(u, [-1, 1]))));
    const want = tf.add(tf.conv2d(x as tf.Tensor4D, tf.div(kernel, sigma) as tf.Tensor4D, 2, 'same'), 0.25);
    // the same float32 ops in the same order: equal to the last bit on one machine; 1e-6 absolute on O(1)
    // outputs covers a different summation order of the convolution on another instruction set
    const diff = tf.max(tf.abs(tf.sub(y, want))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-6);
    // getWeights() hands out the weights themselves: the model disposes them
    tf.dispose([x, y, sigma, want]);
    model.dispose();
  });

  it('transposed conv: output shapes as tfjs-layers (same and valid padding)', () => {
    for (const [padding, size] of [['same', 8], ['valid', 9]] as const) {
      const model = seq(new SpectralConv2DTranspose({ inputShape: [4, 4, 5], filters: 2, kernelSize: 3, strides: 2, padding, seed: 6 }));
      const stock = seq(tfl.layers.conv2dTranspose({ inputShape: [4, 4, 5], filters: 2, kernelSize: 3, strides: 2, padding }));
      expect(model.outputs[0]!.shape).toEqual(stock.outputs[0]!.shape);
      const y = model.apply(tf.zeros([1, 4, 4, 5])) as tf.Tensor;
      expect(y.shape).toEqual([1, size, size, 2]);
      y.dispose();
      model.dispose();
      stock.dispose();
    }
  });

  it('gradients flow through sigma: the kernel\'s gradient is the paper\'s (Miyato et al. 2018, eq. 12)', () => {
    // dL/dW for W_sn = W / sigma: (1 / sigma) * (dL/dW_sn - (sum(dL/dW_sn * W_sn)) * u v^T); for L = sum(x W_sn)
    // with x = ones, dL/dW_sn = ones.
    const layer = new SpectralDense({ inputShape: [4], units: 3, seed: 7, useBias: false });
    const model = seq(layer);
    const [kernel, u, v] = model.getWeights() as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
    const grad = tf.grad((k: tf.Tensor) => {
      const sigma = tf.sum(tf.mul(tf.reshape(v, [-1, 1]), tf.matMul(k, tf.reshape(u, [-1, 1]))));
      return tf.sum(tf.matMul(tf.ones([1, 4]), tf.div(k, sigma)));
    })(kernel);
    const viaLayer = tf.variableGrads(() => tf.sum(model.apply(tf.ones([1, 4])) as tf.Tensor) as tf.Scalar, [model.trainableWeights[0]!.read() as tf.Variable]);
    const sigma = tf.sum(tf.mul(tf.reshape(v, [-1, 1]), tf.matMul(kernel, tf.reshape(u, [-1, 1])))).dataSync()[0]!;
    const wsn = tf.div(kernel, sigma);
    const paper = tf.div(tf.sub(tf.onesLike(kernel), tf.mul(tf.sum(wsn), tf.outerProduct(v, u))), sigma);
    const a = Object.values(viaLayer.grads)[0]!.dataSync(), b = paper.dataSync(), c = grad.dataSync();
    // O(1 / sigma) entries computed in float32 by two routes: 1e-4 relative to the largest covers rounding
    // (~1e-6) anywhere; ignoring sigma's gradient would be off by the whole u v^T term (comparable in size).
    const scale = Math.max(...Array.from(b, Math.abs));
    for (let i = 0; i < b.length; i++) {
      expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4 * scale);
      expect(Math.abs(c[i]! - b[i]!)).toBeLessThan(1e-4 * scale);
    }
    tf.dispose([grad, viaLayer.value, ...Object.values(viaLayer.grads), wsn, paper]);
    model.dispose();
  });

  it('u and v are non-trainable weights: saved with the model and restored exactly; getConfig rebuilds the layer', () => {
    const arch = getPreset('dcgan28').build({});
    const D = buildDiscriminator(arch, { spectralNorm: true, seed: 3 });
    expect(D.layers.map((l) => l.getClassName())).toEqual(['SpectralConv2D', 'LeakyReLU', 'SpectralConv2D', 'DcganBatchNorm', 'Flatten', 'SpectralDense']);
    expect(D.nonTrainableWeights.map((w) => w.originalName)).toEqual([
      'D0_conv/sn_u', 'D0_conv/sn_v', 'D2_conv/sn_u', 'D2_conv/sn_v', 'D3_batchNorm/moving_mean', 'D3_batchNorm/moving_variance', 'D6_dense/sn_u', 'D6_dense/sn_v',
    ]);
    spectralNormStep(D);
    const saved = D.getWeights();
    const json = D.toJSON(null, false) as unknown as object;
    const D2 = tfl.models.modelFromJSON(json as never) as unknown as Promise<tfl.LayersModel>;
    return D2.then((copy) => {
      copy.setWeights(saved);
      const x = tf.randomUniform([2, 28, 28, 1], -1, 1, 'float32', 3);
      const a = D.apply(x) as tf.Tensor, b = copy.apply(x) as tf.Tensor;
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      // ...and the next power iteration continues identically
      spectralNormStep(D);
      spectralNormStep(copy);
      expect(copy.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(D.getWeights().map((w) => Array.from(w.dataSync())));
      tf.dispose([x, a, b]);
      D.dispose();
      copy.dispose();
    });
  });

  it('builds a spectrally normalised generator too (transposed convs), making the image', () => {
    const arch = getPreset('dcgan64').build({ imageSize: [32, 32], ngf: 8 });
    const G = buildGenerator(arch, { spectralNorm: true });
    expect(G.layers.filter((l) => l.getClassName() === 'SpectralConv2DTranspose')).toHaveLength(4);
    const y = G.apply(tf.zeros([2, 100])) as tf.Tensor;
    expect(y.shape).toEqual([2, 32, 32, 3]);
    y.dispose();
    G.dispose();
  });
});
