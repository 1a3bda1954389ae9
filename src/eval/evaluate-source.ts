// `dcgan eval` as a library call: generated images from a run, a checkpoint, an exported generator or a folder
// of images, measured against the real data (FID, KID, precision/recall, class coverage) and checked for
// memorization; the report is what eval.json holds.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, type ImageDataset } from '../data/index.js';
import { UserError } from '../util/errors.js';
import { writeJsonAtomic } from '../util/files.js';
import type { BnMode } from '../sample/generate.js';
import { sample } from '../sample/explore.js';
import { writePng, type RawImage } from '../sample/grid.js';
import { openGenerator } from '../sample/source.js';
import { readCheckpointMeta } from '../run/checkpoint.js';
import { CHECKPOINT_FILES, GENERATOR_FILES, RunLayout } from '../run/layout.js';
import { RunFolder } from '../run/run-folder.js';
import { openEvalContext, type EvalDataOptions } from './eval-context.js';
import { evaluateImages, type MetricDetails } from './evaluate.js';
import { memorizationCheck, type Memorization } from './memorization.js';

export interface EvalSourceOptions {
  /** The real data; default the run's (required for exported generators and folders of images). */
  data?: string;
  dataDir?: string;
  /** Folders of images: the size to bring them (and the real data) to; default the real data's own. */
  size?: [number, number];
  /** A TF.js layers model as the feature network, its feature layer and input range. */
  features?: string;
  featuresLayer?: string;
  featuresRange?: [number, number];
  /** Generated images (default 10,000; a folder: at most this many of its images). */
  n?: number;
  /** Which weights of a run: checkpoint 'latest' | 'best' | STEP, and 'ema' | 'raw'. */
  checkpoint?: string;
  weights?: 'ema' | 'raw';
  bn?: BnMode;
  seed?: number;
  batch?: number;
  /** The real split the statistics come from (default 'train'). */
  split?: 'train' | 'test';
  realSubset?: number;
  kidSubsets?: number;
  kidSubsetSize?: number;
  /** The memorization check (default on), over how many generated and held-out images. */
  memorization?: boolean;
  memorizationSamples?: number;
  cacheDir?: string;
  onMessage?(line: string): void;
  /** Damaged files passed over (default: onMessage). */
  onWarning?(line: string): void;
}

export interface EvalReport extends MetricDetails {
  source: string;
  /** Training step of the generator, when known. */
  step?: number;
  data: string;
  split: string;
  image: [number, number, number];
  featureNetwork: { id: string; description: string; dim: number; testAccuracy?: number };
  generation?: { seed: number; bn: BnMode };
  memorization?: Memorization;
  realStatsCached: boolean;
  seconds: number;
  createdAt: string;
}

type Source =
  | { kind: 'generator'; path: string; data?: string; dataDir?: string; size?: [number, number]; channels?: 1 | 3 }
  | { kind: 'images'; path: string };

/** What `path` is: a run / checkpoint / exported generator (with the data it was trained on) or a folder of images. */
function classify(path: string): Source {
  if (!existsSync(path)) throw new UserError(`${path} does not exist: give a run folder, a checkpoint folder, a generator's model.json or a folder of images`);
  if (!statSync(path).isDirectory()) {
    if (path.endsWith('.json')) return { kind: 'generator', path };
    throw new UserError(`${path} is a file; give a run folder, a checkpoint folder, a generator's model.json or a folder of images`);
  }
  if (new RunFolder(path).exists()) {
    const { config: c, info } = new RunFolder(path).readConfig();
    return { kind: 'generator', path, data: c.data, dataDir: c.dataDir, size: c.imageSize, channels: (info.resolvedArch?.image.channels ?? c.channels) as 1 | 3 | undefined };
  }
  if (existsSync(join(path, CHECKPOINT_FILES.record))) {
    const m = readCheckpointMeta(path);
    return { kind: 'generator', path, data: m.config.data, dataDir: m.config.dataDir, size: m.config.imageSize, channels: m.arch.image.channels as 1 | 3 };
  }
  if (existsSync(join(path, GENERATOR_FILES.model)) || existsSync(new RunLayout(path).generatorModelPath)) return { kind: 'generator', path };
  return { kind: 'images', path };
}

/** Generated images as NHWC floats in [-1, 1]. */
interface Generated {
  images: Float32Array;
  n: number;
  shape: [number, number, number];
  requested?: Int32Array;
  step?: number;
}

