// Feature networks: what turns images into the vectors the metrics compare. Either the project's own
// classifier for a dataset family (mnist, fashion-mnist, cifar10; trained once and cached, see
// classifier-cache.ts) or any TF.js layers model a user supplies (e.g. a converted InceptionV3).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UserError } from '../util/errors.js';
import { FEATURE_LAYER } from './classifier.js';
import { loadLayersModelFile, modelJsonPath, readModelArtifacts } from '../model/model-files.js';

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

export interface Extracted {
  /** n x dim, row-major. */
  features: Float32Array;
  /** n x classes softmax probabilities, when the network is a classifier. */
  probs?: Float32Array;
}

export interface FeatureNetwork {
  /** Identifies the network and its weights (and input mapping): part of every statistics cache key. */
  readonly id: string;
  /** One line for reports: what the network is. */
  readonly description: string;
  readonly dim: number;
  /** The input the network takes; other image sizes are resized (bilinear) and channels converted. */
  readonly input: { height: number | null; width: number | null; channels: number };
  /** Class names, when the network is a classifier (class coverage). */
  readonly classNames?: string[];
  /** The classifier's accuracy on its dataset's test split. */
  readonly testAccuracy?: number;
  /** Features (and class probabilities) of n images, NHWC in [-1, 1], in batches. */
  extract(images: Float32Array, n: number, shape: ImageShape, batch?: number): Extracted;
  dispose(): void;
}

/** ITU-R BT.601 luma, as sharp's and PIL's RGB-to-grayscale. */
const LUMA = [0.299, 0.587, 0.114];

/** Brings images to the network's input: channels (luma or repeated gray), size (bilinear, half-pixel centres), range. */
export function adaptImages(x: tf.Tensor4D, input: FeatureNetwork['input'], range: [number, number] = [-1, 1]): tf.Tensor4D {
  return tf.tidy(() => {
    let y = x;
    const c = y.shape[3];
    if (c !== input.channels) {
      if (c === 3 && input.channels === 1) y = tf.sum(tf.mul(y, tf.tensor1d(LUMA)), 3, true) as tf.Tensor4D;
      else if (c === 1 && input.channels === 3) y = tf.tile(y, [1, 1, 1, 3]);
      else throw new UserError(`the feature network takes ${input.channels}-channel images, and these have ${c}`);
    }
    const h = input.height ?? y.shape[1], w = input.width ?? y.shape[2];
    if (h !== y.shape[1] || w !== y.shape[2]) y = tf.image.resizeBilinear(y, [h, w], false, true);
    if (range[0] !== -1 || range[1] !== 1) y = tf.add(tf.mul(y, (range[1] - range[0]) / 2), (range[1] + range[0]) / 2);
    return y;
  });
}

/** A feature network over a tfjs-layers model whose outputs are [features] or [features, logits]. */
class LayersFeatureNetwork implements FeatureNetwork {
  readonly dim: number;
  readonly input: FeatureNetwork['input'];

  constructor(
    readonly id: string,
    readonly description: string,
    private readonly model: tfl.LayersModel,
    private readonly range: [number, number],
    readonly classNames?: string[],
    readonly testAccuracy?: number,
    private readonly owned: tfl.LayersModel[] = [],
  ) {
    const inShape = model.inputs[0]!.shape;
    const outShape = model.outputs[0]!.shape;
    if (inShape.length !== 4) throw new UserError(`${description}: the feature network must take images [batch, height, width, channels]; its input is [${inShape.join(', ')}]`);
    this.input = { height: inShape[1] ?? null, width: inShape[2] ?? null, channels: inShape[3] ?? 3 };
    const dims = outShape.slice(1);
    if (dims.some((d) => d === null)) throw new UserError(`${description}: the feature output [${outShape.join(', ')}] has no fixed size; give the network a fixed input size or pick a pooled layer (--features-layer)`);
    this.dim = (dims as number[]).reduce((a, b) => a * b, 1);
  }

  extract(images: Float32Array, n: number, shape: ImageShape, batch = 250): Extracted {
    const { height: h, width: w, channels: c } = shape;
    const size = h * w * c;
    if (images.length < n * size) throw new Error(`extract: ${images.length} values are fewer than ${n} images of ${h}x${w}x${c}`);
    const features = new Float32Array(n * this.dim);
    const classes = this.classNames?.length ?? 0;
    const probs = classes ? new Float32Array(n * classes) : undefined;
    for (let i = 0; i < n; i += batch) {
      const m = Math.min(batch, n - i);
      const outs = tf.tidy(() => {
        const x = adaptImages(tf.tensor4d(images.subarray(i * size, (i + m) * size), [m, h, w, c]), this.input, this.range);
        const out = this.model.predict(x);
        const list = Array.isArray(out) ? out : [out];
        const f = tf.reshape(list[0]!, [m, this.dim]);
        return probs ? [f, tf.softmax(list[1]! as tf.Tensor2D)] : [f];
      });
      features.set(outs[0]!.dataSync() as Float32Array, i * this.dim); // device-to-host: this batch's features
      if (probs) probs.set(outs[1]!.dataSync() as Float32Array, i * classes);
      tf.dispose(outs);
    }
    return { features, probs };
  }

  dispose(): void {
    for (const m of this.owned) m.dispose();
  }
}

/**
 * A feature network over one of the project's classifiers: features from its penultimate layer, class
 * probabilities from its logits. The network keeps (and disposes) the classifier.
 */
export function classifierNetwork(classifier: tfl.LayersModel, id: string, description: string, classNames: string[], testAccuracy: number): FeatureNetwork {
  const both = tfl.model({ inputs: classifier.inputs, outputs: [classifier.getLayer(FEATURE_LAYER).output as tfl.SymbolicTensor, classifier.outputs[0]!] });
  return new LayersFeatureNetwork(id, description, both, [-1, 1], classNames, testAccuracy, [classifier]);
}

export interface UserNetworkOptions {
  /** A layer whose output is the features; default the model's output. */
  layer?: string;
  /** The pixel range the model expects; images in [-1, 1] are mapped to it. Default [-1, 1] (Keras InceptionV3's). */
  range?: [number, number];
}

/** A user's TF.js layers model (model.json) as a feature network. */
export async function userNetwork(path: string, options: UserNetworkOptions = {}): Promise<FeatureNetwork> {
  const jsonPath = modelJsonPath(path);
  const artifacts = readModelArtifacts(jsonPath);
  const hash = createHash('sha256').update(readFileSync(jsonPath)).update(new Uint8Array(artifacts.weightData as ArrayBuffer));
  const range = options.range ?? [-1, 1];
  const id = `user-${hash.update(JSON.stringify({ layer: options.layer ?? null, range })).digest('hex').slice(0, 16)}`;
  const model = await loadLayersModelFile(jsonPath);
  let features: tfl.LayersModel = model;
  if (options.layer) {
    let layer: tfl.layers.Layer;
    try {
      layer = model.getLayer(options.layer);
    } catch {
      throw new UserError(`--features-layer ${options.layer}: ${jsonPath} has no such layer; its layers: ${model.layers.map((l) => l.name).slice(-12).join(', ')} ...`);
    }
    features = tfl.model({ inputs: model.inputs, outputs: layer.output as tfl.SymbolicTensor });
  }
  return new LayersFeatureNetwork(id, `${jsonPath}${options.layer ? ` (layer ${options.layer})` : ''}`, features, range, undefined, undefined, [model]);
}
