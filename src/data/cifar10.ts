// CIFAR-10's binary batches (Krizhevsky 2009, https://www.cs.toronto.edu/~kriz/cifar.html): each record is one
// label byte and 32x32x3 pixels stored as R, G and B planes; read into NHWC with labels, and written.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../util/errors.js';
import type { ArrayImages } from './idx.js';

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;
const GET = 'download cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html and extract it (tar xzf)';

/** The batch files of a split: data_batch_*.bin (train) or test_batch.bin (test); a single .bin file is itself. */
export function cifarBatchFiles(path: string, split: 'train' | 'test'): string[] {
  let s;
  try {
    s = statSync(path);
  } catch {
    throw new UserError(`${path}: no such file or folder; give the folder of the CIFAR-10 binary batches (${GET})`);
  }
  if (s.isFile()) {
    if (/\.(tar\.gz|tgz|tar)$/i.test(path)) throw new UserError(`${path} is an archive; extract it first (tar xzf ${basename(path)}) and give the cifar-10-batches-bin folder`);
    return [path];
  }
  const inner = join(path, 'cifar-10-batches-bin');
  const dir = existsSync(inner) ? inner : path;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new UserError(`${dir}: cannot list the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check its permissions`);
  }
  const files = split === 'test'
    ? names.filter((n) => n === 'test_batch.bin')
    : names.filter((n) => /^data_batch_\d+\.bin$/.test(n)).sort((a, b) => Number(/\d+/.exec(a)) - Number(/\d+/.exec(b)));
  if (files.length === 0) {
    const want = split === 'test' ? 'test_batch.bin' : 'data_batch_1.bin ... data_batch_5.bin';
    throw new UserError(`${dir}: no CIFAR-10 ${split} batches (${want}) in this folder; ${GET}`);
  }
  return files.map((n) => join(dir, n));
}

/** Class names from batches.meta.txt beside the batches, else the standard ten. */
export function cifarClassNames(batchFile: string): string[] {
  const meta = join(batchFile, '..', 'batches.meta.txt');
  if (!existsSync(meta)) return [...CIFAR10_CLASSES];
  const names = readFileSync(meta, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return names.length >= 10 ? names : [...CIFAR10_CLASSES];
}

/** Reads batch files into NHWC pixels and labels; a truncated or foreign file is a UserError naming it. */
export function readCifarBatches(files: string[]): ArrayImages & { labels: Uint8Array } {
  const buffers = files.map((f) => {
    let b: Buffer;
    try {
      b = readFileSync(f);
    } catch (e) {
      throw new UserError(`${f}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path and permissions`);
    }
    if (b.length === 0 || b.length % RECORD !== 0) {
      throw new UserError(`${f}: ${b.length} bytes is not a whole number of ${RECORD}-byte records (1 label + 32x32x3 pixels); the file is truncated or not a CIFAR-10 binary batch (${GET})`);
    }
    return b;
  });
  const count = buffers.reduce((n, b) => n + b.length / RECORD, 0);
  const pixels = new Uint8Array(count * 3 * PLANE);
  const labels = new Uint8Array(count);
  let i = 0;
  buffers.forEach((b, fi) => {
    for (let r = 0; r < b.length; r += RECORD, i++) {
      const label = b[r]!;
      if (label > 9) throw new UserError(`${files[fi]}: label ${label} in record ${r / RECORD} (CIFAR-10 has 0..9); not a CIFAR-10 batch (CIFAR-100 is not supported)`);
      labels[i] = label;
      const o = i * 3 * PLANE;
      for (let p = 0; p < PLANE; p++) {
        pixels[o + 3 * p] = b[r + 1 + p]!;
        pixels[o + 3 * p + 1] = b[r + 1 + PLANE + p]!;
        pixels[o + 3 * p + 2] = b[r + 1 + 2 * PLANE + p]!;
      }
    }
  });
  return { count, height: SIDE, width: SIDE, channels: 3, pixels, labels };
}

/** Encodes 32x32x3 NHWC images and their labels as a CIFAR-10 binary batch. */
export function encodeCifarBatch(pixels: Uint8Array, labels: ArrayLike<number>): Uint8Array {
  const n = labels.length;
  if (pixels.length !== n * 3 * PLANE) throw new Error(`encodeCifarBatch: ${pixels.length} bytes for ${n} images of 32x32x3`);
  const out = new Uint8Array(n * RECORD);
  for (let i = 0; i < n; i++) {
    const r = i * RECORD, o = i * 3 * PLANE;
    out[r] = labels[i]!;
    for (let p = 0; p < PLANE; p++) for (let c = 0; c < 3; c++) out[r + 1 + c * PLANE + p] = pixels[o + 3 * p + c]!;
  }
  return out;
}
