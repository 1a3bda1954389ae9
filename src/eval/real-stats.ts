// The real-data side of every metric, computed once per dataset, split, image size and feature network and
// cached on disk: the features' mean and covariance over the whole split (FID), a seeded random subset of the
// feature vectors themselves (KID, precision/recall), and the classifier's class shares (coverage).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDirOf, specSlug, type ImageDataset } from '../data/index.js';
import { checksum } from '../util/checksum.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/files.js';
import type { FeatureNetwork } from './feature-network.js';
import { datasetFingerprint } from './fingerprint.js';
import { StatsAccumulator, type GaussianStats } from './statistics.js';
import { yieldToEventLoop } from './classifier.js';
import { epochOrder } from '../data/seeded-order.js';

/** Bumped when what is computed for the same inputs changes. */
/** 2: the .json records the checksum of the .bin (a cache damaged in place is computed again, never used). */
const STATS_VERSION = 2;

export interface RealReference {
  /** sha256 of everything the statistics depend on. */
  key: string;
  /** Dataset spec and split, image size, the feature network's id. */
  data: string;
  split: string;
  image: [number, number, number];
  network: string;
  /** Mean and covariance over all `stats.n` images. */
  stats: GaussianStats;
  /** A seeded random subset of the real feature vectors (subset x dim). */
  features: Float32Array;
  subset: number;
  /** Share of the images the network's classifier puts in each class (when it is a classifier). */
  classShares?: Float64Array;
  /** Whether the statistics were read from the cache. */
  cached: boolean;
  file?: string;
}

export interface RealReferenceOptions {
  /** Which split `ds` is (part of the key). */
  split: string;
  /** Feature vectors kept for KID and precision/recall (default 10,000; at most the dataset). */
  subset?: number;
  /** Use only this many images (a seeded random selection) for the statistics; default all. */
  limit?: number;
  cacheDir?: string;
  /** false: compute, and write no cache file. */
  cache?: boolean;
  onMessage?(line: string): void;
}

interface StatsFile {
  version: number;
  key: string;
  /** The checksum of the .bin (util/checksum.ts). */
  checksum: string;
  data: string;
  split: string;
  image: [number, number, number];
  network: string;
  n: number;
  dim: number;
  subset: number;
  classes: number;
  bytes: number;
  createdAt: string;
}

/** Everything that decides the statistics. */
function keyOf(ds: ImageDataset, net: FeatureNetwork, o: RealReferenceOptions, subset: number, count: number): string {
  return createHash('sha256').update(JSON.stringify({
    v: STATS_VERSION, data: datasetFingerprint(ds), split: o.split, image: [ds.height, ds.width, ds.channels], count, network: net.id, subset,
  })).digest('hex');
}

/** The real reference for a dataset and a feature network: from the cache, else computed (and cached). */
export async function realReference(ds: ImageDataset, net: FeatureNetwork, options: RealReferenceOptions): Promise<RealReference> {
  const count = Math.min(ds.count, options.limit ?? Infinity);
  const subset = Math.min(options.subset ?? 10_000, count);
  const key = keyOf(ds, net, options, subset, count);
  const dir = join(cacheDirOf({ cacheDir: options.cacheDir }), 'eval');
  const base = join(dir, `stats-${specSlug(ds.spec)}-${options.split}-${key.slice(0, 16)}`);
  const meta = { data: ds.spec, split: options.split, image: [ds.height, ds.width, ds.channels] as [number, number, number], network: net.id };
  if (options.cache !== false) {
    const hit = readCached(base, key);
    if (hit) return { ...meta, ...hit, key, cached: true, file: `${base}.json` };
  }
  options.onMessage?.(`computing real-data statistics of ${ds.spec} (${options.split}, ${count} images) with ${net.description}`);
  const { stats, features, classShares } = await compute(ds, net, count, subset);
  const ref: RealReference = { ...meta, key, stats, features, subset, classShares, cached: false };
  if (options.cache !== false) {
    try {
      writeCached(base, ref);
      ref.file = `${base}.json`;
    } catch (e) {
      options.onMessage?.(`warning: could not cache the statistics in ${dir} (${(e as Error).message})`);
    }
  }
  return ref;
}

