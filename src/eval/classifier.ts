// The feature classifier: a small CNN the project trains itself on a labelled dataset's train split, with a
// fixed seed (initialisers and batch order), and measures on the test split. Its penultimate layer gives
// the features FID, KID and precision/recall compare; its softmax gives class coverage.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ImageDataset } from '../data/index.js';
import { epochOrder } from '../data/seeded-order.js';
import { minimize } from '../train/gradients.js';
import { Adam, type GanOptimizer } from '../train/optimizers.js';

/** Everything that decides a trained classifier besides the data; part of its cache key. */
export interface ClassifierRecipe {
  /** Bumped when the architecture or the training loop changes. */
  version: number;
  /** Filters of the two conv blocks (3x3 conv, ReLU, 2x2 max-pool each). */
  filters: [number, number];
  /** Units of the penultimate (feature) layer. */
  features: number;
  epochs: number;
  batchSize: number;
  /** Adam's learning rate (beta1 0.9, beta2 0.999). */
  lr: number;
  /** Seed of the initialisers and of the batch order. */
  seed: number;
}

export const DEFAULT_RECIPE: ClassifierRecipe = { version: 1, filters: [32, 64], features: 128, epochs: 4, batchSize: 64, lr: 1e-3, seed: 20240601 };

/** The name of the feature layer inside a classifier (its penultimate layer, after ReLU). */
export const FEATURE_LAYER = 'features';

/** conv3x3(f1)-ReLU-pool, conv3x3(f2)-ReLU-pool, dense(features)-ReLU, dense(classes) logits. */
export function buildClassifier(inputShape: [number, number, number], classes: number, recipe: ClassifierRecipe = DEFAULT_RECIPE): tfl.Sequential {
  let s = recipe.seed;
  const init = () => tfl.initializers.glorotUniform({ seed: s++ });
  const [f1, f2] = recipe.filters;
  return tfl.sequential({
    name: 'classifier',
    layers: [
      tfl.layers.conv2d({ inputShape, filters: f1, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(), name: 'conv1' }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tfl.layers.conv2d({ filters: f2, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(), name: 'conv2' }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ units: recipe.features, activation: 'relu', kernelInitializer: init(), name: FEATURE_LAYER }),
      tfl.layers.dense({ units: classes, kernelInitializer: init(), name: 'logits' }),
    ],
  });
}

/** Mean softmax cross-entropy of logits [n, classes] against int32 labels [n]. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const onehot = tf.cast(tf.oneHot(labels, logits.shape[1]), 'float32');
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  });
}

/** One optimizer step on a batch; returns the loss (one device-to-host read). */
export function classifierStep(model: tfl.LayersModel, optimizer: GanOptimizer, x: tf.Tensor4D, labels: tf.Tensor1D): number {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = minimize(optimizer, () => crossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, labels), vars);
  const value = loss.dataSync()[0]!;
  loss.dispose();
  return value;
}

export interface TrainProgress {
  epoch: number;
  epochs: number;
  /** Images seen in this epoch, and how many it has. */
  seen: number;
  total: number;
  /** Mean loss over the epoch so far. */
  loss: number;
}

export interface ClassifierTraining {
  /** Stop after this many images per epoch (tests); default all. */
  limit?: number;
  onProgress?(p: TrainProgress): void;
}

/** Lets timers and signals run between batches of a long computation. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Trains `model` on the labelled dataset for recipe.epochs; batches in a seeded order. Resolves to the mean loss
 * of the last epoch (it yields to the event loop every few batches).
 */
export async function trainClassifier(model: tfl.LayersModel, train: ImageDataset, recipe: ClassifierRecipe, options: ClassifierTraining = {}): Promise<number> {
  if (!train.labels) throw new Error(`${train.spec}: the classifier needs labelled data`);
  const { height: h, width: w, channels: c } = train;
  const count = Math.min(train.count, options.limit ?? Infinity);
  const B = recipe.batchSize;
  const optimizer = new Adam(recipe.lr, 0.9, 0.999);
  const images = new Float32Array(B * h * w * c);
  const labels = new Int32Array(B);
  let last = NaN;
  try {
    for (let epoch = 0; epoch < recipe.epochs; epoch++) {
      const order = epochOrder(train.count, recipe.seed, epoch);
      let sum = 0, steps = 0;
      for (let i = 0; i + B <= count; i += B) {
        const idx = order.subarray(i, i + B);
        train.fill(idx, images);
        for (let k = 0; k < B; k++) labels[k] = train.labels[idx[k]!]!;
        const x = tf.tensor4d(images, [B, h, w, c]), y = tf.tensor1d(labels, 'int32');
        try {
          sum += classifierStep(model, optimizer, x, y);
        } finally {
          tf.dispose([x, y]);
        }
        steps++;
        if (steps % 10 === 0) await yieldToEventLoop();
        if (steps % 50 === 0 || i + 2 * B > count) options.onProgress?.({ epoch: epoch + 1, epochs: recipe.epochs, seen: i + B, total: count, loss: sum / steps });
      }
      last = sum / Math.max(1, steps);
    }
  } finally {
    optimizer.dispose();
  }
  return last;
}

/** Class predictions (argmax of the logits) for every image of a dataset, in batches. */
export function predictClasses(model: tfl.LayersModel, ds: ImageDataset, batch = 500): Int32Array {
  const { height: h, width: w, channels: c } = ds;
  const out = new Int32Array(ds.count);
  const buf = new Float32Array(batch * h * w * c);
  for (let i = 0; i < ds.count; i += batch) {
    const m = Math.min(batch, ds.count - i);
    ds.fill(Int32Array.from({ length: m }, (_, k) => i + k), buf);
    const pred = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(buf.subarray(0, m * h * w * c), [m, h, w, c])) as tf.Tensor2D, 1));
    out.set(pred.dataSync() as Int32Array, i); // device-to-host: this batch's predictions
    pred.dispose();
  }
  return out;
}

/** Share of a labelled dataset the model classifies correctly. */
export function testAccuracy(model: tfl.LayersModel, ds: ImageDataset): number {
  if (!ds.labels) throw new Error(`${ds.spec}: accuracy needs labelled data`);
  const pred = predictClasses(model, ds);
  let right = 0;
  for (let i = 0; i < ds.count; i++) if (pred[i] === ds.labels[i]) right++;
  return right / ds.count;
}
