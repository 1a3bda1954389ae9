// CIFAR-10 binary batches the tests write: R, G and B planes become NHWC pixels in that order (no BGR mix-up),
// labels and class names come through, train and test splits; and truncated or foreign files are UserErrors.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, encodeCifarBatch } from './cifar10.js';
import { loadDataset } from './load.js';
import { userError } from '../testing/user-error.js';

const PX = 32 * 32 * 3;
/** Image i: R = 10 + i, G = 100 + i, B = 200 + i, except pixel (0, 1) which is (i, 0, 255). */
function batch(n: number, first: number): { pixels: Uint8Array; labels: number[] } {
  const pixels = new Uint8Array(n * PX);
  for (let k = 0; k < n; k++) {
    const i = first + k;
    for (let p = 0; p < 1024; p++) pixels.set([10 + i, 100 + i, 200 + i], k * PX + 3 * p);
    pixels.set([i, 0, 255], k * PX + 3);
  }
  return { pixels, labels: Array.from({ length: n }, (_, k) => (first + k) % 10) };
}

let dir: string;
const cacheDir = () => join(dir, 'cache');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dcgan-cifar-'));
  const root = join(dir, 'cifar-10-batches-bin');
  mkdirSync(root);
  for (const [name, n, first] of [['data_batch_1.bin', 4, 0], ['data_batch_2.bin', 3, 4], ['test_batch.bin', 2, 50]] as const) {
    const b = batch(n, first);
    writeFileSync(join(root, name), encodeCifarBatch(b.pixels, b.labels));
  }
  writeFileSync(join(root, 'batches.meta.txt'), CIFAR10_CLASSES.map((c) => c.toUpperCase()).join('\n') + '\n\n');
  const b = batch(2, 0);
  const good = encodeCifarBatch(b.pixels, b.labels);
  writeFileSync(join(dir, 'truncated.bin'), good.subarray(0, good.length - 100));
  const wrong = good.slice();
  wrong[0] = 57;
  writeFileSync(join(dir, 'cifar100.bin'), wrong);
  writeFileSync(join(dir, 'cifar-10-binary.tar.gz'), Buffer.from([0x1f, 0x8b, 0]));
  mkdirSync(join(dir, 'empty'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cifar10:PATH', () => {
  it('reads the training batches in order as RGB NHWC, with labels and the meta file class names', async () => {
    const ds = await loadDataset(`cifar10:${dir}`, { cacheDir: cacheDir() });
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([7, 32, 32, 3]);
    for (let i = 0; i < 7; i++) {
      const px = ds.image(i);
      expect(Array.from(px.subarray(0, 3))).toEqual([10 + i, 100 + i, 200 + i]);
      expect(Array.from(px.subarray(3, 6))).toEqual([i, 0, 255]);
    }
    expect(Array.from(ds.labels!)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(ds.classNames).toEqual(CIFAR10_CLASSES.map((c) => c.toUpperCase()));
  });

  it('reads the test split, a batch folder given directly, and a single batch file', async () => {
    const test = await loadDataset(`cifar10:${dir}`, { cacheDir: cacheDir(), split: 'test' });
    expect(test.count).toBe(2);
    expect(Array.from(test.labels!)).toEqual([0, 1]);
    expect(test.image(1)[0]).toBe(61);
    const direct = await loadDataset(`cifar10:${join(dir, 'cifar-10-batches-bin')}`, { cacheDir: cacheDir() });
    expect(direct.count).toBe(7);
    const one = await loadDataset(`cifar10:${join(dir, 'cifar-10-batches-bin', 'data_batch_2.bin')}`, { cacheDir: cacheDir() });
    expect(one.count).toBe(3);
    expect(one.image(0)[0]).toBe(14);
  });

  it('converts to grayscale with BT.601 luma and resizes on request', async () => {
    const ds = await loadDataset(`cifar10:${dir}`, { cacheDir: cacheDir(), channels: 1, size: [16, 16] });
    expect([ds.height, ds.width, ds.channels]).toEqual([16, 16, 1]);
    expect(ds.image(0)[16 * 8 + 8]).toBe(Math.round(0.299 * 10 + 0.587 * 100 + 0.114 * 200));
  });

  it('names the file and the fix for a missing, truncated, foreign or packed dataset', async () => {
    expect(await userError(loadDataset(`cifar10:${join(dir, 'nowhere')}`))).toMatch(/nowhere: no such file or folder; give the folder of the CIFAR-10 binary batches \(download/);
    expect(await userError(loadDataset(`cifar10:${join(dir, 'empty')}`))).toMatch(/empty: no CIFAR-10 train batches \(data_batch_1\.bin \.\.\. data_batch_5\.bin\)/);
    expect(await userError(loadDataset(`cifar10:${join(dir, 'truncated.bin')}`, { cacheDir: cacheDir() }))).toMatch(/truncated\.bin: 6046 bytes is not a whole number of 3073-byte records .* truncated/);
    expect(await userError(loadDataset(`cifar10:${join(dir, 'cifar100.bin')}`, { cacheDir: cacheDir() }))).toMatch(/label 57 in record 0 .*CIFAR-100 is not supported/);
    expect(await userError(loadDataset(`cifar10:${join(dir, 'cifar-10-binary.tar.gz')}`))).toMatch(/is an archive; extract it first \(tar xzf cifar-10-binary\.tar\.gz\)/);
  });
});
