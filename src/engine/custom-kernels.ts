// Kernels this project adds to TF.js (implemented natively in kernels/ and in JS in cpu-kernels/), the ops
// that run them, and their gradients. They cut a DCGAN step's memory and time: TF.js composes training-mode
// batch norm and the Relu/LeakyRelu gradients from many full-size elementwise ops, all alive until the
// step's gradients are done; these are one kernel each.
import * as tf from '@tensorflow/tfjs-core';

/** Training-mode batch norm over every axis but the last, optionally followed by ReLU or LeakyReLU.
 * Inputs x, gamma, beta; attrs epsilon, activation, alpha. Outputs y, the batch mean and
 * 1 / sqrt(biased variance + epsilon), per channel. */
export const BatchNormTrain = 'DcganBatchNormTrain';
/** Its gradient. Inputs dy, x, gamma, mean, invStd, y; attrs as the forward kernel's. Outputs dx, dgamma, dbeta. */
export const BatchNormTrainGrad = 'DcganBatchNormTrainGrad';

/** The activation fused after a batch norm. */
export type NormActivation = 'linear' | 'relu' | 'leakyrelu';

export interface BatchNormTrainAttrs {
  epsilon: number;
  activation: NormActivation;
  /** LeakyReLU's slope for negative inputs. */
  alpha: number;
}

/** The native alpha argument for an activation: undefined for none, 0 for ReLU. */
export function activationAlpha(a: BatchNormTrainAttrs): number | undefined {
  return a.activation === 'linear' ? undefined : a.activation === 'relu' ? 0 : a.alpha;
}
/** dy where x > 0, attr alpha * dy elsewhere. Inputs dy, x. */
export const LeakyReluGrad = 'DcganLeakyReluGrad';
/** One Adam step for one variable. Inputs w, m, v, g; attrs lr, beta1, beta2, epsilon, step (from 1).
 * Outputs w', m', v'. */
export const AdamUpdate = 'DcganAdamUpdate';

/** Seeded normal random values. No inputs; attrs shape, mean, stddev, seed. The values differ between
 * backends (aten uses ATen's generator, cpu this project's), each reproducible by its seed. */
export const RandomNormal = 'DcganRandomNormal';

export interface RandomNormalAttrs {
  shape: number[];
  mean: number;
  stddev: number;
  seed: number;
}

/** A [shape] tensor of N(mean, stddev^2) values, made by the backend (no JavaScript array of its size). */
export function randomNormal(shape: number[], mean: number, stddev: number, seed: number): tf.Tensor {
  return tf.engine().runKernel(RandomNormal, {}, { shape, mean, stddev, seed } as never) as tf.Tensor;
}

export interface AdamAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  step: number;
}

/** The Adam update of one variable's value, first and second moments: [w', m', v']. */
export function adamUpdate(w: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, attrs: AdamAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(AdamUpdate, { w, m, v, g }, attrs as never) as [tf.Tensor, tf.Tensor, tf.Tensor];
}

export interface BatchNormTrainResult {
  y: tf.Tensor;
  mean: tf.Tensor1D;
  /** Biased batch variance (what the batch was normalised with). */
  variance: tf.Tensor1D;
}

/**
 * Batch-normalises x ([N, C] or [N, H, W, C]) with its own statistics: gamma * (x - mean) / sqrt(var + eps) + beta,
 * then applies `activation`. Differentiable in x, gamma and beta; the tape keeps x, y and two per-channel
 * vectors.
 */
export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number,
  activation: NormActivation = 'linear', alpha = 0.2): BatchNormTrainResult {
  const attrs: BatchNormTrainAttrs = { epsilon, activation, alpha };
  const [y, mean, invStd] = tf.engine().runKernel(BatchNormTrain, { x, gamma, beta }, attrs as never) as tf.Tensor[];
  const variance = tf.tidy(() => tf.sub(tf.div(1, tf.square(invStd!)), epsilon)) as tf.Tensor1D;
  invStd!.dispose();
  return { y: y!, mean: mean as tf.Tensor1D, variance };
}

/** Whether TF.js is recording ops to a tape now: true while a gradient runs inside tf.grad's function. */
function tapeIsOn(): boolean {
  const e = tf.engine() as unknown as { isTapeOn?: () => boolean };
  return typeof e.isTapeOn === 'function' && e.isTapeOn();
}

/**
 * BatchNormTrain's gradient from differentiable ops, for double backprop: with xhat = (x - mean) * invStd
 * and g = dy' * gamma (dy' = dy through the activation's mask, taken from y),
 * dx = invStd * (g - mean(g) - xhat * mean(g * xhat)), dgamma = sum(dy' * xhat), dbeta = sum(dy').
 * The statistics are recomputed from x, so that the second derivative sees their dependence on x.
 */
