// Folders of images the tests write with sharp: every format, nested folders, RGBA and grayscale, EXIF
// orientation, resize + centre crop (non-square too), labels from sub-folders; undecodable files skipped and
// named (or an error with strict); empty, missing, mixed-size folders as one-line UserErrors.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from './load.js';
import type { ImageDataset, LoadOptions } from './types.js';
import { userError } from '../testing/user-error.js';

type RGB = [number, number, number];

/** h x w raw pixels from a function of (y, x). */
function raw(h: number, w: number, c: number, f: (y: number, x: number) => number[]): Buffer {
  const b = Buffer.alloc(h * w * c);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) b.set(f(y, x), (y * w + x) * c);
  return b;
}

function solid(h: number, w: number, rgb: RGB): sharp.Sharp {
  return sharp(raw(h, w, 3, () => rgb), { raw: { width: w, height: h, channels: 3 } });
}

function write(file: string, data: Buffer | Uint8Array): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, data);
}

/** The pixel (y, x) of image i. */
function at(ds: ImageDataset, i: number, y: number, x: number): number[] {
  const o = (y * ds.width + x) * ds.channels;
  return Array.from(ds.image(i).subarray(o, o + ds.channels));
}

function near(actual: number[], expected: number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, k) => expect(Math.abs(v - expected[k]!), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance));
}

