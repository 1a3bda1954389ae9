// A dataset read from its cache file on demand, for data larger than the memory limit: positional reads, which
// the OS page cache serves from memory when it can; read() runs them on libuv's thread pool, off the JS thread.
import { closeSync, read as readCb, readSync } from 'node:fs';
import { BaseDataset, type DatasetMeta } from './dataset-base.js';
import type { DatasetStorage } from './types.js';

function readAt(fd: number, into: Uint8Array, offset: number, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    readCb(fd, into, offset, into.length - offset, position, (err, n) => {
      if (err) reject(err);
      else if (n === 0) reject(new Error(`unexpected end of the cache file at byte ${position}`));
      else if (offset + n < into.length) readAt(fd, into, offset + n, position + n).then(resolve, reject);
      else resolve();
    });
  });
}

export class StreamDataset extends BaseDataset {
  private fd: number | null;

  /** `fd` is an open cache file whose pixels start at `pixelOffset`; the dataset closes it. */
  constructor(meta: DatasetMeta, fd: number, private readonly pixelOffset: number, labels: Int32Array | undefined, storage: DatasetStorage) {
    super(meta, labels, storage);
    this.fd = fd;
  }

  private handle(): number {
    if (this.fd === null) throw new Error(`${this.spec}: the dataset was closed`);
    return this.fd;
  }

  image(i: number): Uint8Array {
    this.check(i);
    const out = new Uint8Array(this.imageBytes);
    let done = 0;
    while (done < out.length) {
      const n = readSync(this.handle(), out, done, out.length - done, this.pixelOffset + i * this.imageBytes + done);
      if (n === 0) throw new Error(`${this.spec}: the cache file ${this.storage.cacheFile} ends before image ${i}`);
      done += n;
    }
    return out;
  }

  override async read(indices: ArrayLike<number>): Promise<Uint8Array> {
    const b = this.imageBytes, fd = this.handle();
    const out = new Uint8Array(indices.length * b);
    const reads: Promise<void>[] = [];
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      this.check(i);
      reads.push(readAt(fd, out.subarray(k * b, (k + 1) * b), 0, this.pixelOffset + i * b));
    }
    await Promise.all(reads);
    return out;
  }

  override close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
