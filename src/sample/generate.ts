// Running a generator: G(z) with BatchNorm using the batch's own statistics or the running ones.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { generatorInput } from '../model/conditioning.js';
import { stack } from './latent.js';

/**
 * 'batch': BatchNorm normalises with this batch's statistics (as during training, and as pytorch/examples'
 * samples): each image depends on the rest of the batch. 'running': it uses the statistics accumulated in
 * training, so an image depends on its own z only.
 */
export type BnMode = 'batch' | 'running';

export interface GenerateOptions {
  bn: BnMode;
  /** Classes of a conditional generator (int32, one per z) and how many classes it has. */
  labels?: tf.Tensor1D;
  classes?: number;
}

/** G(z) as a [n, h, w, c] tensor in [-1, 1]; never changes G's running statistics. */
export function generate(G: tfl.LayersModel, z: tf.Tensor2D, opts: GenerateOptions): tf.Tensor4D {
  return tf.tidy(() => {
    const input = generatorInput(z, opts.labels, opts.classes ?? 0);
    if (opts.bn === 'running') return G.apply(input, { training: false }) as tf.Tensor4D;
    // Training mode moves the running statistics: keep them and put them back.
    const saved = G.nonTrainableWeights.map((w) => tf.keep(w.read().clone()));
    const out = G.apply(input, { training: true }) as tf.Tensor4D;
    G.nonTrainableWeights.forEach((w, i) => w.write(saved[i]!));
    tf.dispose(saved);
    return out;
  });
}

/** generate() in chunks of at most `batch` (BatchNorm 'batch' mode sees each chunk as its batch). */
export function generateData(G: tfl.LayersModel, z: Float32Array, nz: number, opts: Omit<GenerateOptions, 'labels'> & { labels?: Int32Array; batch?: number }): Float32Array {
  const n = z.length / nz;
  const chunk = opts.batch ?? 256;
  const parts: Float32Array[] = [];
  for (let i = 0; i < n; i += chunk) {
    const m = Math.min(chunk, n - i);
    const data = tf.tidy(() => {
      const zt = tf.tensor2d(z.subarray(i * nz, (i + m) * nz), [m, nz]);
      const labels = opts.labels ? tf.tensor1d(opts.labels.subarray(i, i + m), 'int32') : undefined;
      return generate(G, zt, { bn: opts.bn, labels, classes: opts.classes });
    });
    parts.push(data.dataSync() as Float32Array);
    data.dispose();
  }
  return parts.length === 1 ? parts[0]! : stack(parts);
}
