// The inputs of a class-conditional DCGAN (Mirza & Osindero 2014, as carpedm20/DCGAN-tensorflow): the class
// one-hot appended to z for G, and one constant plane per class appended to the image for D.
import * as tf from '@tensorflow/tfjs-core';

/** z with the one-hot class appended (conditional G input); z itself when unconditional. */
export function generatorInput(z: tf.Tensor2D, labels: tf.Tensor1D | undefined, classes: number): tf.Tensor2D {
  if (!labels || classes === 0) return z;
  return tf.concat([z, tf.cast(tf.oneHot(labels, classes), 'float32')], 1) as tf.Tensor2D;
}

/** Images with one constant channel per class appended (conditional D input); x itself when unconditional. */
export function discriminatorInput(x: tf.Tensor4D, labels: tf.Tensor1D | undefined, classes: number): tf.Tensor4D {
  if (!labels || classes === 0) return x;
  const [n, h, w] = x.shape;
  const planes = tf.tile(tf.reshape(tf.cast(tf.oneHot(labels, classes), 'float32'), [n, 1, 1, classes]), [1, h, w, 1]);
  return tf.concat([x, planes], 3) as tf.Tensor4D;
}
