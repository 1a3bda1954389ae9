// DcganBatchNorm: batch normalisation over the last (channel) axis, like tf.layers.batchNormalization, whose
// training mode runs the project's fused batch-norm kernel (one kernel forward, one backward, instead of a
// dozen full-size elementwise ops). Exported models name it BatchNormalization, which stock TF.js loads: in
// inference both compute gamma * (x - movingMean) / sqrt(movingVariance + epsilon) + beta.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormTrain, type NormActivation } from '../../engine/custom-kernels.js';
import { DcganNormal } from './initializer.js';

export interface DcganBatchNormArgs {
  name?: string;
  inputShape?: number[];
  /** Decay of the moving statistics: moving = moving * momentum + batch * (1 - momentum). */
  momentum?: number;
  /** Added to the variance before the square root. */
  epsilon?: number;
  /** Seed of gamma's N(1, 0.02) initialisation. */
  seed?: number;
  /** An activation fused after the normalisation (the layer list's next layer, folded in by build.ts). */
  activation?: NormActivation;
  /** LeakyReLU's slope. */
  alpha?: number;
}

type LayerVariable = ReturnType<tfl.layers.Layer['addWeight']>;

/**
 * Training-mode statistics from elsewhere than this process's batch (data-parallel --sync-bn: every rank's
 * batch): the normalised x (before the activation), the mean and biased variance per channel, and the number
 * of positions they were computed over.
 */
export type BatchNormStatistics = (x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number) =>
  { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D; count: number };

export class DcganBatchNorm extends tfl.layers.Layer {
  static className = 'DcganBatchNorm';
  /** Writable only for standingStatistics(), which averages batch statistics with it. */
  momentum: number;
  readonly epsilon: number;
  readonly activation: NormActivation;
  readonly alpha: number;
  private readonly seed: number | undefined;
  private gamma!: LayerVariable;
  private beta!: LayerVariable;
  private movingMean!: LayerVariable;
  private movingVariance!: LayerVariable;
  /** When set, training mode normalises with these statistics instead of this batch's (see BatchNormStatistics). */
  statistics?: BatchNormStatistics;

  constructor(args: DcganBatchNormArgs = {}) {
    super(args);
    this.momentum = args.momentum ?? 0.9;
    this.epsilon = args.epsilon ?? 1e-5;
    this.seed = args.seed;
    this.activation = args.activation ?? 'linear';
    this.alpha = args.alpha ?? 0.2;
    this.supportsMasking = true;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const c = shape[shape.length - 1];
    if (c == null) throw new Error(`${this.name}: the channel (last) dimension must be known`);
    // gamma ~ N(1, 0.02), beta = 0 (pytorch/examples weights_init)
    this.gamma = this.addWeight('gamma', [c], 'float32', new DcganNormal({ mean: 1, stddev: 0.02, seed: this.seed ?? 0 }), undefined, true);
    this.beta = this.addWeight('beta', [c], 'float32', tfl.initializers.zeros(), undefined, true);
    this.movingMean = this.addWeight('moving_mean', [c], 'float32', tfl.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [c], 'float32', tfl.initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const gamma = this.gamma.read() as tf.Tensor1D, beta = this.beta.read() as tf.Tensor1D;
    if (!kwargs.training) {
      return tf.tidy(() => {
        const y = tf.batchNorm(x, this.movingMean.read() as tf.Tensor1D, this.movingVariance.read() as tf.Tensor1D, beta, gamma, this.epsilon);
        return this.activation === 'relu' ? tf.relu(y) : this.activation === 'leakyrelu' ? tf.leakyRelu(y, this.alpha) : y;
      });
    }
    let y: tf.Tensor, mean: tf.Tensor1D, variance: tf.Tensor1D, n = x.size / x.shape[x.shape.length - 1]!;
    if (this.statistics) {
      const r = this.statistics(x, gamma, beta, this.epsilon);
      ({ mean, variance } = r);
      n = r.count;
      y = this.activation === 'relu' ? tf.relu(r.y) : this.activation === 'leakyrelu' ? tf.leakyRelu(r.y, this.alpha) : r.y;
    } else {
      ({ y, mean, variance } = batchNormTrain(x, gamma, beta, this.epsilon, this.activation, this.alpha));
    }
    tf.tidy(() => {
      // Moving statistics use the unbiased batch variance (as PyTorch and TF's fused batch norm).
      const unbiased = tf.mul(variance, n / Math.max(1, n - 1));
      const m = this.momentum;
      this.movingMean.write(tf.add(tf.mul(this.movingMean.read(), m), tf.mul(mean, 1 - m)));
      this.movingVariance.write(tf.add(tf.mul(this.movingVariance.read(), m), tf.mul(unbiased, 1 - m)));
    });
    tf.dispose([mean, variance]);
    return y;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon, activation: this.activation, alpha: this.alpha };
  }
}

tf.serialization.registerClass(DcganBatchNorm);

/**
 * Sets the running statistics of every DcganBatchNorm of `model` to the mean of its batch statistics over
 * `inputs`, run in training mode ("standing statistics", Brock et al. 2019, BigGAN, section 4.1 and appendix
 * C): what a model with averaged (EMA) weights needs, since the running statistics it holds were gathered by
 * other weights. The k-th batch (from 0) enters with momentum k / (k + 1): a cumulative mean.
 */
export function standingStatistics(model: tfl.LayersModel, inputs: tf.Tensor[]): void {
  const norms = model.layers.filter((l): l is DcganBatchNorm => l instanceof DcganBatchNorm);
  if (norms.length === 0 || inputs.length === 0) return;
  const momenta = norms.map((l) => l.momentum);
  try {
    inputs.forEach((x, k) => {
      for (const l of norms) l.momentum = k / (k + 1);
      tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    });
  } finally {
    norms.forEach((l, i) => { l.momentum = momenta[i]!; });
  }
}
