// Builds tf.LayersModels from an ArchSpec, with DCGAN initialisation (Radford et al. 2015, section 4:
// weights from N(0, 0.02); BatchNorm gamma from N(1, 0.02) as pytorch/examples' weights_init).
import * as tfl from '@tensorflow/tfjs-layers';
import { DcganBatchNorm } from './layers/batch-norm.js';
import { DcganNormal } from './layers/initializer.js';
import { SpectralConv2D, SpectralConv2DTranspose, SpectralDense } from './layers/spectral-norm.js';
import { ArchError, type ArchSpec, type LayerSpec } from './spec.js';

export interface BuildOptions {
  /** Seed of the initialisers; each layer derives its own. */
  seed?: number;
  /** Class-conditional: labels one-hot into z and as extra input channels of D. */
  classes?: number;
  /** Spectral normalisation (Miyato et al. 2018) of every dense, conv and transposed conv layer of the network. */
  spectralNorm?: boolean;
}

function layerFor(l: LayerSpec, name: string, seed: number, inputShape?: number[], spectralNorm = false): tfl.layers.Layer {
  const base = { name, ...(inputShape ? { inputShape } : {}) };
  const w = new DcganNormal({ mean: 0, stddev: 0.02, seed });
  if (spectralNorm && (l.type === 'dense' || l.type === 'conv' || l.type === 'convTranspose')) {
    const useBias = l.bias ?? true;
    if (l.type === 'dense') return new SpectralDense({ ...base, units: l.units, useBias, seed });
    const conv = { ...base, filters: l.filters, kernelSize: l.kernel, strides: l.stride ?? 1, padding: l.padding ?? 'same', useBias, seed };
    return l.type === 'conv' ? new SpectralConv2D(conv) : new SpectralConv2DTranspose(conv);
  }
  switch (l.type) {
    case 'dense':
      return tfl.layers.dense({ ...base, units: l.units, useBias: l.bias ?? true, kernelInitializer: w, biasInitializer: 'zeros' });
    case 'reshape':
      return tfl.layers.reshape({ ...base, targetShape: l.shape });
    case 'flatten':
      return tfl.layers.flatten(base);
    case 'conv':
      return tfl.layers.conv2d({
        ...base, filters: l.filters, kernelSize: l.kernel, strides: l.stride ?? 1, padding: l.padding ?? 'same',
        useBias: l.bias ?? true, kernelInitializer: w, biasInitializer: 'zeros',
      });
    case 'convTranspose':
      return tfl.layers.conv2dTranspose({
        ...base, filters: l.filters, kernelSize: l.kernel, strides: l.stride ?? 1, padding: l.padding ?? 'same',
        useBias: l.bias ?? true, kernelInitializer: w, biasInitializer: 'zeros',
      });
    case 'batchNorm':
      return new DcganBatchNorm({ ...base, momentum: l.momentum ?? 0.9, epsilon: l.epsilon ?? 1e-5, seed });
    case 'relu':
      return tfl.layers.activation({ ...base, activation: 'relu' });
    case 'leakyRelu':
      return tfl.layers.leakyReLU({ ...base, alpha: l.alpha ?? 0.2 });
    case 'tanh':
      return tfl.layers.activation({ ...base, activation: 'tanh' });
    case 'sigmoid':
      return tfl.layers.activation({ ...base, activation: 'sigmoid' });
    case 'upSample':
      return tfl.layers.upSampling2d({ ...base, size: [l.size, l.size] });
    case 'maxPool':
      return tfl.layers.maxPooling2d({ ...base, poolSize: l.size, strides: l.stride ?? l.size });
    case 'zeroPad':
      return tfl.layers.zeroPadding2d({ ...base, padding: l.padding });
    case 'dropout':
      return tfl.layers.dropout({ ...base, rate: l.rate, seed });
  }
}

function buildNetwork(prefix: string, layers: LayerSpec[], inputShape: number[], seed: number, spectralNorm = false): tfl.Sequential {
  const model = tfl.sequential({ name: prefix });
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!, next = layers[i + 1];
    const base = { name: `${prefix}${i}_${l.type}`, ...(i === 0 ? { inputShape } : {}) };
    if (l.type === 'batchNorm' && (next?.type === 'relu' || next?.type === 'leakyRelu')) {
      // BatchNorm then ReLU / LeakyReLU run as one layer and one kernel: the tape then keeps 2 full-size
      // tensors per block instead of 3 (export.ts splits them again for stock TF.js).
      model.add(new DcganBatchNorm({
        ...base, momentum: l.momentum ?? 0.9, epsilon: l.epsilon ?? 1e-5, seed: seed * 1000 + i,
        activation: next.type === 'relu' ? 'relu' : 'leakyrelu', alpha: next.type === 'leakyRelu' ? next.alpha ?? 0.2 : 0,
      }));
      i++;
      continue;
    }
    model.add(layerFor(l, base.name, seed * 1000 + i, base.inputShape, spectralNorm));
  }
  return model;
}

function shapeText(s: readonly (number | null)[]): string {
  return `[${s.slice(1).join(', ')}]`;
}

/** The generator: z (plus one-hot labels) -> image. Throws ArchError when its output is not the image. */
export function buildGenerator(arch: ArchSpec, options: BuildOptions = {}): tfl.Sequential {
  const zIn = arch.nz + (options.classes ?? 0);
  // A generator that starts by reshaping z to [1, 1, nz] (pytorch/examples) reshapes [z, labels] instead.
  const layers = arch.generator.map((l, i) =>
    i === 0 && l.type === 'reshape' && l.shape.reduce((a, b) => a * b, 1) === arch.nz
      ? { ...l, shape: [...l.shape.slice(0, -1), l.shape[l.shape.length - 1]! + zIn - arch.nz] }
      : l);
  const g = buildNetwork('G', layers, [zIn], options.seed ?? 1, options.spectralNorm);
  const out = g.outputs[0]!.shape;
  const want = [null, arch.image.height, arch.image.width, arch.image.channels];
  if (out.length !== 4 || out.some((d, i) => i > 0 && d !== want[i])) {
    g.dispose();
    throw new ArchError(`${arch.name}: the generator makes ${shapeText(out)}, not the image [${want.slice(1).join(', ')}]`);
  }
  return g;
}

/** The discriminator: image (plus label channels) -> one logit or probability per image. */
export function buildDiscriminator(arch: ArchSpec, options: BuildOptions = {}): tfl.Sequential {
  const { height, width, channels } = arch.image;
  const d = buildNetwork('D', arch.discriminator, [height, width, channels + (options.classes ?? 0)], (options.seed ?? 1) + 7919, options.spectralNorm);
  const out = d.outputs[0]!.shape;
  if (out.length !== 2 || out[1] !== 1) {
    d.dispose();
    throw new ArchError(`${arch.name}: the discriminator ends with ${shapeText(out)}, not one unit per image (end with a flatten or dense to 1)`);
  }
  return d;
}
