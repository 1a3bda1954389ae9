// The R1 gradient penalty on real images (Mescheder, Geiger & Nowozin 2018), applied lazily (Karras et al. 2020).
import * as tf from '@tensorflow/tfjs-core';
import type { ArchSpec } from '../model/spec.js';

export interface R1Settings {
  /** The penalty's weight gamma: D's loss gains gamma / 2 * E[||grad_x D(x)||^2] over real x. */
  gamma: number;
  /** Lazy regularisation: the penalty is added every `every` steps, weighted by `every` (16 in StyleGAN2). */
  every: number;
}

/**
 * gamma / 2 * mean over the batch of ||grad_x D(x)||^2 (Mescheder et al. 2018, eq. 9), with `d` mapping a batch
 * of real images to D's outputs (logits, one per image). A function of D's weights that TF.js differentiates
 * again (double backprop): call it inside the function whose gradient D's update takes.
 */
export function r1Penalty(d: (x: tf.Tensor4D) => tf.Tensor, real: tf.Tensor4D, gamma: number): tf.Scalar {
  return tf.tidy(() => {
    // The sum over the batch: its gradient is each image's own gradient (cross terms only through BatchNorm).
    const g = tf.grad((x: tf.Tensor) => tf.sum(d(x as tf.Tensor4D)))(real);
    return tf.mul(gamma / 2, tf.mean(tf.sum(tf.square(g), [1, 2, 3]))) as tf.Scalar;
  });
}

/** Whether step `step` (counted from 1) adds the lazy penalty: every `every`-th step, weight `every`. */
export function r1Due(step: number, s: R1Settings | undefined): boolean {
  return s !== undefined && s.gamma > 0 && step % s.every === 0;
}

/**
 * Why R1 cannot train this architecture, or undefined. It needs D's output as a logit, and the gradient of
 * every layer's gradient (double backprop): TF.js's MaxPoolGrad and ResizeNearestNeighborGrad kernels have
 * none, so a D with max pooling or upsampling cannot take the penalty.
 */
export function r1Unsupported(arch: ArchSpec): string | undefined {
  if (arch.dOutput !== 'logits') return `--r1 needs a discriminator that ends with a linear layer, and ${arch.name}'s ends with a sigmoid; use a preset whose D outputs logits (dcgan28, dcgan64, tf-mnist64, paper-lsun, pytorch-celeba)`;
  const layer = arch.discriminator.find((l) => l.type === 'maxPool' || l.type === 'upSample');
  if (layer) return `--r1 needs second derivatives through every layer of D, and ${arch.name}'s D has a ${layer.type} layer, whose gradient TF.js cannot differentiate again; drop --r1 or use a D without ${layer.type} layers`;
  return undefined;
}
