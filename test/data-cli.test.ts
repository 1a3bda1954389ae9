// Smoke tests of `dcgan data inspect` through the real CLI (bin/dcgan.js over dist/) on fixtures written here:
// a folder with every kind of image and broken files, IDX, CIFAR-10, fake and built-in data; the report, the
// preview PNG and the cache; and every bad input as one line on stderr, exit code 1, no stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCifarBatch } from '../src/data/cifar10.js';
import { encodeIdx } from '../src/data/idx.js';

const bin = join(__dirname, '..', 'bin', 'dcgan.js');
let dir: string;

function dcgan(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8', timeout: 300_000, cwd: dir, env: { ...process.env, DCGAN_CACHE_DIR: join(dir, 'cache') },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a command that must fail as a user error: exit 1, one line on stderr, no stack trace; returns the line. */
function fails(...args: string[]): string {
  const r = dcgan(...args);
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

function solid(h: number, w: number, rgb: number[], channels: 3 | 4 = 3): sharp.Sharp {
  const px = Buffer.alloc(h * w * channels);
  for (let i = 0; i < h * w; i++) px.set(rgb, i * channels);
  return sharp(px, { raw: { width: w, height: h, channels } });
}

function put(file: string, data: Uint8Array): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, data);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dcgan-data-cli-'));
  const photos = join(dir, 'photos');
  put(join(photos, 'cats', 'a.png'), await solid(16, 16, [200, 30, 30]).png().toBuffer());
  put(join(photos, 'cats', 'b.jpg'), await solid(16, 16, [30, 200, 30]).jpeg().toBuffer());
  put(join(photos, 'dogs', 'deep', 'c.webp'), await solid(16, 16, [30, 30, 200]).webp().toBuffer());
  put(join(photos, 'dogs', 'd.png'), await solid(16, 16, [255, 0, 0, 0], 4).png().toBuffer()); // fully transparent
  put(join(photos, 'dogs', 'e.png'), await solid(16, 16, [90]).toColourspace('b-w').png().toBuffer());
  put(join(photos, 'dogs', 'corrupt.png'), Buffer.from('not an image'));
  const jpg = await solid(16, 16, [1, 2, 3]).jpeg().toBuffer();
  put(join(photos, 'cats', 'truncated.jpg'), jpg.subarray(0, jpg.length >> 1));
  put(join(dir, 'mixed', 'a.png'), await solid(8, 8, [0, 0, 0]).png().toBuffer());
  put(join(dir, 'mixed', 'b.png'), await solid(9, 8, [0, 0, 0]).png().toBuffer());
  mkdirSync(join(dir, 'empty'));

  const images = Uint8Array.from({ length: 4 * 6 * 5 }, (_, k) => (k * 11) % 256);
  put(join(dir, 'idx', 'train-images-idx3-ubyte.gz'), gzipSync(encodeIdx(images, [4, 6, 5])));
  put(join(dir, 'idx', 'train-labels-idx1-ubyte.gz'), gzipSync(encodeIdx(Uint8Array.of(0, 1, 1, 1), [4])));
  put(join(dir, 'idx', 'bad-magic'), Buffer.from([8, 3, 0, 0, 1, 2, 3, 4]));
  put(join(dir, 'idx', 'short-images-idx3-ubyte'), encodeIdx(images, [4, 6, 5]).subarray(0, 50));

  const cifar = new Uint8Array(10 * 32 * 32 * 3).map((_, k) => k % 251);
  put(join(dir, 'cifar', 'data_batch_1.bin'), encodeCifarBatch(cifar, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dcgan data', () => {
  it('is listed by dcgan --help and explains itself with --help', () => {
    expect(dcgan('--help').stdout).toMatch(/^\s+data\s+/m);
    const h = dcgan('data', '--help');
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/usage: dcgan data inspect SPEC/);
    expect(h.stdout).toMatch(/cifar10:PATH/);
    expect(h.stdout).toMatch(/--out FILE/);
  });

  it('inspects a folder: count, shape, channels, labels, statistics, skipped files, cache and preview', async () => {
    const r = dcgan('data', 'inspect', 'photos', '--out', 'out/preview.png');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^images\s+5$/m);
    expect(r.stdout).toMatch(/^shape\s+16x16x3 /m);
    expect(r.stdout).toMatch(/^channels\s+3 \(RGB\)/m);
    expect(r.stdout).toMatch(/^labels\s+none/m);
    expect(r.stdout).toMatch(/^pixels\s+R\s+mean [\d.]+\s+std [\d.]+\s+min \d+\s+max 255/m);
    expect(r.stdout).toMatch(/^\s+G\s+mean/m);
    expect(r.stdout).toMatch(/^skipped\s+2 files that did not decode:\n\s+.*cats[\\/]truncated\.jpg: .+\n\s+.*dogs[\\/]corrupt\.png: .+/m);
    expect(r.stdout).toMatch(/^cache\s+.*photos-[0-9a-f]{16}\.u8 \(decoded and cached, in memory/m);
    const preview = join(dir, 'out', 'preview.png');
    expect(r.stdout).toContain(`preview   ${preview} (5 images, 2x3 grid)`);
    const meta = await sharp(preview).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 3 * 64 + 4 * 2, 2 * 64 + 3 * 2]);
    const again = dcgan('data', 'inspect', 'photos', '--out', 'out/preview.png');
    expect(again.stdout).toMatch(/\(read from the cache, in memory/);
  });

  it('reports labels, class counts and resized shapes as JSON', () => {
    const r = dcgan('data', 'inspect', join(dir, 'photos'), '--labels', '--image-size', '8x12', '--channels', '1', '--json', '--out', join(dir, 'p.png'));
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect([j.count, j.height, j.width, j.channels]).toEqual([5, 8, 12, 1]);
    expect(j.classNames).toEqual(['cats', 'dogs']);
    expect(j.classCounts).toEqual([2, 3]);
    expect(j.skipped.count).toBe(2);
    expect(j.pixels.channels).toHaveLength(1);
    expect(j.pixels.channels[0].max).toBe(255); // the transparent image became white
    expect(existsSync(j.preview.file)).toBe(true);
  });

  it('inspects IDX, CIFAR-10, fake and the built-in MNIST test split', () => {
    const idx = dcgan('data', 'inspect', `idx:${join(dir, 'idx', 'train-images-idx3-ubyte.gz')}`, '--out', 'idx.png');
    expect(idx.code, idx.stderr).toBe(0);
    expect(idx.stdout).toMatch(/^images\s+4$/m);
    expect(idx.stdout).toMatch(/^shape\s+6x5x1 /m);
    expect(idx.stdout).toMatch(/^labels\s+2 classes: 0 1, 1 3$/m);
    expect(idx.stdout).toMatch(/^pixels\s+gray /m);
    const cifar = dcgan('data', 'inspect', `cifar10:${join(dir, 'cifar')}`, '--out', 'cifar.png');
    expect(cifar.code, cifar.stderr).toBe(0);
    expect(cifar.stdout).toMatch(/^labels\s+10 classes: airplane 1, automobile 1, bird 1/m);
    expect(cifar.stdout).toMatch(/^shape\s+32x32x3 /m);
    const fake = dcgan('data', 'inspect', 'fake:24x20x1', '--count', '20', '--seed', '3', '--grid', '9', '--out', 'fake.png');
    expect(fake.code, fake.stderr).toBe(0);
    expect(fake.stdout).toMatch(/^images\s+20$/m);
    expect(fake.stdout).toMatch(/^shape\s+24x20x1 /m);
    expect(fake.stdout).toMatch(/generated on demand/);
    expect(fake.stdout).toMatch(/\(9 images, 3x3 grid\)/);
    const mnist = dcgan('data', 'inspect', 'mnist', '--split', 'test', '--out', 'mnist.png');
    expect(mnist.code, mnist.stderr).toBe(0);
    expect(mnist.stdout).toMatch(/^dataset\s+mnist \(test split\)$/m);
    expect(mnist.stdout).toMatch(/^images\s+2,000$/m);
    expect(mnist.stdout).toMatch(/^labels\s+10 classes: 0 \d+, 1 \d+/m);
    expect(existsSync(join(dir, 'mnist.png'))).toBe(true);
  });

  it('writes the preview beside the current folder by default', () => {
    const r = dcgan('data', 'inspect', 'fake:8x8', '--count', '4');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'fake-8x8-preview.png'))).toBe(true);
  });

  it('answers every bad input with one line naming the path, what was found and the fix', () => {
    expect(fails('data', 'inspect', join(dir, 'nowhere'))).toMatch(/nowhere: no such file or folder; give a folder of images or one of: mnist/);
    expect(fails('data', 'inspect', join(dir, 'empty'))).toMatch(/empty: no images found .*; put image files in it/);
    expect(fails('data', 'inspect', join(dir, 'mixed'))).toMatch(/images of different sizes .*; pass an image size \(--image-size HxW/);
    expect(fails('data', 'inspect', join(dir, 'photos'), '--strict', '--no-cache')).toMatch(/cats[\\/]truncated\.jpg: does not decode \(.*(premature end of JPEG|corrupt header).*\); repair or remove it, or drop --strict/);
    expect(fails('data', 'inspect', `idx:${join(dir, 'idx', 'bad-magic')}`)).toMatch(/bad-magic: not an IDX file \(magic number 0x08030000/);
    expect(fails('data', 'inspect', `idx:${join(dir, 'idx', 'short-images-idx3-ubyte')}`)).toMatch(/short-images-idx3-ubyte: truncated: the header promises 4 images of 6x5/);
    expect(fails('data', 'inspect', 'fashion-mnist', '--data-dir', join(dir, 'nowhere'))).toMatch(/fashion-mnist: no train-images-idx3-ubyte\(\.gz\) in .*--data-dir/);
    expect(fails('data', 'inspect', 'cifar10:' + join(dir, 'idx'))).toMatch(/no CIFAR-10 train batches/);
    expect(fails('data', 'inspect', 'fake', '--channels', '2')).toMatch(/--channels must be one of 1, 3, got '2'/);
    expect(fails('data', 'inspect', 'fake', '--image-size', '0')).toMatch(/--image-size must be N or HxW/);
    expect(fails('data', 'inspect', 'fake', '--background', 'mauve')).toMatch(/--background must be/);
    expect(fails('data', 'inspect', 'fake', '--out', join(dir, 'idx', 'bad-magic', 'x.png'))).toMatch(/cannot write the preview .*; choose a writable path with --out/);
    expect(fails('data', 'inspect')).toMatch(/data inspect needs a dataset/);
    expect(fails('data', 'frobnicate')).toMatch(/unknown data command 'frobnicate'/);
    expect(fails('data', 'inspect', 'fake', '--bogus')).toMatch(/Unknown option '--bogus'/);
  });
});