function composedBatchNormTrainGrad(dy: tf.Tensor, x: tf.Tensor, gamma: tf.Tensor1D, y: tf.Tensor, a: BatchNormTrainAttrs): tf.Tensor[] {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const alpha = activationAlpha(a);
  const dyAct = alpha === undefined ? dy : tf.engine().runKernel(LeakyReluGrad, { dy, x: y }, { alpha } as never) as tf.Tensor;
  const { mean, variance } = tf.moments(x, axes, true);
  const invStd = tf.rsqrt(tf.add(variance, a.epsilon));
  const xhat = tf.mul(tf.sub(x, mean), invStd);
  const g = tf.mul(dyAct, gamma);
  const dx = tf.mul(invStd, tf.sub(tf.sub(g, tf.mean(g, axes, true)), tf.mul(xhat, tf.mean(tf.mul(g, xhat), axes, true))));
  return [dx, tf.sum(tf.mul(dyAct, xhat), axes), tf.sum(dyAct, axes)];
}

/**
 * The gradient of Sum (or Mean): dy broadcast back over the reduced axes (divided by their size). TF.js's own
 * multiplies dy by tf.ones(x.shape), which builds a JavaScript array of x's size on every backward pass;
 * a broadcast (Tile of size-1 dimensions, a stride-0 view on aten) gives the same values for nothing.
 */
function reductionGrad(kernelName: 'Sum' | 'Mean', mean: boolean): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const [x] = saved as [tf.Tensor];
      const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
      const expandedShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
      const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
      return {
        x: () => {
          const spread = tf.broadcastTo(tf.reshape(dy as tf.Tensor, expandedShape), x.shape);
          return mean ? tf.div(spread, count) : spread;
        },
      };
    },
  };
}

/**
 * Registers the gradients of the custom kernels, replaces Relu's and LeakyRelu's with one kernel each and
 * Sum's and Mean's with ones that build no array of the input's size.
 * Registering again (after something re-registered TF.js's own gradients) restores them.
 */
export function registerCustomGradients(): void {
  tf.registerGradient({
    kernelName: BatchNormTrain,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [true, true, true],
    gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const dy = (Array.isArray(dys) ? dys[0] : dys)!;
      const [x, gamma, y, mean, invStd] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      // Double backprop (R1's gradient of a gradient) differentiates this gradient itself: then it is
      // composed of differentiable ops; otherwise one kernel.
      const [dx, dgamma, dbeta] = tapeIsOn()
        ? composedBatchNormTrainGrad(dy, x, gamma as tf.Tensor1D, y, attrs as unknown as BatchNormTrainAttrs)
        // One kernel gives all three; run it here, not inside the per-input closures, each of which TF.js
        // wraps in a tidy that would free the other two.
        : tf.engine().runKernel(BatchNormTrainGrad, { dy, x, gamma, mean, invStd, y }, attrs) as tf.Tensor[];
      return { x: () => dx!, gamma: () => dgamma!, beta: () => dbeta! };
    },
  });
  const leakyGrad = (alphaOf: (attrs: tf.NamedAttrMap) => number) => ({
    inputsToSave: ['x'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => ({
      x: () => tf.engine().runKernel(LeakyReluGrad, { dy: dy as tf.Tensor, x: saved[0]! }, { alpha: alphaOf(attrs) } as never) as tf.Tensor,
    }),
  });
  // The gradient of the Relu / LeakyRelu gradient, for double backprop: linear in dy with the same mask,
  // and zero in x (the mask is piecewise constant).
  tf.registerGradient({
    kernelName: LeakyReluGrad,
    inputsToSave: ['x'],
    gradFunc: (ddx: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => ({
      dy: () => tf.engine().runKernel(LeakyReluGrad, { dy: ddx as tf.Tensor, x: saved[0]! }, attrs) as tf.Tensor,
      x: () => tf.zerosLike(saved[0]!),
    }),
  });
  // Silence the "Overriding the gradient" warning TF.js prints for these deliberate replacements.
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    tf.registerGradient({ kernelName: 'Relu', ...leakyGrad(() => 0) });
    tf.registerGradient({ kernelName: 'LeakyRelu', ...leakyGrad((a) => (typeof a.alpha === 'number' ? a.alpha : 0.2)) });
    tf.registerGradient(reductionGrad('Sum', false));
    tf.registerGradient(reductionGrad('Mean', true));
  } finally {
    console.warn = warn;
  }
}
