// The nearest-neighbour memorization check, in pixel space: how far generated images are from their nearest
// training images, against how far held-out real images are (a generator that copies its training set makes
// images much closer to it than new real images are), how far held-out images are from the nearest generated
// ones, and a sheet of samples beside their nearest training images.
import type { ImageDataset } from '../data/index.js';
import { makeGrid, type RawImage } from '../sample/grid.js';
import { epochOrder } from '../data/seeded-order.js';
import { NearestTracker } from './nearest.js';

export interface MemorizationOptions {
  /** Generated images compared with the whole training set (default 1,000). */
  generated?: number;
  /** Held-out (test split) images: the baseline (default 1,000). */
  heldOut?: number;
  /** Samples on the sheet (default 16), each beside its `neighbours` nearest training images (default 3). */
  sheet?: number;
  neighbours?: number;
  /** Seed of the held-out selection. */
  seed?: number;
}

/** Distances are root-mean-square pixel differences on the [-1, 1] scale (0: identical, 2: opposite). */
export interface Memorization {
  space: 'pixels (RMS difference, images in [-1, 1])';
  /** Median distance from a held-out real image to the nearest generated image. */
  heldOutToGenerated: number | null;
  /** Median distance from a held-out real image to the nearest training image: what a new image of the data looks like. */
  heldOutToTrain: number | null;
  /** Median distance from a generated image to the nearest training image. */
  generatedToTrain: number;
  /** generatedToTrain / heldOutToTrain: about 1 or more when the generator makes new images; well below 1 when it copies. */
  ratio: number | null;
  /** Share of generated images nearer to a training image than 99 % of held-out images are (copy candidates). */
  nearCopies: number | null;
  /** That distance: the 1st percentile of the held-out images' distances to the training set. */
  nearCopyThreshold: number | null;
  generated: number;
  heldOut: number;
  trainImages: number;
}

function median(v: Float64Array): number {
  const s = Float64Array.from(v).sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

function quantile(v: Float64Array, q: number): number {
  const s = Float64Array.from(v).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * s.length)))]!;
}

/**
 * Runs the check for n generated images (NHWC in [-1, 1], the training images' shape) against the training set
 * `train`, with `heldOut` (the test split) as the baseline when there is one. Returns the figures and the sheet.
 */
export function memorizationCheck(generated: Float32Array, n: number, train: ImageDataset, heldOut: ImageDataset | null, options: MemorizationOptions = {}): { report: Memorization; sheet: RawImage } {
  const { height: h, width: w, channels: c } = train;
  const size = h * w * c, scale = 1 / Math.sqrt(size);
  const nGen = Math.min(n, options.generated ?? 1000);
  const nHeld = heldOut ? Math.min(heldOut.count, options.heldOut ?? 1000) : 0;
  const sheetN = Math.min(nGen, options.sheet ?? 16), neighbours = options.neighbours ?? 3;
  // The queries: the first nGen generated images, then the held-out ones.
  const query = new Float32Array((nGen + nHeld) * size);
  query.set(generated.subarray(0, nGen * size));
  const heldIdx = heldOut ? epochOrder(heldOut.count, options.seed ?? 7, 0).subarray(0, nHeld) : new Uint32Array(0);
  if (heldOut && nHeld) heldOut.fill(heldIdx, query.subarray(nGen * size));

  // Nearest training images of every query, over the training set in chunks.
  const toTrain = new NearestTracker(nGen + nHeld, neighbours);
  const chunk = Math.max(1, Math.floor((64 * 2 ** 20) / (4 * size)));
  const buf = new Float32Array(chunk * size);
  for (let i = 0; i < train.count; i += chunk) {
    const m = Math.min(chunk, train.count - i);
    train.fill(Int32Array.from({ length: m }, (_, k) => i + k), buf);
    toTrain.update(query, buf.subarray(0, m * size), size, i);
  }
  const dTrain = toTrain.nearestDistance().map((v) => v * scale);
  const genToTrain = dTrain.subarray(0, nGen), heldToTrain = dTrain.subarray(nGen);

  let heldToGen: Float64Array | null = null;
  if (nHeld) {
    const t = new NearestTracker(nHeld, 1);
    t.update(query.subarray(nGen * size), generated.subarray(0, n * size), size);
    heldToGen = t.nearestDistance().map((v) => v * scale);
  }
  const threshold = nHeld ? quantile(heldToTrain, 0.01) : null;
  const g2t = median(genToTrain);
  const h2t = nHeld ? median(heldToTrain) : null;
  const report: Memorization = {
    space: 'pixels (RMS difference, images in [-1, 1])',
    heldOutToGenerated: heldToGen ? median(heldToGen) : null,
    heldOutToTrain: h2t,
    generatedToTrain: g2t,
    ratio: h2t ? g2t / h2t : null,
    nearCopies: threshold === null ? null : genToTrain.filter((v) => v < threshold).length / nGen,
    nearCopyThreshold: threshold,
    generated: nGen, heldOut: nHeld, trainImages: train.count,
  };
  return { report, sheet: nearestSheet(generated, sheetN, toTrain, train, neighbours) };
}

/**
 * The sheet: two blocks side by side, each row a generated sample followed by its nearest training images,
 * with an empty column between the blocks.
 */
function nearestSheet(generated: Float32Array, count: number, t: NearestTracker, train: ImageDataset, neighbours: number): RawImage {
  const { height: h, width: w, channels: c } = train;
  const size = h * w * c;
  const blocks = count > 8 ? 2 : 1;
  const rows = Math.ceil(count / blocks);
  const perBlock = 1 + neighbours;
  const cols = blocks * perBlock + (blocks - 1);
  const cells = new Float32Array(rows * cols * size).fill(-1);
  const one = new Float32Array(size);
  for (let s = 0; s < count; s++) {
    const block = Math.floor(s / rows), row = s % rows;
    const col0 = block * (perBlock + 1);
    const at = (col: number) => (row * cols + col) * size;
    cells.set(generated.subarray(s * size, (s + 1) * size), at(col0));
    for (let k = 0; k < neighbours; k++) {
      const j = t.index[s * neighbours + k]!;
      if (j < 0) continue;
      train.fill([j], one);
      cells.set(one, at(col0 + 1 + k));
    }
  }
  return makeGrid(cells, rows * cols, h, w, c as 1 | 3, { cols, pad: 2, padValue: 128 });
}
