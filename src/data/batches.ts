// Batches of a dataset for training: a seeded shuffle per epoch, optional random crop and horizontal flip, pixels
// scaled to [-1, 1] NHWC, and the next batches prepared while the current one trains. The order and the
// augmentation depend only on (seed, epoch, position), so state() restores the exact same stream.
import { UserError } from '../util/errors.js';
import { U8_TO_UNIT, toUnitRange } from './pixel-convert.js';
import { epochOrder, mixSeed, SplitMix32 } from './seeded-order.js';
import type { ImageDataset } from './types.js';

/** Where a batch stream is: JSON-serialisable, saved in checkpoints. */
export interface BatchState {
  /** The epoch of the next batch (0-based). */
  epoch: number;
  /** Position of the next batch's first image in that epoch's shuffled order. */
  cursor: number;
  seed: number;
}

export interface Batch {
  /** n*h*w*c float32 in [-1, 1], NHWC; a fresh array per batch. */
  images: Float32Array;
  /** Class per image, when the dataset is labelled. */
  labels?: Int32Array;
  epoch: number;
  /** Which batch of its epoch this is (0-based). */
  indexInEpoch: number;
  /** [n, height, width, channels]. */
  shape: [number, number, number, number];
}

export interface BatchesOptions {
  batchSize: number;
  /** Seeds the shuffle and the augmentation. */
  seed: number;
  /** Leave out the last, smaller batch of an epoch. Default true. */
  dropLast?: boolean;
  /** Flip each image left-right with probability 1/2. */
  flip?: boolean;
  /** Crop a random window (cropScale of each side) and resize it back to the full size, bilinear. */
  randomCrop?: boolean;
  /** The side of the random crop window relative to the image. Default 0.9. */
  cropScale?: number;
  /** Resume from this state (from state() or a checkpoint); its seed is used. */
  state?: BatchState;
  /** Batches prepared ahead. Default 2. */
  prefetch?: number;
  /**
   * Data-parallel training: this process's share of every batch. batchSize stays the global batch (the order,
   * the epochs and state() are the whole job's); next() returns rows [rank * n, (rank + 1) * n) of it, n =
   * batchSize / world, with the augmentation each image gets in the whole batch.
   */
  shard?: { rank: number; world: number };
}

interface Position {
  epoch: number;
  cursor: number;
}

interface Pending {
  start: Position;
  promise: Promise<Batch>;
}

export class Batches {
  readonly batchesPerEpoch: number;
  readonly batchSize: number;
  readonly seed: number;
  private readonly dropLast: boolean;
  private readonly flip: boolean;
  private readonly crop: number | null;
  private readonly prefetch: number;
  private readonly shard: { rank: number; world: number };
  /** The position of the next batch next() hands out. */
  private pos: Position;
  /** The position of the next batch to prepare. */
  private planned: Position;
  private queue: Pending[] = [];
  private orders = new Map<number, Uint32Array>();
  private closed = false;

  constructor(private readonly ds: ImageDataset, opts: BatchesOptions) {
    const { batchSize } = opts;
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new UserError(`the batch size must be a positive integer, got ${batchSize}`);
    this.batchSize = batchSize;
    this.dropLast = opts.dropLast ?? true;
    if (this.dropLast && ds.count < batchSize) {
      throw new UserError(`${ds.spec}: ${ds.count} image${ds.count === 1 ? '' : 's'}, fewer than the batch size ${batchSize}; use a batch size of at most ${ds.count} (--batch-size ${ds.count}) or add images`);
    }
    this.batchesPerEpoch = this.dropLast ? Math.floor(ds.count / batchSize) : Math.ceil(ds.count / batchSize);
    this.flip = !!opts.flip;
    const scale = opts.cropScale ?? 0.9;
    if (opts.randomCrop && !(scale > 0 && scale <= 1)) throw new UserError(`the crop scale must be in (0, 1], got ${scale}`);
    this.crop = opts.randomCrop ? scale : null;
    this.prefetch = Math.max(1, opts.prefetch ?? 2);
    this.shard = opts.shard ?? { rank: 0, world: 1 };
    if (this.shard.world > 1 && (batchSize % this.shard.world !== 0 || !this.dropLast)) throw new Error(`Batches: a batch of ${batchSize} does not split into ${this.shard.world} equal shards (dropLast needed)`);
    const s = opts.state;
    if (s) {
      if (!(Number.isInteger(s.epoch) && s.epoch >= 0 && Number.isInteger(s.cursor) && s.cursor >= 0 && Number.isInteger(s.seed))) {
        throw new UserError(`the saved data position ${JSON.stringify(s)} is not valid (epoch, cursor and seed must be non-negative integers); resume from an intact checkpoint`);
      }
      if (s.cursor > ds.count) {
        throw new UserError(`${ds.spec}: the saved data position is image ${s.cursor} of epoch ${s.epoch}, but the dataset now has ${ds.count} images; resume with the data the run was trained on`);
      }
    }
    this.seed = s ? s.seed : opts.seed;
    this.pos = this.normalise({ epoch: s?.epoch ?? 0, cursor: s?.cursor ?? 0 });
    this.planned = { ...this.pos };
  }

  /** The next batch; the ones after it start being prepared at once. */
  next(): Promise<Batch> {
    if (this.closed) return Promise.reject(new Error('Batches: next() after close()'));
    if (this.queue.length === 0) this.enqueue(true);
    const item = this.queue.shift()!;
    this.pos = this.after(item.start);
    while (this.queue.length < this.prefetch) this.enqueue(false);
    return item.promise;
  }

