// The discriminator linear probe, the paper's protocol on our data (Radford et al. 2015, section 5.1: D's conv
// features max-pooled to 4 x 4 per layer, a regularised linear classifier on few labels): a balanced labelled
// subset of the train split, accuracy on the whole test split, for the trained D, for the same D at its
// initialisation (random weights, same architecture and seed) and for raw pixels.
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadDataset, type ImageDataset } from '../data/index.js';
import { epochOrder } from '../data/seeded-order.js';
import { UserError } from '../util/errors.js';
import { buildDiscriminator } from '../model/build.js';
import { modelsFromCheckpoint } from '../sample/source.js';
import { readCheckpointMeta, resolveCheckpoint } from '../run/checkpoint.js';
import { DiscriminatorFeatures } from './discriminator-features.js';
import { predictLinear, trainLinearProbe, type LinearProbeOptions } from './linear-probe.js';

export interface ProbeOptions {
  /** 'latest' (default), 'best' or a step number. */
  checkpoint?: string;
  /** Labelled train images, balanced over the classes (default 1,000). */
  labels?: number;
  /** Seed of the labelled subset and of the cross-validation folds. */
  seed?: number;
  /** Repeat with this many different labelled subsets (seed, seed + 1, ...) and report mean and spread (default 1). */
  repeats?: number;
  /** Score at most this many test images (default all). */
  testLimit?: number;
  linear?: LinearProbeOptions;
  cacheDir?: string;
  onMessage?(line: string): void;
}

export interface ProbeResult {
  features: 'trained D' | 'random D' | 'pixels';
  dim: number;
  /** Test accuracy (mean over repeats), its standard deviation and every repeat's. */
  accuracy: number;
  std: number;
  accuracies: number[];
  /** The L2 strength cross-validation chose (first repeat) and its cross-validated accuracy. */
  lambda: number;
  cvAccuracy: number;
}

export interface ProbeReport {
  run: string;
  checkpoint: string;
  step: number;
  data: string;
  image: [number, number, number];
  classes: string[];
  labels: number;
  perClass: number;
  testImages: number;
  repeats: number;
  results: ProbeResult[];
  seconds: number;
  createdAt: string;
}

/** `perClass` indices of every class, in a seeded order over the dataset. */
export function balancedSubset(labels: Int32Array, classes: number, perClass: number, seed: number): Int32Array {
  const order = epochOrder(labels.length, seed, 0);
  const taken = new Int32Array(classes);
  const out: number[] = [];
  for (const i of order) {
    const c = labels[i]!;
    if (taken[c]! < perClass) {
      taken[c] = taken[c]! + 1;
      out.push(i);
    }
  }
  const short = Array.from(taken).findIndex((t) => t < perClass);
  if (short >= 0) throw new UserError(`class ${short} has only ${taken[short]} labelled train images, fewer than the ${perClass} per class asked for; lower --labels`);
  return Int32Array.from(out);
}

type Extractor = { name: ProbeResult['features']; dim: number; extract(images: Float32Array, n: number): Float32Array };

function featuresOf(ex: Extractor, ds: ImageDataset, idx: ArrayLike<number>): Float32Array {
  const { height: h, width: w, channels: c } = ds;
  const B = 500;
  const out = new Float32Array(idx.length * ex.dim);
  const buf = new Float32Array(B * h * w * c);
  for (let i = 0; i < idx.length; i += B) {
    const m = Math.min(B, idx.length - i);
    ds.fill(Array.prototype.slice.call(idx, i, i + m) as number[], buf);
    out.set(ex.extract(buf, m), i * ex.dim);
  }
  return out;
}

