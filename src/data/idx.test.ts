// IDX data (idx:PATH and fashion-mnist) from files the tests write: gzipped and raw, with and without labels,
// resized and re-channelled; and every way an IDX file can be wrong, as a one-line UserError naming it.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from './idx.js';
import { loadDataset } from './load.js';
import type { LoadOptions } from './types.js';
import { userError } from '../testing/user-error.js';

const N = 12, H = 6, W = 5;
/** Image i is a horizontal ramp offset by i, so every image and pixel is distinguishable. */
const pixels = Uint8Array.from({ length: N * H * W }, (_, k) => (Math.floor(k / (H * W)) * 20 + (k % W) * 3 + Math.floor((k % (H * W)) / W)) % 256);
const labels = Uint8Array.from({ length: N }, (_, i) => i % 4);

let dir: string;
let cacheDir: string;
const opts = (o: LoadOptions = {}): LoadOptions => ({ cacheDir, ...o });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dcgan-idx-'));
  cacheDir = join(dir, 'cache');
  const images = encodeIdx(pixels, [N, H, W]);
  const lab = encodeIdx(labels, [N]);
  mkdirSync(join(dir, 'gz'));
  writeFileSync(join(dir, 'gz', 'train-images-idx3-ubyte.gz'), gzipSync(images));
  writeFileSync(join(dir, 'gz', 'train-labels-idx1-ubyte.gz'), gzipSync(lab));
  mkdirSync(join(dir, 'raw'));
  writeFileSync(join(dir, 'raw', 'train-images-idx3-ubyte'), images);
  writeFileSync(join(dir, 'raw', 'train-labels-idx1-ubyte'), lab);
  writeFileSync(join(dir, 'raw', 'my-labels.idx'), lab);
  mkdirSync(join(dir, 'nolabels'));
  writeFileSync(join(dir, 'nolabels', 'digits.idx'), images);
  writeFileSync(join(dir, 'rgb.idx'), encodeIdx(Uint8Array.from({ length: 2 * 4 * 4 * 3 }, (_, k) => k), [2, 4, 4, 3]));
  // Bad files.
  writeFileSync(join(dir, 'not-idx.bin'), Buffer.from('PK\x03\x04 a zip file, not IDX'));
  writeFileSync(join(dir, 'float.idx'), Buffer.from([0, 0, 0x0d, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]));
  writeFileSync(join(dir, 'truncated-images-idx3-ubyte'), images.subarray(0, images.length - 7));
  writeFileSync(join(dir, 'header-only.idx'), images.subarray(0, 9));
  writeFileSync(join(dir, 'truncated.gz'), gzipSync(images).subarray(0, 40));
  writeFileSync(join(dir, 'long.idx'), Buffer.concat([images, Buffer.alloc(3)]));
  writeFileSync(join(dir, 'few-labels.idx'), encodeIdx(labels.subarray(0, 5), [5]));
  // Fashion-MNIST layout, small.
  mkdirSync(join(dir, 'fashion'));
  writeFileSync(join(dir, 'fashion', 'train-images-idx3-ubyte.gz'), gzipSync(images));
  writeFileSync(join(dir, 'fashion', 'train-labels-idx1-ubyte.gz'), gzipSync(lab));
  writeFileSync(join(dir, 'fashion', 't10k-images-idx3-ubyte'), encodeIdx(pixels.subarray(0, 3 * H * W), [3, H, W]));
  writeFileSync(join(dir, 'fashion', 't10k-labels-idx1-ubyte'), encodeIdx(Uint8Array.of(9, 8, 7), [3]));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('idx:PATH', () => {
  it('reads gzipped images with the labels file beside them', async () => {
    const ds = await loadDataset(`idx:${join(dir, 'gz', 'train-images-idx3-ubyte.gz')}`, opts());
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([N, H, W, 1]);
    expect(Array.from(ds.image(7))).toEqual(Array.from(pixels.subarray(7 * H * W, 8 * H * W)));
    expect(Array.from(ds.labels!)).toEqual(Array.from(labels));
    expect(ds.classNames).toEqual(['0', '1', '2', '3']);
    expect(ds.skipped).toEqual({ count: 0, examples: [] });
  });

  it('reads raw images the same as gzipped ones, labels given explicitly after a comma', async () => {
    const a = await loadDataset(`idx:${join(dir, 'raw', 'train-images-idx3-ubyte')},${join(dir, 'raw', 'my-labels.idx')}`, opts());
    const b = await loadDataset(`idx:${join(dir, 'gz', 'train-images-idx3-ubyte.gz')}`, opts());
    for (let i = 0; i < N; i++) expect(a.image(i)).toEqual(b.image(i));
    expect(a.labels).toEqual(b.labels);
  });

  it('reads images without labels, and NHWC images with 3 channels', async () => {
    const ds = await loadDataset(`idx:${join(dir, 'nolabels', 'digits.idx')}`, opts());
    expect(ds.labels).toBeUndefined();
    expect(ds.classNames).toBeUndefined();
    const rgb = await loadDataset(`idx:${join(dir, 'rgb.idx')}`, opts());
    expect([rgb.count, rgb.height, rgb.width, rgb.channels]).toEqual([2, 4, 4, 3]);
    expect(rgb.image(1)[0]).toBe(48);
  });

  it('resizes (shorter side, then centre crop) and converts channels', async () => {
    const ds = await loadDataset(`idx:${join(dir, 'raw', 'train-images-idx3-ubyte')}`, opts({ size: [12, 8], channels: 3 }));
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([N, 12, 8, 3]);
    const px = ds.image(3);
    for (let p = 0; p < 12 * 8; p++) expect(px[3 * p]).toBe(px[3 * p + 2]); // gray copied into R, G, B
    // The ramp brightens to the right in the source; it still does after resizing.
    expect(px[3 * (6 * 8 + 7)]!).toBeGreaterThan(px[3 * (6 * 8 + 0)]!);
  });

  it('fills batches scaled to [-1, 1]', async () => {
    const ds = await loadDataset(`idx:${join(dir, 'raw', 'train-images-idx3-ubyte')}`, opts());
    const out = new Float32Array(2 * H * W);
    ds.fill([4, 0], out);
    expect(out[0]).toBeCloseTo(pixels[4 * H * W]! / 127.5 - 1, 6);
    expect(out[H * W + 1]).toBeCloseTo(pixels[1]! / 127.5 - 1, 6);
  });

  it('names the file and the fix for every bad input', async () => {
    const spec = (f: string) => `idx:${join(dir, f)}`;
    expect(await userError(loadDataset(spec('missing.gz'), opts()))).toMatch(/missing\.gz: no such file/);
    expect(await userError(loadDataset(spec('gz'), opts()))).toMatch(/gz is a folder; give the IDX file itself/);
    expect(await userError(loadDataset(spec('not-idx.bin'), opts()))).toMatch(/not-idx\.bin: not an IDX file \(magic number 0x504b0304, expected 0x00000803/);
    expect(await userError(loadDataset(spec('float.idx'), opts()))).toMatch(/float\.idx: IDX data type 0x0d \(float32\); only unsigned-byte/);
    expect(await userError(loadDataset(spec('truncated-images-idx3-ubyte'), opts()))).toMatch(/truncated: the header promises 12 images of 6x5 \(360 bytes of data\) but the file holds 353; download it again/);
    expect(await userError(loadDataset(spec('header-only.idx'), opts()))).toMatch(/truncated inside the IDX header/);
    expect(await userError(loadDataset(spec('truncated.gz'), opts()))).toMatch(/truncated\.gz: the gzip data is truncated or damaged/);
    expect(await userError(loadDataset(spec('long.idx'), opts()))).toMatch(/3 bytes more than/);
    expect(await userError(loadDataset(`idx:${join(dir, 'gz', 'train-labels-idx1-ubyte.gz')}`, opts()))).toMatch(/is an IDX labels file .* give the images file/);
    expect(await userError(loadDataset(`${spec('raw/train-images-idx3-ubyte')},${join(dir, 'few-labels.idx')}`, opts()))).toMatch(/few-labels\.idx: 5 labels for the 12 images/);
    expect(await userError(loadDataset(`${spec('raw/train-images-idx3-ubyte')},${join(dir, 'raw', 'train-images-idx3-ubyte')}`, opts()))).toMatch(/not an IDX labels file \(magic number 0x00000803, expected 0x00000801\)/);
    expect(await userError(loadDataset(`${spec('raw/train-images-idx3-ubyte')},/nowhere/labels`, opts()))).toMatch(/no such labels file/);
    expect(await userError(loadDataset(spec('nolabels/digits.idx'), opts({ labels: true })))).toMatch(/no labels file beside it.*idx:IMAGES,LABELS or drop --labels/);
    expect(await userError(loadDataset(spec('raw/train-images-idx3-ubyte'), opts({ split: 'test' })))).toMatch(/has no test split/);
  });
});

describe('fashion-mnist', () => {
  it('reads the train and test splits from a data folder, with its class names', async () => {
    const train = await loadDataset('fashion-mnist', opts({ dataDir: join(dir, 'fashion') }));
    expect([train.count, train.height, train.width, train.channels]).toEqual([N, H, W, 1]);
    expect(train.classNames).toHaveLength(10);
    expect(train.classNames![9]).toBe('Ankle boot');
    const test = await loadDataset('fashion-mnist', opts({ dataDir: join(dir, 'fashion'), split: 'test' }));
    expect(test.count).toBe(3);
    expect(Array.from(test.labels!)).toEqual([9, 8, 7]);
    expect(test.image(2)).toEqual(train.image(2));
  });

  it('says how to get the files when they are missing', async () => {
    expect(await userError(loadDataset('fashion-mnist', opts({ dataDir: join(dir, 'nowhere') })))).toMatch(/fashion-mnist: no train-images-idx3-ubyte\(\.gz\) in .*nowhere; install it \(apt-get install dataset-fashion-mnist\) or pass --data-dir/);
    expect(await userError(loadDataset('fashion-mnist', opts({ dataDir: join(dir, 'gz'), split: 'test' })))).toMatch(/no t10k-images-idx3-ubyte/);
  });

  it.skipIf(!existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'))('reads the installed 60,000 training images', async () => {
    const ds = await loadDataset('fashion-mnist', opts());
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([60000, 28, 28, 1]);
    const perClass = new Array(10).fill(0);
    for (const l of ds.labels!) perClass[l]++;
    expect(perClass).toEqual(new Array(10).fill(6000));
  });
});
