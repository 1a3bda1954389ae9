// loadDataset: a spec and options in, an ImageDataset out. Each kind of source is planned (its files found and
// stamped, so the cache key is known without decoding), then read from the cache or built once into it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import { CacheWriter, openCacheFile } from './cache-file.js';
import { cacheFilePath, cacheKey, stampFiles } from './cache-key.js';
import { cifarBatchFiles, cifarClassNames, readCifarBatches } from './cifar10.js';
import type { DatasetMeta } from './dataset-base.js';
import { decodeFolder, type Decoded } from './decode-folder.js';
import { getSharp, strictMessage } from './decode-image.js';
import { EMOJI_SIDE, emojiFolder, emojiLabels } from './emoji.js';
import { FAKE_DEFAULT_COUNT, FakeDataset, fakeShape } from './fake.js';
import { FASHION_MNIST_CLASSES, fashionMnistFiles } from './fashion-mnist.js';
import { folderLabels, scanFolder } from './folder-scan.js';
import { findLabelsFile, readIdx, type ArrayImages } from './idx.js';
import { MemoryDataset } from './memory-dataset.js';
import { mnistPackageFiles, readBuiltinMnist } from './mnist-builtin.js';
import { cacheDirOf, checkLoadOptions, DEFAULT_BACKGROUND, FASHION_MNIST_DIR, memoryLimitOf } from './options.js';
import { parseSpec, specSlug, type ParsedSpec } from './spec.js';
import { transformArray } from './transform-array.js';
import type { ImageDataset, LoadOptions } from './types.js';

type Shape = { height: number; width: number; channels: 1 | 3 };
type WriterFor = (shape: Shape, maxCount: number) => CacheWriter;

/** A source located but not yet read: what identifies it, and how to decode it. */
interface Plan {
  slug: string;
  /** Everything besides the options that decides the pixels: kind, files with size and mtime, decoder version. */
  identity: Record<string, unknown>;
  build(writerFor: WriterFor): Promise<Decoded>;
}

interface Context {
  spec: string;
  options: LoadOptions;
  split: 'train' | 'test';
  background: [number, number, number];
}

/**
 * Loads a dataset: mnist, fashion-mnist, emoji, cifar10:PATH, idx:PATH[,LABELS], fake[:HxW[xC]] or a folder of
 * images. Decoded data is cached (see LoadOptions.cacheDir); a later call with the same source and options reads
 * the cache file, in one go when it fits in the memory limit and streamed from disk when it does not.
 */
