// The discriminator's binary cross-entropy, on logits or on probabilities, averaged over the batch.
import * as tf from '@tensorflow/tfjs-core';

/** mean(max(x, 0) - x * y + log(1 + exp(-|x|))): BCE on logits, stable for large |x| (as BCEWithLogitsLoss). */
export function bceWithLogits(logits: tf.Tensor, target: tf.Tensor | number): tf.Scalar {
  return tf.tidy(() => {
    const y = typeof target === 'number' ? tf.scalar(target) : target;
    const term = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, y)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(term) as tf.Scalar;
  });
}

/** BCE on probabilities, clipped to [1e-7, 1 - 1e-7] as Keras's binary_crossentropy. */
export function bceOnProbabilities(p: tf.Tensor, target: tf.Tensor | number): tf.Scalar {
  return tf.tidy(() => {
    const y = typeof target === 'number' ? tf.scalar(target) : target;
    const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
    return tf.neg(tf.mean(tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q)))))) as tf.Scalar;
  });
}

/** The loss for D's output kind. */
export function ganLoss(kind: 'logits' | 'probability'): (out: tf.Tensor, target: tf.Tensor | number) => tf.Scalar {
  return kind === 'logits' ? bceWithLogits : bceOnProbabilities;
}

/** D's output as a probability (for the D(x) and D(G(z)) figures). */
export function toProbability(out: tf.Tensor, kind: 'logits' | 'probability'): tf.Tensor {
  return kind === 'logits' ? tf.sigmoid(out) : out;
}