/** Evaluates a source; returns the report and the memorization sheet (nearest training images). */
export async function evaluateSource(path: string, o: EvalSourceOptions = {}): Promise<{ report: EvalReport; sheet?: RawImage }> {
  const t0 = performance.now();
  const say = o.onMessage ?? (() => {});
  const src = classify(path);
  const n = o.n ?? 10_000;
  const seed = o.seed ?? 0, bn = o.bn ?? 'running';
  let gen: Generated;
  let data: string | undefined;
  let dataDir = o.dataDir;
  let size: [number, number] | undefined, channels: 1 | 3 | undefined;
  let folder: ImageDataset | undefined;
  if (src.kind === 'generator') {
    const g = await openGenerator(src.path, { checkpoint: o.checkpoint, weights: o.weights });
    for (const w of g.warnings) (o.onWarning ?? say)(`warning: ${w}`);
    try {
      data = o.data ?? src.data;
      dataDir ??= src.dataDir;
      const { height: h, width: w, channels: c } = g.meta.image;
      size = [h, w];
      channels = c as 1 | 3;
      if (!data) throw new UserError(`${path} does not say what data it was trained on; pass --data SPEC (e.g. --data fashion-mnist)`);
      say(`generating ${n} images from ${g.source} (seed ${seed}, BatchNorm ${bn})`);
      const r = sample(g, { n, seed, bn, batch: o.batch ?? 500 });
      gen = { images: r.images, n, shape: [h, w, c], requested: r.labels, step: g.meta.step };
    } finally {
      g.model.dispose();
    }
  } else {
    data = o.data;
    if (!data) throw new UserError(`${path} is a folder of images; pass --data SPEC, the real data to compare it with (e.g. --data fashion-mnist)`);
    // The real data's own size unless --image-size, and the folder brought to it.
    const probe = await loadDataset(data, { dataDir, size: o.size, split: o.split ?? 'train', cacheDir: o.cacheDir });
    size = [probe.height, probe.width];
    channels = probe.channels;
    probe.close();
    folder = await loadDataset(path, { size, channels, cacheDir: o.cacheDir });
    const m = Math.min(n, folder.count);
    const images = new Float32Array(m * size[0] * size[1] * channels);
    folder.fill(Int32Array.from({ length: m }, (_, i) => i), images);
    gen = { images, n: m, shape: [size[0], size[1], channels] };
    folder.close();
    say(`${m} images from ${path}${folder.skipped.count ? ` (${folder.skipped.count} files did not decode and were skipped)` : ''}`);
  }

  const evalData: EvalDataOptions = {
    data, dataDir, size, channels, split: o.split ?? 'train', features: o.features, featuresLayer: o.featuresLayer,
    featuresRange: o.featuresRange, realSubset: o.realSubset, cacheDir: o.cacheDir, onMessage: say,
  };
  const ctx = await openEvalContext(evalData);
  try {
    const { net, ref } = ctx;
    say(`features: ${net.description}`);
    const details = evaluateImages(gen.images, gen.n, { height: gen.shape[0], width: gen.shape[1], channels: gen.shape[2] }, net, ref, {
      kidSubsets: o.kidSubsets, kidSubsetSize: o.kidSubsetSize, requested: gen.requested,
    });
    let memorization: Memorization | undefined, sheet: RawImage | undefined;
    if (o.memorization !== false) {
      say('memorization check: nearest training images in pixel space');
      const load = { size, channels, dataDir, cacheDir: o.cacheDir };
      const train = ctx.ref.split === 'train' ? ctx.real : await loadDataset(data, { ...load, split: 'train' });
      let heldOut: ImageDataset | null = null;
      try {
        heldOut = ctx.ref.split === 'test' ? ctx.real : await loadDataset(data, { ...load, split: 'test' });
      } catch {
        say(`  ${data} has no test split: no held-out baseline`);
      }
      try {
        const m = o.memorizationSamples ?? 1000;
        const r = memorizationCheck(gen.images, gen.n, train, heldOut, { generated: m, heldOut: m });
        memorization = r.report;
        sheet = r.sheet;
      } finally {
        if (train !== ctx.real) train.close();
        if (heldOut && heldOut !== ctx.real) heldOut.close();
      }
    }
    const report: EvalReport = {
      source: path, step: gen.step, data, split: ref.split, image: gen.shape,
      featureNetwork: { id: net.id, description: net.description, dim: net.dim, testAccuracy: net.testAccuracy },
      generation: src.kind === 'generator' ? { seed, bn } : undefined,
      ...details, memorization, realStatsCached: ref.cached,
      seconds: (performance.now() - t0) / 1000, createdAt: new Date().toISOString(),
    };
    return { report, sheet };
  } finally {
    ctx.dispose();
  }
}

/** Writes the report as JSON and the sheet as PNG (each atomically); returns what was written. */
export async function writeEvalOutputs(report: EvalReport, sheet: RawImage | undefined, jsonPath: string, pngPath: string): Promise<string[]> {
  writeJsonAtomic(jsonPath, report);
  if (!sheet) return [jsonPath];
  await writePng(pngPath, sheet);
  return [jsonPath, pngPath];
}