export async function loadDataset(spec: string, options: LoadOptions = {}): Promise<ImageDataset> {
  const t0 = performance.now();
  checkLoadOptions(options);
  const parsed = parseSpec(spec);
  if (parsed.kind === 'fake') {
    if (options.split === 'test') throw new UserError(`${spec}: fake data has no test split; drop the split`);
    const [h, w, c] = fakeShape(parsed.shape, options.size, options.channels);
    const ds = new FakeDataset(spec, options.count ?? FAKE_DEFAULT_COUNT, h, w, c, options.seed ?? 0);
    ds.storage.loadMs = performance.now() - t0;
    return ds;
  }
  const ctx: Context = { spec, options, split: options.split ?? 'train', background: options.background ?? DEFAULT_BACKGROUND };
  const plan = await planFor(parsed, ctx);
  const limit = memoryLimitOf(options);
  const key = cacheKey({ ...plan.identity, size: options.size ?? null, channels: options.channels ?? null, background: ctx.background, split: ctx.split });
  const cacheDir = cacheDirOf(options);
  let file = options.cache === false ? null : cacheFilePath(cacheDir, plan.slug, key);

  if (file) {
    const hit = openCacheFile(file, key, spec, limit);
    if (hit) {
      if (options.strict && hit.skipped.count > 0) {
        hit.close();
        throw strictError(hit.skipped.examples[0] ?? spec);
      }
      hit.storage.loadMs = performance.now() - t0;
      return hit;
    }
  }

  let warning: string | undefined;
  let writer: CacheWriter | null = null;
  const writerFor: WriterFor = (shape, maxCount) => {
    const bytes = maxCount * shape.height * shape.width * shape.channels;
    const inMemory = bytes <= limit;
    writer = new CacheWriter(file, shape.height * shape.width * shape.channels, maxCount, inMemory || !file);
    if (file && !writer.tryOpen()) {
      warning = `cannot write the cache folder ${cacheDir}; decoded without a cache (set DCGAN_CACHE_DIR to a writable folder)`;
      file = null;
      if (!inMemory) throw tooBig(spec, bytes, limit, `the cache folder ${cacheDir} cannot be written; make it writable or set DCGAN_CACHE_DIR`);
    }
    if (!file && !inMemory) throw tooBig(spec, bytes, limit, 'turn the cache on so the data can be streamed from disk');
    return writer;
  };

  let built: Decoded;
  try {
    built = await plan.build(writerFor);
  } catch (e) {
    (writer as CacheWriter | null)?.abort();
    throw ioError(e, cacheDir);
  }
  let written: string | null;
  try {
    written = built.writer.finish(key, built.meta, built.labels);
  } catch (e) {
    if (!built.writer.pixels()) throw ioError(e, cacheDir);
    warning = `cannot write the cache file in ${cacheDir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); decoded without a cache`;
    written = null;
  }
  const pixels = built.writer.pixels();
  let ds: ImageDataset | null;
  if (pixels) {
    ds = new MemoryDataset(built.meta, pixels, built.labels, { kind: 'memory', cacheFile: written ?? undefined, cacheHit: false });
  } else {
    ds = openCacheFile(written!, key, spec, 0);
    if (!ds) throw new Error(`${written}: the cache file just written does not read back`);
    ds.storage.cacheHit = false;
  }
  if (warning) ds.storage.warning = warning;
  ds.storage.loadMs = performance.now() - t0;
  return ds;
}

function strictError(example: string): UserError {
  const at = example.indexOf(': ');
  return new UserError(strictMessage(example.slice(0, at), example.slice(at + 2)));
}

function tooBig(spec: string, bytes: number, limit: number, fix: string): UserError {
  const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;
  return new UserError(`${spec}: ${mb(bytes)} of pixels is more than the memory limit of ${mb(limit)} and ${fix} (or raise DCGAN_DATA_MEMORY_MB)`);
}

/** File-system errors of the cache (disk full, read-only) as UserErrors; anything else unchanged. */
function ioError(e: unknown, cacheDir: string): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new UserError(`cannot write the dataset cache in ${cacheDir} (${code}); free disk space or set DCGAN_CACHE_DIR to another folder`);
  }
  return e;
}

function noSplit(ctx: Context, what: string): void {
  if (ctx.split === 'test') throw new UserError(`${ctx.spec}: ${what} has no test split; give the test data as its own dataset and drop --split test`);
}

function vipsVersion(): string {
  return (getSharp() as unknown as { versions: { vips: string } }).versions.vips;
}

/** Builds from images held in memory (IDX, CIFAR-10, built-in MNIST): resize and channels as asked. */
async function buildArrays(ctx: Context, src: ArrayImages, labels: Uint8Array | undefined, classNames: string[] | undefined, writerFor: WriterFor): Promise<Decoded> {
  const [height, width] = ctx.options.size ?? [src.height, src.width];
  const channels = ctx.options.channels ?? src.channels;
  const writer = writerFor({ height, width, channels }, src.count);
  await transformArray(src, { height, width, channels }, (px) => writer.append(px));
  const meta: DatasetMeta = { spec: ctx.spec, count: src.count, height, width, channels, skipped: { count: 0, examples: [] } };
  if (!labels) return { meta, writer };
  const names = classNames ?? Array.from({ length: labels.reduce((m, v) => Math.max(m, v), 0) + 1 }, (_, k) => String(k));
  return { meta: { ...meta, classNames: names }, labels: Int32Array.from(labels), writer };
}

