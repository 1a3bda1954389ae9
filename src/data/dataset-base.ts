// What every ImageDataset implementation shares: its description, index checks, and fill / read built on image().
import { toUnitRange } from './pixel-convert.js';
import type { DatasetStorage, ImageDataset, Skipped } from './types.js';

/** The description of a dataset, apart from its pixels (also the JSON header of a cache file). */
export interface DatasetMeta {
  spec: string;
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  classNames?: string[];
  skipped: Skipped;
}

export abstract class BaseDataset implements ImageDataset {
  readonly spec: string;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  readonly classNames?: string[];
  readonly labels?: Int32Array;
  readonly skipped: Skipped;
  /** Bytes of one image: height * width * channels. */
  readonly imageBytes: number;

  constructor(meta: DatasetMeta, labels: Int32Array | undefined, readonly storage: DatasetStorage) {
    this.spec = meta.spec;
    this.count = meta.count;
    this.height = meta.height;
    this.width = meta.width;
    this.channels = meta.channels;
    this.skipped = meta.skipped;
    this.imageBytes = meta.height * meta.width * meta.channels;
    if (labels) {
      if (labels.length !== meta.count) throw new Error(`${meta.spec}: ${labels.length} labels for ${meta.count} images`);
      this.labels = labels;
      this.classNames = meta.classNames ?? [];
    }
  }

  abstract image(i: number): Uint8Array;

  fill(indices: ArrayLike<number>, out: Float32Array): void {
    const b = this.imageBytes;
    if (out.length < indices.length * b) throw new RangeError(`fill: out holds ${out.length} values, ${indices.length} images need ${indices.length * b}`);
    for (let k = 0; k < indices.length; k++) toUnitRange(this.image(indices[k]!), out, k * b);
  }

  async read(indices: ArrayLike<number>): Promise<Uint8Array> {
    const b = this.imageBytes;
    const out = new Uint8Array(indices.length * b);
    for (let k = 0; k < indices.length; k++) out.set(this.image(indices[k]!), k * b);
    return out;
  }

  close(): void {}

  protected check(i: number): void {
    if (!(Number.isInteger(i) && i >= 0 && i < this.count)) throw new RangeError(`${this.spec}: image index ${i} is outside 0..${this.count - 1}`);
  }
}