async function compute(ds: ImageDataset, net: FeatureNetwork, count: number, subset: number): Promise<Pick<RealReference, 'stats' | 'features' | 'classShares'>> {
  const { height: h, width: w, channels: c } = ds;
  // A seeded random order: its first `subset` images are the kept feature vectors.
  const order = epochOrder(ds.count, 0x5eed5, 0).subarray(0, count);
  const acc = new StatsAccumulator(net.dim);
  const features = new Float32Array(subset * net.dim);
  const classes = net.classNames?.length ?? 0;
  const counts = new Float64Array(classes);
  const B = 500;
  const images = new Float32Array(B * h * w * c);
  for (let i = 0; i < count; i += B) {
    const m = Math.min(B, count - i);
    ds.fill(order.subarray(i, i + m), images);
    const out = net.extract(images, m, { height: h, width: w, channels: c });
    acc.add(out.features, m);
    if (i < subset) features.set(out.features.subarray(0, Math.min(m, subset - i) * net.dim), i * net.dim);
    if (out.probs) for (let k = 0; k < m; k++) counts[argMax(out.probs, k * classes, classes)]! += 1;
    await yieldToEventLoop();
  }
  return { stats: acc.stats(), features, classShares: classes ? counts.map((v) => v / count) : undefined };
}

export function argMax(v: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (v[offset + j]! > v[offset + best]!) best = j;
  return best;
}

/** The .bin holds mean (d f64), cov (d*d f64), class shares (K f64), then the feature subset (subset*d f32). */
function writeCached(base: string, ref: RealReference): void {
  const d = ref.stats.dim, classes = ref.classShares?.length ?? 0;
  const bytes = 8 * (d + d * d + classes) + 4 * ref.subset * d;
  const buf = new Uint8Array(bytes);
  let at = 0;
  const put = (a: Float64Array | Float32Array) => {
    buf.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  };
  put(ref.stats.mean);
  put(ref.stats.cov);
  if (ref.classShares) put(ref.classShares);
  put(ref.features);
  writeFileAtomic(`${base}.bin`, buf);
  const file: StatsFile = {
    version: STATS_VERSION, key: ref.key, data: ref.data, split: ref.split, image: ref.image, network: ref.network,
    n: ref.stats.n, dim: d, subset: ref.subset, classes, bytes, checksum: checksum(buf), createdAt: new Date().toISOString(),
  };
  writeJsonAtomic(`${base}.json`, file);
}

function readCached(base: string, key: string): Pick<RealReference, 'stats' | 'features' | 'subset' | 'classShares'> | null {
  const jsonPath = `${base}.json`, binPath = `${base}.bin`;
  if (!existsSync(jsonPath) || !existsSync(binPath)) return null;
  let f: StatsFile;
  try {
    f = JSON.parse(readFileSync(jsonPath, 'utf8')) as StatsFile;
  } catch {
    return null;
  }
  if (f.version !== STATS_VERSION || f.key !== key || statSync(binPath).size !== f.bytes) return null;
  const b = readFileSync(binPath);
  if (checksum(b) !== f.checksum) return null; // damaged in place: computed again
  const buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  const d = f.dim;
  let at = 0;
  const f64 = (n: number) => {
    const a = new Float64Array(buf, at, n);
    at += 8 * n;
    return a;
  };
  const mean = f64(d), cov = f64(d * d);
  const classShares = f.classes ? f64(f.classes) : undefined;
  const features = new Float32Array(buf, at, f.subset * d);
  return { stats: { n: f.n, dim: d, mean, cov }, features, subset: f.subset, classShares };
}