async function planFor(p: Exclude<ParsedSpec, { kind: 'fake' }>, ctx: Context): Promise<Plan> {
  const o = ctx.options;
  const resizes = o.size ? { vips: vipsVersion() } : {};
  switch (p.kind) {
    case 'mnist': {
      const files = mnistPackageFiles();
      return {
        slug: `mnist-${ctx.split}`,
        identity: { kind: 'mnist', files: stampFiles(files), ...resizes },
        build: (w) => {
          const d = readBuiltinMnist(ctx.split);
          return buildArrays(ctx, d, d.labels, Array.from({ length: 10 }, (_, k) => String(k)), w);
        },
      };
    }
    case 'fashion-mnist': {
      const dir = resolve(o.dataDir ?? FASHION_MNIST_DIR);
      const f = fashionMnistFiles(dir, ctx.split);
      return {
        slug: `fashion-mnist-${ctx.split}`,
        identity: { kind: 'fashion-mnist', files: stampFiles([f.images, f.labels]), ...resizes },
        build: (w) => {
          const d = readIdx(f.images, f.labels);
          const bad = d.labels!.findIndex((v) => v >= FASHION_MNIST_CLASSES.length);
          if (bad >= 0) throw new UserError(`${f.labels}: label ${d.labels![bad]} at ${bad}; Fashion-MNIST has classes 0..9, the file is not Fashion-MNIST's`);
          return buildArrays(ctx, d, d.labels, [...FASHION_MNIST_CLASSES], w);
        },
      };
    }
    case 'idx': {
      noSplit(ctx, 'an IDX file');
      let images = resolve(p.path), labels: string | undefined;
      const comma = p.path.lastIndexOf(',');
      if (comma > 0 && !existsSync(images)) {
        images = resolve(p.path.slice(0, comma));
        labels = resolve(p.path.slice(comma + 1));
        if (!existsSync(labels)) throw new UserError(`${labels}: no such labels file; check the path after the comma in idx:IMAGES,LABELS`);
      }
      if (!existsSync(images)) throw new UserError(`${images}: no such file; idx:PATH takes an MNIST-format images file (e.g. train-images-idx3-ubyte.gz)`);
      labels ??= findLabelsFile(images);
      if (o.labels && !labels) throw new UserError(`${images}: no labels file beside it (looked for its -labels-idx1- twin); give it as idx:IMAGES,LABELS or drop --labels`);
      const files = labels ? [images, labels] : [images];
      return {
        slug: specSlug(images),
        identity: { kind: 'idx', files: stampFiles(files), ...resizes },
        build: (w) => {
          const d = readIdx(images, labels);
          return buildArrays(ctx, d, d.labels, undefined, w);
        },
      };
    }
    case 'cifar10': {
      const files = cifarBatchFiles(resolve(p.path), ctx.split);
      return {
        slug: `cifar10-${ctx.split}`,
        identity: { kind: 'cifar10', files: stampFiles(files), ...resizes },
        build: (w) => {
          const d = readCifarBatches(files);
          return buildArrays(ctx, d, d.labels, cifarClassNames(files[0]!), w);
        },
      };
    }
    case 'emoji':
    case 'folder': {
      const emoji = p.kind === 'emoji';
      noSplit(ctx, emoji ? 'emoji' : 'a folder');
      const root = p.kind === 'emoji' ? emojiFolder() : resolve(p.path);
      const scan = await scanFolder(root);
      const files = scan.files.map((f) => f[0]);
      const labels = o.labels ? (emoji ? emojiLabels(files) : folderLabels(root, files)) : undefined;
      return {
        slug: emoji ? 'emoji' : specSlug(root),
        identity: { kind: p.kind, root, files: scan.files, labels: !!o.labels, vips: vipsVersion() },
        build: (w) => decodeFolder({
          spec: ctx.spec, root, files, labels,
          // The emoji are all 64x64 RGBA: no need to probe them.
          size: o.size ?? (emoji ? [EMOJI_SIDE, EMOJI_SIDE] : undefined),
          channels: o.channels ?? (emoji ? 3 : undefined),
          background: ctx.background, strict: !!o.strict,
        }, w),
      };
    }
  }
}

