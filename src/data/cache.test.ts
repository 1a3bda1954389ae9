// The dataset cache: written once and atomically, read back with identical pixels and labels, invalidated by any
// change of the source or transform, streamed from disk past the memory limit, rebuilt when damaged, and never
// in the way (an unwritable folder falls back to memory; cache: false writes nothing).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../util/errors.js';
import { Batches } from './batches.js';
import { loadDataset } from './load.js';
import type { ImageDataset } from './types.js';

let dir: string, photos: string;

async function png(file: string, rgb: [number, number, number], size = 8): Promise<void> {
  const px = Buffer.alloc(size * size * 3);
  for (let i = 0; i < size * size; i++) px.set([rgb[0], rgb[1], (rgb[2] + i) % 256], i * 3);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, await sharp(px, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer());
}

function cacheFiles(cacheDir: string): string[] {
  return existsSync(cacheDir) ? readdirSync(cacheDir).sort() : [];
}

function same(a: ImageDataset, b: ImageDataset): void {
  expect([b.count, b.height, b.width, b.channels]).toEqual([a.count, a.height, a.width, a.channels]);
  for (let i = 0; i < a.count; i++) expect(b.image(i)).toEqual(a.image(i));
  expect(b.labels).toEqual(a.labels);
  expect(b.classNames).toEqual(a.classNames);
  expect(b.skipped).toEqual(a.skipped);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dcgan-cache-'));
  photos = join(dir, 'photos');
  for (let i = 0; i < 10; i++) await png(join(photos, i < 5 ? 'x' : 'y', `p${i}.png`), [i * 20, 255 - i * 20, i]);
  writeFileSync(join(photos, 'y', 'bad.png'), 'not a png');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the dataset cache', () => {
  it('writes one file on first use, leaves no temp file, and reads the same dataset back', async () => {
    const cacheDir = join(dir, 'c1');
    const first = await loadDataset(photos, { cacheDir, labels: true });
    expect(first.storage).toMatchObject({ kind: 'memory', cacheHit: false });
    const files = cacheFiles(cacheDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^photos-[0-9a-f]{16}\.u8$/);
    expect(first.storage.cacheFile).toBe(join(cacheDir, files[0]!));
    const second = await loadDataset(photos, { cacheDir, labels: true });
    expect(second.storage).toMatchObject({ kind: 'memory', cacheHit: true, cacheFile: first.storage.cacheFile });
    same(first, second);
    expect(second.skipped.count).toBe(1);
    expect(cacheFiles(cacheDir)).toEqual(files);
  });

  it('keys the cache by the transform: another size, channels, background or labels is another file', async () => {
    const cacheDir = join(dir, 'c2');
    await loadDataset(photos, { cacheDir });
    await loadDataset(photos, { cacheDir, size: [4, 4] });
    await loadDataset(photos, { cacheDir, channels: 1 });
    await loadDataset(photos, { cacheDir, background: [0, 0, 0] });
    await loadDataset(photos, { cacheDir, labels: true });
    expect(cacheFiles(cacheDir)).toHaveLength(5);
    const again = await loadDataset(photos, { cacheDir, size: [4, 4] });
    expect(again.storage.cacheHit).toBe(true);
    expect(again.height).toBe(4);
  });

  it('decodes again when a source file changes, is added or is removed', async () => {
    const cacheDir = join(dir, 'c3');
    const src = join(dir, 'changing');
    for (let i = 0; i < 3; i++) await png(join(src, `q${i}.png`), [i * 50, 0, 0]);
    const a = await loadDataset(src, { cacheDir });
    await png(join(src, 'q1.png'), [0, 0, 250]);
    utimesSync(join(src, 'q1.png'), new Date(), new Date(Date.now() + 5000));
    const b = await loadDataset(src, { cacheDir });
    expect(b.storage.cacheHit).toBe(false);
    expect(b.image(1)[2]).toBe(250);
    expect(a.image(1)[2]).toBe(0);
    await png(join(src, 'q3.png'), [1, 2, 3]);
    const c = await loadDataset(src, { cacheDir });
    expect([c.storage.cacheHit, c.count]).toEqual([false, 4]);
    rmSync(join(src, 'q0.png'));
    const d = await loadDataset(src, { cacheDir });
    expect([d.storage.cacheHit, d.count]).toEqual([false, 3]);
  });

  it('streams from the cache file when the data is over the memory limit, with the same pixels and batches', async () => {
    const cacheDir = join(dir, 'c4');
    const inMemory = await loadDataset(photos, { cacheDir, labels: true });
    // Built over the limit: decoded straight into the file, then streamed.
    const built = await loadDataset(photos, { cacheDir: join(dir, 'c4b'), labels: true, memoryLimit: 100 });
    expect(built.storage).toMatchObject({ kind: 'stream', cacheHit: false });
    same(inMemory, built);
    built.close();
    const streamed = await loadDataset(photos, { cacheDir, labels: true, memoryLimit: 0 });
    expect(streamed.storage).toMatchObject({ kind: 'stream', cacheHit: true });
    same(inMemory, streamed);
    const order = [7, 0, 3, 3];
    expect(await streamed.read(order)).toEqual(await inMemory.read(order));
    const fa = new Float32Array(4 * 8 * 8 * 3), fb = new Float32Array(4 * 8 * 8 * 3);
    inMemory.fill(order, fa);
    streamed.fill(order, fb);
    expect(fb).toEqual(fa);
    const ba = new Batches(inMemory, { batchSize: 3, seed: 5, flip: true }), bb = new Batches(streamed, { batchSize: 3, seed: 5, flip: true });
    for (let k = 0; k < 4; k++) {
      const [x, y] = [await ba.next(), await bb.next()];
      expect(y.images).toEqual(x.images);
      expect(y.labels).toEqual(x.labels);
    }
    streamed.close();
    expect(() => streamed.image(0)).toThrow(/closed/);
  });

  it('rebuilds a damaged cache file instead of failing', async () => {
    const cacheDir = join(dir, 'c5');
    const a = await loadDataset(photos, { cacheDir });
    const file = a.storage.cacheFile!;
    truncateSync(file, statSync(file).size - 10);
    const b = await loadDataset(photos, { cacheDir });
    expect(b.storage.cacheHit).toBe(false);
    same(a, b);
    writeFileSync(file, 'garbage');
    const c = await loadDataset(photos, { cacheDir });
    expect(c.storage.cacheHit).toBe(false);
    same(a, c);
    expect((await loadDataset(photos, { cacheDir })).storage.cacheHit).toBe(true);
  });

  it('with strict, a cached dataset with skipped files is still an error', async () => {
    const cacheDir = join(dir, 'c6');
    await loadDataset(photos, { cacheDir });
    const e = await loadDataset(photos, { cacheDir, strict: true }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toMatch(/bad\.png: does not decode \(.+\); repair or remove it, or drop --strict/);
  });

  it('writes nothing with cache: false, and falls back to memory with a warning when the folder is not writable', async () => {
    const cacheDir = join(dir, 'c7');
    const a = await loadDataset(photos, { cacheDir, cache: false });
    expect(a.storage.cacheFile).toBeUndefined();
    expect(existsSync(cacheDir)).toBe(false);
    expect(await loadDataset(photos, { cacheDir, cache: false, memoryLimit: 10 }).catch((e: Error) => e.message)).toMatch(/more than the memory limit .* turn the cache on/);
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, 'a file where the cache folder should be');
    const b = await loadDataset(photos, { cacheDir: join(blocked, 'cache') });
    expect(b.storage.kind).toBe('memory');
    expect(b.storage.cacheFile).toBeUndefined();
    expect(b.storage.warning).toMatch(/cannot write the cache folder .*blocked/);
    same(a, b);
    expect(await loadDataset(photos, { cacheDir: join(blocked, 'cache'), memoryLimit: 10 }).catch((e: Error) => e.message)).toMatch(/cannot be written; make it writable or set DCGAN_CACHE_DIR/);
  });

  it('finds its folder from DCGAN_CACHE_DIR, then XDG_CACHE_HOME', async () => {
    const saved = { d: process.env.DCGAN_CACHE_DIR, x: process.env.XDG_CACHE_HOME };
    try {
      process.env.DCGAN_CACHE_DIR = join(dir, 'env-cache');
      process.env.XDG_CACHE_HOME = join(dir, 'xdg');
      expect((await loadDataset(photos)).storage.cacheFile).toContain(join(dir, 'env-cache'));
      delete process.env.DCGAN_CACHE_DIR;
      expect((await loadDataset(photos)).storage.cacheFile).toContain(join(dir, 'xdg', 'dcgan'));
    } finally {
      if (saved.d === undefined) delete process.env.DCGAN_CACHE_DIR;
      else process.env.DCGAN_CACHE_DIR = saved.d;
      if (saved.x === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved.x;
    }
  });
});
