// The feature classifier of a dataset family (mnist, fashion-mnist, cifar10), trained once on the family's
// train split at its own resolution and cached in <cache dir>/eval/ with its test accuracy beside it
// (classifier.json), keyed by the recipe and the train and test splits' content (fingerprint.ts).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cacheDirOf, loadDataset, parseSpec, type ImageDataset } from '../data/index.js';
import { defaultThreads } from '../engine/index.js';
import { datasetFingerprint } from './fingerprint.js';
import { buildClassifier, DEFAULT_RECIPE, testAccuracy, trainClassifier, type ClassifierRecipe } from './classifier.js';
import { classifierNetwork, type FeatureNetwork } from './feature-network.js';
import { loadLayersModelFile, saveLayersModel } from '../model/model-files.js';
import { isUserError, oneLine } from '../util/errors.js';

export type ClassifierFamily = 'mnist' | 'fashion-mnist' | 'cifar10';

/** What classifier.json records beside a cached classifier. */
export interface ClassifierInfo {
  family: ClassifierFamily;
  /** The dataset spec it was trained on, and its content fingerprint (fingerprint.ts). */
  data: string;
  dataIdentity: string;
  recipe: ClassifierRecipe;
  classNames: string[];
  input: [number, number, number];
  trainImages: number;
  testImages: number;
  /** Share of the test split classified correctly. */
  testAccuracy: number;
  lastEpochLoss: number;
  trainSeconds: number;
  engine: { backend: string; threads: number };
  createdAt: string;
}

export interface ClassifierOptions {
  /** Where fashion-mnist's IDX files are. */
  dataDir?: string;
  /** The cache folder (default: the data module's: $DCGAN_CACHE_DIR, ...). */
  cacheDir?: string;
  recipe?: ClassifierRecipe;
  /** Progress lines while training. */
  onMessage?(line: string): void;
}

/** The family of a dataset spec that has a built-in classifier, else null. */
export function classifierFamily(spec: string): ClassifierFamily | null {
  const kind = parseSpec(spec).kind;
  return kind === 'mnist' || kind === 'fashion-mnist' || kind === 'cifar10' ? kind : null;
}

function identity(ds: ImageDataset): string {
  return datasetFingerprint(ds);
}

/** The folder a classifier for these datasets and recipe is cached in. */
function cacheFolder(family: ClassifierFamily, train: ImageDataset, test: ImageDataset, recipe: ClassifierRecipe, cacheDir?: string): string {
  const key = createHash('sha256').update(JSON.stringify({ family, recipe, train: identity(train), test: identity(test) })).digest('hex');
  return join(cacheDirOf({ cacheDir }), 'eval', `classifier-${family}-${key.slice(0, 16)}`);
}

/** The cached classifier of a dataset family, trained (deterministically, a few minutes) if there is none yet. */
export async function loadOrTrainClassifier(spec: string, options: ClassifierOptions = {}): Promise<{ model: tfl.LayersModel; info: ClassifierInfo; dir: string; trained: boolean }> {
  const family = classifierFamily(spec);
  if (!family) throw new Error(`${spec}: no built-in classifier (mnist, fashion-mnist and cifar10 have one)`);
  const recipe = options.recipe ?? DEFAULT_RECIPE;
  const load = { labels: true, dataDir: options.dataDir, cacheDir: options.cacheDir };
  const train = await loadDataset(spec, { ...load, split: 'train' });
  const test = await loadDataset(spec, { ...load, split: 'test' });
  try {
    const dir = cacheFolder(family, train, test, recipe, options.cacheDir);
    const infoPath = join(dir, 'classifier.json');
    const say = options.onMessage ?? (() => {});
    if (existsSync(infoPath)) {
      // A cache damaged on disk (a checksum that does not match, a garbled file) is trained again, never used.
      try {
        const info = JSON.parse(readFileSync(infoPath, 'utf8')) as ClassifierInfo;
        return { model: await loadLayersModelFile(join(dir, 'model.json')), info, dir, trained: false };
      } catch (e) {
        if (!(e instanceof SyntaxError) && !isUserError(e)) throw e;
        say(`the cached ${family} classifier in ${dir} is damaged (${oneLine(e.message)}); training it again`);
      }
    }
    const threads = tf.getBackend() === 'aten' ? defaultThreads() : 1;
    say(`training the ${family} feature classifier (once; cached in ${dir}): ${recipe.epochs} epochs over ${train.count} images on ${tf.getBackend()}`);
    const input: [number, number, number] = [train.height, train.width, train.channels];
    const model = buildClassifier(input, train.classNames!.length, recipe);
    const t0 = performance.now();
    let lastQuarter = -1;
    const loss = await trainClassifier(model, train, recipe, {
      onProgress: (p) => {
        const quarter = Math.floor((4 * p.seen) / p.total) + 4 * p.epoch;
        if (quarter === lastQuarter) return;
        lastQuarter = quarter;
        say(`  epoch ${p.epoch}/${p.epochs}  ${p.seen}/${p.total} images  loss ${p.loss.toFixed(4)}  ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const accuracy = testAccuracy(model, test);
    const info: ClassifierInfo = {
      family, data: spec, dataIdentity: identity(train), recipe, classNames: train.classNames!, input,
      trainImages: train.count, testImages: test.count, testAccuracy: accuracy, lastEpochLoss: loss, trainSeconds: seconds,
      engine: { backend: tf.getBackend(), threads }, createdAt: new Date().toISOString(),
    };
    await saveLayersModel(model, dir, { dcganClassifier: info }, { extra: { 'classifier.json': `${JSON.stringify(info, null, 2)}\n` } });
    say(`  ${family} classifier: test accuracy ${(100 * accuracy).toFixed(2)} % on ${test.count} images, trained in ${seconds.toFixed(0)} s`);
    return { model, info, dir, trained: true };
  } finally {
    train.close();
    test.close();
  }
}

/** The built-in feature network for a dataset spec (its family's classifier), or null when the family has none. */
export async function datasetFeatureNetwork(spec: string, options: ClassifierOptions = {}): Promise<FeatureNetwork | null> {
  if (!classifierFamily(spec)) return null;
  const { model, info, dir } = await loadOrTrainClassifier(spec, options);
  const id = `classifier-${basename(dir).replace(/^classifier-/, '')}`;
  const description = `${info.family} classifier (penultimate layer, ${info.recipe.features} features; test accuracy ${(100 * info.testAccuracy).toFixed(2)} %)`;
  return classifierNetwork(model, id, description, info.classNames, info.testAccuracy);
}