let dir: string;
let opts: (o?: LoadOptions) => LoadOptions;
/** The mixed folder: 7 images that decode, 2 that do not, a hidden file and a text file. */
let mixed: string;
const red: RGB = [255, 0, 0], green: RGB = [0, 200, 0], blue: RGB = [0, 0, 255];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dcgan-folder-'));
  opts = (o = {}) => ({ cacheDir: join(dir, 'cache'), ...o });
  mixed = join(dir, 'mixed');
  write(join(mixed, 'a', 'red.png'), await solid(16, 16, red).png().toBuffer());
  write(join(mixed, 'a', 'photo.jpg'), await solid(16, 16, green).jpeg({ quality: 95 }).toBuffer());
  write(join(mixed, 'a', 'deep', 'nested', 'blue.webp'), await solid(16, 16, blue).webp({ lossless: true }).toBuffer());
  // Two frames: yellow then cyan; only the first is read.
  const frames = raw(32, 16, 3, (y) => (y < 16 ? [255, 255, 0] : [0, 255, 255]));
  write(join(mixed, 'b', 'anim.gif'), await sharp(frames, { raw: { width: 16, height: 32, channels: 3, pageHeight: 16 } }).gif().toBuffer());
  write(join(mixed, 'b', 'scan.tiff'), await solid(16, 16, [10, 20, 30]).tiff().toBuffer());
  // RGBA: transparent left half, opaque red right half, one half-transparent red pixel at (0, 0).
  const rgba = raw(16, 16, 4, (y, x) => (y === 0 && x === 0 ? [255, 0, 0, 128] : x < 8 ? [0, 0, 0, 0] : [255, 0, 0, 255]));
  write(join(mixed, 'b', 'rgba.png'), await sharp(rgba, { raw: { width: 16, height: 16, channels: 4 } }).png().toBuffer());
  write(join(mixed, 'b', 'gray.png'), await sharp(raw(16, 16, 1, () => [77]), { raw: { width: 16, height: 16, channels: 1 } }).toColourspace('b-w').png().toBuffer());
  write(join(mixed, 'b', 'corrupt.png'), Buffer.from('this is not a PNG at all'));
  const jpg = await solid(16, 16, green).jpeg().toBuffer();
  write(join(mixed, 'b', 'truncated.jpg'), jpg.subarray(0, Math.floor(jpg.length / 2)));
  write(join(mixed, '.hidden.png'), Buffer.from('ignored'));
  write(join(mixed, 'notes.txt'), Buffer.from('not an image'));

  const grayImg = (v: number) => sharp(raw(8, 8, 1, () => [v]), { raw: { width: 8, height: 8, channels: 1 } }).toColourspace('b-w');
  write(join(dir, 'gray', 'x.png'), await grayImg(40).png().toBuffer());
  write(join(dir, 'gray', 'y.jpg'), await grayImg(200).jpeg({ quality: 100 }).toBuffer());
  const grayAlpha = raw(8, 8, 2, (_y, x) => (x < 4 ? [0, 0] : [60, 255]));
  write(join(dir, 'gray', 'z.png'), await sharp(grayAlpha, { raw: { width: 8, height: 8, channels: 2 } }).toColourspace('b-w').png().toBuffer());

  write(join(dir, 'classes', 'cat', 'c1.png'), await solid(8, 8, red).png().toBuffer());
  write(join(dir, 'classes', 'cat', 'c2.png'), await solid(8, 8, red).png().toBuffer());
  write(join(dir, 'classes', 'dog', 'sub', 'd1.png'), await solid(8, 8, blue).png().toBuffer());
  write(join(dir, 'classes', 'dog', 'broken.png'), Buffer.from('nope'));
  write(join(dir, 'classes', 'emu', 'e1.png'), await solid(8, 8, green).png().toBuffer());
  write(join(dir, 'loose', 'cat', 'c1.png'), await solid(8, 8, red).png().toBuffer());
  write(join(dir, 'loose', 'stray.png'), await solid(8, 8, red).png().toBuffer());

  // 20 high x 40 wide: red | green | blue in columns 0-9, 10-29, 30-39.
  const bands = raw(20, 40, 3, (_y, x) => (x < 10 ? red : x < 30 ? green : blue));
  write(join(dir, 'wide', 'bands.png'), await sharp(bands, { raw: { width: 40, height: 20, channels: 3 } }).png().toBuffer());
  // 16 x 16: top half red, bottom half blue.
  const halves = raw(16, 16, 3, (y) => (y < 8 ? red : blue));
  write(join(dir, 'halves', 'h.png'), await sharp(halves, { raw: { width: 16, height: 16, channels: 3 } }).png().toBuffer());
  // Stored 20 wide x 10 high with EXIF orientation 6 (rotate 90 degrees clockwise to display): 10 wide x 20 high.
  const turned = raw(10, 20, 3, (_y, x) => (x < 10 ? red : blue));
  write(join(dir, 'exif', 'turned.jpg'), await sharp(turned, { raw: { width: 20, height: 10, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer());

  write(join(dir, 'sizes', 'small.png'), await solid(8, 8, red).png().toBuffer());
  write(join(dir, 'sizes', 'big.png'), await solid(12, 10, blue).png().toBuffer());
  write(join(dir, 'broken', 'one.png'), Buffer.from('junk'));
  write(join(dir, 'broken', 'two.jpg'), Buffer.from('more junk'));
  mkdirSync(join(dir, 'empty', 'sub'), { recursive: true });
  write(join(dir, 'textonly', 'readme.txt'), Buffer.from('hi'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a folder of images', () => {
  it('decodes JPEG, PNG, WebP, GIF and TIFF recursively in path order, skipping and naming what does not decode', async () => {
    const ds = await loadDataset(mixed, opts());
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([7, 16, 16, 3]);
    expect(ds.labels).toBeUndefined();
    // Sorted by relative path: a/deep/nested/blue.webp, a/photo.jpg, a/red.png, b/anim.gif, b/gray.png, b/rgba.png, b/scan.tiff
    expect(at(ds, 0, 5, 5)).toEqual(blue);
    near(at(ds, 1, 5, 5), green, 6);
    expect(at(ds, 2, 5, 5)).toEqual(red);
    near(at(ds, 3, 5, 5), [255, 255, 0], 8);
    expect(at(ds, 4, 5, 5)).toEqual([77, 77, 77]);
    expect(at(ds, 6, 5, 5)).toEqual([10, 20, 30]);
    expect(ds.skipped.count).toBe(2);
    expect(ds.skipped.examples).toHaveLength(2);
    expect(ds.skipped.examples[0]).toMatch(/b[\\/]corrupt\.png: .+/);
    expect(ds.skipped.examples[1]).toMatch(/b[\\/]truncated\.jpg: .*(premature end|truncated|corrupt)/i);
  });

  it('composites RGBA onto the background: white by default, or the one asked for', async () => {
    const white = await loadDataset(mixed, opts());
    expect(at(white, 5, 8, 2)).toEqual([255, 255, 255]);
    expect(at(white, 5, 8, 12)).toEqual(red);
    near(at(white, 5, 0, 0), [255, 127, 127], 1); // half-transparent red on white
    const black = await loadDataset(mixed, opts({ background: [0, 0, 0] }));
    expect(at(black, 5, 8, 2)).toEqual([0, 0, 0]);
    near(at(black, 5, 0, 0), [128, 0, 0], 1);
    const teal = await loadDataset(mixed, opts({ background: [0, 128, 128] }));
    expect(at(teal, 5, 8, 2)).toEqual([0, 128, 128]);
  });

  it('takes channels from the data: all grayscale gives 1, and --channels overrides either way', async () => {
    const gray = await loadDataset(join(dir, 'gray'), opts());
    expect(gray.channels).toBe(1);
    expect(at(gray, 0, 3, 3)).toEqual([40]);
    near(at(gray, 1, 3, 3), [200], 2);
    expect(at(gray, 2, 3, 1)).toEqual([255]); // gray + alpha: transparent onto white
    expect(at(gray, 2, 3, 6)).toEqual([60]);
    const asRgb = await loadDataset(join(dir, 'gray'), opts({ channels: 3 }));
    expect(at(asRgb, 0, 3, 3)).toEqual([40, 40, 40]);
    const asGray = await loadDataset(mixed, opts({ channels: 1 }));
    expect(asGray.channels).toBe(1);
    expect(at(asGray, 4, 1, 1)).toEqual([77]);
    expect(at(asGray, 5, 8, 2)).toEqual([255]); // transparent onto white, in gray
  });

  it('resizes the shorter side and centre-crops, to square and non-square sizes', async () => {
    const square = await loadDataset(join(dir, 'wide'), opts({ size: [10, 10] }));
    expect([square.height, square.width]).toEqual([10, 10]);
    for (const x of [1, 5, 8]) near(at(square, 0, 5, x), green, 12); // only the green middle survives the crop
    const wide = await loadDataset(join(dir, 'wide'), opts({ size: [10, 20] }));
    near(at(wide, 0, 5, 1), red, 12);
    near(at(wide, 0, 5, 10), green, 12);
    near(at(wide, 0, 5, 18), blue, 12);
    const flat = await loadDataset(join(dir, 'halves'), opts({ size: [8, 16] }));
    expect([flat.height, flat.width]).toEqual([8, 16]);
    near(at(flat, 0, 0, 8), red, 2); // rows 4..11 of the 16: four red, four blue
    near(at(flat, 0, 7, 8), blue, 2);
    const up = await loadDataset(join(dir, 'halves'), opts({ size: [32, 32] }));
    near(at(up, 0, 2, 16), red, 2);
    near(at(up, 0, 29, 16), blue, 2);
  });

  it('applies EXIF orientation', async () => {
    const ds = await loadDataset(join(dir, 'exif'), opts());
    expect([ds.height, ds.width]).toEqual([20, 10]);
    near(at(ds, 0, 2, 5), red, 12); // what was the left half is now on top
    near(at(ds, 0, 17, 5), blue, 12);
  });

  it('labels images by first-level sub-folder when asked, dropping the labels of skipped files', async () => {
    const ds = await loadDataset(join(dir, 'classes'), opts({ labels: true }));
    expect(ds.classNames).toEqual(['cat', 'dog', 'emu']);
    expect(ds.count).toBe(4);
    expect(Array.from(ds.labels!)).toEqual([0, 0, 1, 2]);
    expect(at(ds, 2, 1, 1)).toEqual(blue); // dog/sub/d1.png; dog/broken.png was skipped
    const unlabelled = await loadDataset(join(dir, 'classes'), opts());
    expect(unlabelled.labels).toBeUndefined();
    expect(await userError(loadDataset(join(dir, 'loose'), opts({ labels: true })))).toMatch(/stray\.png is directly in .*loose, but labels come from sub-folder names; move it into a class folder .* or drop --labels/);
  });

  it('with strict, a file that does not decode is an error naming it', async () => {
    expect(await userError(loadDataset(mixed, opts({ strict: true, cache: false })))).toMatch(/corrupt\.png: does not decode \(.+\); repair or remove it, or drop --strict/);
    const ok = await loadDataset(join(dir, 'gray'), opts({ strict: true }));
    expect(ok.count).toBe(3);
  });

  it('names the folder, what was found and the fix for empty, missing, mixed and unreadable data', async () => {
    expect(await userError(loadDataset(join(dir, 'empty'), opts()))).toMatch(/empty: no images found \(JPEG, PNG.*\); put image files in it/);
    expect(await userError(loadDataset(join(dir, 'textonly'), opts()))).toMatch(/no images found .*; 1 other files\)/);
    expect(await userError(loadDataset(join(dir, 'nowhere'), opts()))).toMatch(/nowhere: no such file or folder; give a folder of images or one of: mnist, fashion-mnist/);
    expect(await userError(loadDataset(join(dir, 'halves', 'h.png'), opts()))).toMatch(/h\.png is a file, not a folder of images; give the folder that holds the images/);
    expect(await userError(loadDataset(join(dir, 'mixed', 'notes.txt'), opts()))).toMatch(/is a file, not a folder/);
    expect(await userError(loadDataset(join(dir, 'sizes'), opts()))).toMatch(/sizes: images of different sizes \(.*big\.png is 12x10, .*small\.png is 8x8\); pass an image size \(--image-size HxW/);
    const resized = await loadDataset(join(dir, 'sizes'), opts({ size: [8, 8] }));
    expect(resized.count).toBe(2);
    expect(await userError(loadDataset(join(dir, 'broken'), opts()))).toMatch(/broken: none of the 2 image files decodes \(e\.g\. .*one\.png: .+\)/);
    expect(await userError(loadDataset(join(dir, 'broken'), opts({ size: [8, 8], channels: 3 })))).toMatch(/none of the 2 image files decodes/);
    expect(await userError(loadDataset(mixed, opts({ split: 'test' })))).toMatch(/a folder has no test split/);
  });
});