  /** The state that makes the next next() (here or in a new Batches) return the batch this one would. */
  state(): BatchState {
    return { epoch: this.pos.epoch, cursor: this.pos.cursor, seed: this.seed };
  }

  /** Stops preparing batches; batches already handed out stay valid. */
  close(): void {
    this.closed = true;
    this.queue = [];
    this.orders.clear();
  }

  /** A position past the last batch of its epoch moves to the start of the next epoch. */
  private normalise(p: Position): Position {
    const left = this.ds.count - p.cursor;
    if (left <= 0 || (this.dropLast && left < this.batchSize)) return { epoch: p.epoch + 1, cursor: 0 };
    return p;
  }

  private after(p: Position): Position {
    return this.normalise({ epoch: p.epoch, cursor: p.cursor + Math.min(this.batchSize, this.ds.count - p.cursor) });
  }

  private order(epoch: number): Uint32Array {
    let o = this.orders.get(epoch);
    if (!o) {
      o = epochOrder(this.ds.count, this.seed, epoch);
      this.orders.set(epoch, o);
      for (const e of this.orders.keys()) if (e < epoch - 1) this.orders.delete(e);
    }
    return o;
  }

  private enqueue(now: boolean): void {
    const start = this.planned;
    this.planned = this.after(start);
    const promise = this.prepare(start, now);
    promise.catch(() => {}); // a prefetched batch nobody asks for must not be an unhandled rejection
    this.queue.push({ start, promise });
  }

  private async prepare(start: Position, now: boolean): Promise<Batch> {
    // Prefetched batches wait for the event loop to be free, so handing out the current batch is not delayed.
    if (!now) await new Promise<void>((r) => setImmediate(r));
    const { ds } = this;
    const whole = Math.min(this.batchSize, ds.count - start.cursor);
    // This process's rows of the whole batch (all of them unless sharded).
    const n = whole / this.shard.world, first = this.shard.rank * n;
    const indices = this.order(start.epoch).slice(start.cursor + first, start.cursor + first + n);
    const pixels = await ds.read(indices);
    const b = ds.height * ds.width * ds.channels;
    const images = new Float32Array(n * b);
    if (!this.flip && this.crop === null) {
      toUnitRange(pixels, images);
    } else {
      // One random stream per whole batch: a shard draws (and skips) what the rows before it draw.
      const rng = new SplitMix32(mixSeed(this.seed, start.epoch, start.cursor, 0xa06));
      const scratch = this.crop === null ? undefined : new Float32Array(b);
      for (let k = 0; k < first + n; k++) {
        const flip = this.flip && rng.uniform() < 0.5;
        const mine = k >= first;
        const src = mine ? pixels.subarray((k - first) * b, (k - first + 1) * b) : pixels.subarray(0, b);
        if (this.crop === null) {
          if (mine) writeFlipped(src, images, (k - first) * b, ds.height, ds.width, ds.channels, flip);
        } else {
          writeCropped(src, mine ? images : scratch!, mine ? (k - first) * b : 0, ds.height, ds.width, ds.channels, flip, this.crop, rng);
        }
      }
    }
    const labels = ds.labels ? Int32Array.from(indices, (i) => ds.labels![i]!) : undefined;
    const batch: Batch = {
      images, epoch: start.epoch, indexInEpoch: Math.floor(start.cursor / this.batchSize), shape: [n, ds.height, ds.width, ds.channels],
    };
    if (labels) batch.labels = labels;
    return batch;
  }
}

function writeFlipped(src: Uint8Array, out: Float32Array, offset: number, h: number, w: number, c: number, flip: boolean): void {
  if (!flip) return toUnitRange(src, out, offset);
  const lut = U8_TO_UNIT;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + (w - 1 - x)) * c, o = offset + (y * w + x) * c;
      for (let k = 0; k < c; k++) out[o + k] = lut[src[s + k]!]!;
    }
  }
}

/** Source coordinates of each output coordinate for a window [start, start+len) stretched to n: index and weight. */
function taps(n: number, start: number, len: number): { i0: Int32Array; i1: Int32Array; f: Float32Array } {
  const i0 = new Int32Array(n), i1 = new Int32Array(n), f = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    const s = Math.min(Math.max(start + ((t + 0.5) * len) / n - 0.5, start), start + len - 1);
    const a = Math.floor(s);
    i0[t] = a;
    i1[t] = Math.min(a + 1, start + len - 1);
    f[t] = s - a;
  }
  return { i0, i1, f };
}

function writeCropped(src: Uint8Array, out: Float32Array, offset: number, h: number, w: number, c: number, flip: boolean, scale: number, rng: SplitMix32): void {
  const ch = Math.max(1, Math.round(h * scale)), cw = Math.max(1, Math.round(w * scale));
  const y0 = rng.int(h - ch + 1), x0 = rng.int(w - cw + 1);
  const ty = taps(h, y0, ch), tx = taps(w, x0, cw);
  for (let y = 0; y < h; y++) {
    const r0 = ty.i0[y]! * w, r1 = ty.i1[y]! * w, fy = ty.f[y]!;
    for (let x = 0; x < w; x++) {
      const xs = flip ? w - 1 - x : x;
      const a = tx.i0[xs]!, bb = tx.i1[xs]!, fx = tx.f[xs]!;
      const o = offset + (y * w + x) * c;
      for (let k = 0; k < c; k++) {
        const top = src[(r0 + a) * c + k]! * (1 - fx) + src[(r0 + bb) * c + k]! * fx;
        const bottom = src[(r1 + a) * c + k]! * (1 - fx) + src[(r1 + bb) * c + k]! * fx;
        out[o + k] = (top * (1 - fy) + bottom * fy) / 127.5 - 1;
      }
    }
  }
}
