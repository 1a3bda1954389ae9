// A dataset whose pixels are one uint8 buffer in memory (decoded data, or a cache file read in one go).
import { BaseDataset, type DatasetMeta } from './dataset-base.js';
import type { DatasetStorage } from './types.js';

export class MemoryDataset extends BaseDataset {
  constructor(meta: DatasetMeta, private readonly pixels: Uint8Array, labels: Int32Array | undefined, storage: DatasetStorage) {
    super(meta, labels, storage);
    if (pixels.length < meta.count * this.imageBytes) throw new Error(`${meta.spec}: ${pixels.length} bytes of pixels for ${meta.count} images of ${this.imageBytes}`);
  }

  image(i: number): Uint8Array {
    this.check(i);
    return this.pixels.subarray(i * this.imageBytes, (i + 1) * this.imageBytes);
  }
}
