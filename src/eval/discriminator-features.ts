// The paper's discriminator features (Radford et al. 2015, section 5.1): every conv layer's activations
// max-pooled to a 4 x 4 grid, flattened and concatenated into one vector per image.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { UserError } from '../util/errors.js';

/** D's convolutions: stock, or spectrally normalised (whose kernel is the raw weight, W before / sigma). */
const CONV_CLASSES = new Set(['Conv2D', 'SpectralConv2D']);

/** Layers that belong to a conv block after its convolution (normalisation, activation, dropout). */
const BLOCK_TAIL = new Set(['DcganBatchNorm', 'BatchNormalization', 'LeakyReLU', 'Activation', 'ReLU', 'Dropout']);

/**
 * The output of every conv block of D (the conv with its normalisation and activation), except a conv to a
 * single channel (pytorch/examples' final logit). Raises a UserError when D has no such block.
 */
export function convBlockOutputs(D: tfl.LayersModel): tfl.SymbolicTensor[] {
  const layers = D.layers;
  const outs: tfl.SymbolicTensor[] = [];
  for (let i = 0; i < layers.length; i++) {
    if (!CONV_CLASSES.has(layers[i]!.getClassName())) continue;
    let j = i;
    while (j + 1 < layers.length && BLOCK_TAIL.has(layers[j + 1]!.getClassName())) j++;
    const out = layers[j]!.output as tfl.SymbolicTensor;
    if (out.shape.length === 4 && (out.shape[3] ?? 0) > 1) outs.push(out);
  }
  if (outs.length === 0) throw new UserError(`the discriminator ${D.name} has no convolutional layers to take features from`);
  return outs;
}

/** Adaptive max pooling of NHWC maps to grid x grid cells (PyTorch's AdaptiveMaxPool2d bins), flattened. */
export function adaptiveMaxPool(x: tf.Tensor4D, grid: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    if (h % grid === 0 && w % grid === 0) {
      return tf.reshape(tf.maxPool(x, [h / grid, w / grid], [h / grid, w / grid], 'valid'), [n, grid * grid * c]) as tf.Tensor2D;
    }
    const cells: tf.Tensor[] = [];
    for (let i = 0; i < grid; i++) {
      const r0 = Math.floor((i * h) / grid), r1 = Math.ceil(((i + 1) * h) / grid);
      for (let j = 0; j < grid; j++) {
        const c0 = Math.floor((j * w) / grid), c1 = Math.ceil(((j + 1) * w) / grid);
        cells.push(tf.max(tf.slice(x, [0, r0, c0, 0], [n, r1 - r0, c1 - c0, c]), [1, 2]));
      }
    }
    // [n, cells, c] in row-major cell order, as the reshape of the maxPool branch.
    return tf.reshape(tf.stack(cells, 1), [n, grid * grid * c]) as tf.Tensor2D;
  });
}

/** Extracts pooled conv features from a discriminator (inference mode: BatchNorm running statistics). */
export class DiscriminatorFeatures {
  readonly dim: number;
  private readonly model: tfl.LayersModel;

  constructor(D: tfl.LayersModel, readonly grid = 4) {
    const outs = convBlockOutputs(D);
    this.model = tfl.model({ inputs: D.inputs, outputs: outs });
    this.dim = outs.reduce((s, o) => s + grid * grid * (o.shape[3] as number), 0);
  }

  /** n images (NHWC in [-1, 1], D's input shape) to n x dim features. */
  extract(images: Float32Array, n: number, shape: [number, number, number], batch = 250): Float32Array {
    const [h, w, c] = shape;
    const size = h * w * c;
    const out = new Float32Array(n * this.dim);
    for (let i = 0; i < n; i += batch) {
      const m = Math.min(batch, n - i);
      const f = tf.tidy(() => {
        const maps = this.model.predict(tf.tensor4d(images.subarray(i * size, (i + m) * size), [m, h, w, c]));
        const list = (Array.isArray(maps) ? maps : [maps]) as tf.Tensor4D[];
        return tf.concat(list.map((t) => adaptiveMaxPool(t, this.grid)), 1);
      });
      out.set(f.dataSync() as Float32Array, i * this.dim); // device-to-host: this batch's features
      f.dispose();
    }
    return out;
  }
}