/** Runs the probe on a run's checkpoint. */
export async function probeRun(path: string, options: ProbeOptions = {}): Promise<ProbeReport> {
  const t0 = performance.now();
  const say = options.onMessage ?? (() => {});
  const ckpt = resolveCheckpoint(path, options.checkpoint ?? 'latest');
  const meta = readCheckpointMeta(ckpt);
  if (meta.classes > 0) throw new UserError(`${path}: the probe needs an unconditional discriminator, and this run is class-conditional (its D sees the labels)`);
  const cfg = meta.config;
  const [h, w] = cfg.imageSize;
  const load = { size: cfg.imageSize, channels: meta.arch.image.channels as 1 | 3, dataDir: cfg.dataDir, labels: true, cacheDir: options.cacheDir };
  const train = await loadDataset(cfg.data, { ...load, split: 'train' });
  let test: ImageDataset | undefined;
  const models: tfl.LayersModel[] = [];
  try {
    if (!train.labels || !train.classNames) throw new UserError(`${cfg.data} has no labels; the probe needs labelled data (mnist, fashion-mnist, cifar10:PATH, or a folder with class sub-folders and --labels)`);
    try {
      test = await loadDataset(cfg.data, { ...load, split: 'test' });
    } catch (e) {
      throw new UserError(`${cfg.data}: the probe scores on the test split, which this data does not have (${(e as Error).message})`);
    }
    const K = train.classNames.length;
    const labels = options.labels ?? 1000;
    const perClass = Math.floor(labels / K);
    if (perClass < 2) throw new UserError(`--labels ${labels} is fewer than 2 per class for ${K} classes`);
    const repeats = options.repeats ?? 1;
    const seed = options.seed ?? 0;

    const trained = modelsFromCheckpoint(ckpt, 'D').model;
    models.push(trained);
    // The same architecture with the weights this run's D started from (DCGAN init, the run's seed).
    const random = buildDiscriminator(meta.arch, { seed: cfg.seed });
    models.push(random);
    const shape: [number, number, number] = [h, w, train.channels];
    const extractors: Extractor[] = [
      ...([['trained D', trained], ['random D', random]] as const).map(([name, D]) => {
        const f = new DiscriminatorFeatures(D);
        return { name, dim: f.dim, extract: (x: Float32Array, n: number) => f.extract(x, n, shape) };
      }),
      { name: 'pixels', dim: h * w * train.channels, extract: (x: Float32Array, n: number) => x.slice(0, n * h * w * train.channels) },
    ];
    const testN = Math.min(test.count, options.testLimit ?? Infinity);
    const testIdx = Int32Array.from({ length: testN }, (_, i) => i);
    const testY = test.labels!.subarray(0, testN);
    const results: ProbeResult[] = [];
    const subsets = Array.from({ length: repeats }, (_, r) => balancedSubset(train.labels!, K, perClass, seed + r));
    for (const ex of extractors) {
      say(`probe: ${ex.name} features (${ex.dim} per image)`);
      const testX = featuresOf(ex, test, testIdx);
      const accuracies: number[] = [];
      let lambda = NaN, cvAccuracy = NaN;
      for (const [r, idx] of subsets.entries()) {
        const x = featuresOf(ex, train, idx);
        const y = Int32Array.from(idx, (i) => train.labels![i]!);
        const model = trainLinearProbe(x, y, ex.dim, K, { seed: seed + r, ...options.linear });
        const pred = predictLinear(model, testX, testN);
        let right = 0;
        for (let i = 0; i < testN; i++) if (pred[i] === testY[i]) right++;
        accuracies.push(right / testN);
        if (r === 0) {
          lambda = model.lambda;
          cvAccuracy = model.cv[String(model.lambda)]!;
        }
        say(`  ${ex.name}, labelled subset ${r + 1}/${repeats}: test accuracy ${(100 * right / testN).toFixed(2)} % (lambda ${model.lambda})`);
      }
      const mean = accuracies.reduce((s, v) => s + v, 0) / repeats;
      const std = Math.sqrt(accuracies.reduce((s, v) => s + (v - mean) ** 2, 0) / repeats);
      results.push({ features: ex.name, dim: ex.dim, accuracy: mean, std, accuracies, lambda, cvAccuracy });
    }
    return {
      run: path, checkpoint: ckpt, step: meta.step, data: cfg.data, image: shape, classes: train.classNames,
      labels: perClass * K, perClass, testImages: testN, repeats, results,
      seconds: (performance.now() - t0) / 1000, createdAt: new Date().toISOString(),
    };
  } finally {
    for (const m of models) m.dispose();
    train.close();
    test?.close();
  }
}
