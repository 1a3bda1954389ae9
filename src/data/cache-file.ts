// The cache file of a decoded dataset: written once, atomically (temp file, then rename), read back in one go or
// streamed. Layout, little-endian:
//   0  'DCGANDS1'   8  u32 version   12 u32 0   16 u64 pixel offset (64)   24 u64 pixel bytes
//   32 u64 labels offset (0: none)   40 u64 header offset   48 u64 header bytes   56 u64 0
//   64 pixels: uint8 NHWC, image after image;  then int32 labels (8-aligned);  then the JSON header.
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatasetMeta } from './dataset-base.js';
import { MemoryDataset } from './memory-dataset.js';
import { StreamDataset } from './stream-dataset.js';
import type { ImageDataset } from './types.js';

const MAGIC = 'DCGANDS1';
const VERSION = 1;
const PREFIX = 64;
const STAGING = 4 << 20;
/** Reads and writes go in pieces below fs's 2 GiB limit per call. */
const CHUNK = 1 << 30;

/** The JSON header: the dataset's description and the key it was built for. */
interface Header {
  key: string;
  meta: DatasetMeta;
  labels: boolean;
}

function writeAll(fd: number, data: Uint8Array, position: number): void {
  for (let done = 0; done < data.length;) {
    done += writeSync(fd, data, done, Math.min(CHUNK, data.length - done), position + done);
  }
}

function readAll(fd: number, into: Uint8Array, position: number): boolean {
  for (let done = 0; done < into.length;) {
    const n = readSync(fd, into, done, Math.min(CHUNK, into.length - done), position + done);
    if (n === 0) return false;
    done += n;
  }
  return true;
}

/**
 * Collects decoded images in order, in memory (when `keepInMemory`) and/or into a temp file beside `file`
 * that finish() renames into place. A null `file` keeps the images in memory only.
 */
export class CacheWriter {
  private fd: number | null = null;
  private temp: string | null = null;
  private memory: Uint8Array | null;
  private staging: Uint8Array | null = null;
  private staged = 0;
  private bytes = 0;

  constructor(readonly file: string | null, readonly imageBytes: number, maxCount: number, keepInMemory: boolean) {
    this.memory = keepInMemory ? new Uint8Array(maxCount * imageBytes) : null;
    if (!keepInMemory && !file) throw new Error('CacheWriter: neither memory nor a file to write to');
  }

  /** Opens the temp file; false (and memory only) when the folder cannot be written. */
  tryOpen(): boolean {
    if (!this.file) return false;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      this.temp = `${this.file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
      this.fd = openSync(this.temp, 'w');
      return true;
    } catch {
      this.temp = null;
      return false;
    }
  }

  get count(): number {
    return this.bytes / this.imageBytes;
  }

  /** Appends whole images. */
  append(pixels: Uint8Array): void {
    if (pixels.length % this.imageBytes) throw new Error(`CacheWriter: ${pixels.length} bytes is not whole images of ${this.imageBytes}`);
    if (this.memory) {
      this.memory.set(pixels, this.bytes);
    } else {
      if (pixels.length >= STAGING) {
        this.flush();
        writeAll(this.fd!, pixels, PREFIX + this.bytes);
      } else {
        this.staging ??= new Uint8Array(STAGING);
        if (this.staged + pixels.length > STAGING) this.flush();
        this.staging.set(pixels, this.staged);
        this.staged += pixels.length;
      }
    }
    this.bytes += pixels.length;
  }

  private flush(): void {
    if (this.staged && this.staging) writeAll(this.fd!, this.staging.subarray(0, this.staged), PREFIX + this.bytes - this.staged);
    this.staged = 0;
  }

  /** The pixels written, when kept in memory. */
  pixels(): Uint8Array | null {
    return this.memory ? this.memory.subarray(0, this.bytes) : null;
  }

  /** Writes labels and header and moves the file into place; returns the file, or null when memory only. */
  finish(key: string, meta: DatasetMeta, labels: Int32Array | undefined): string | null {
    if (meta.count * this.imageBytes !== this.bytes) throw new Error(`CacheWriter: ${this.bytes} bytes written for ${meta.count} images`);
    if (this.fd === null) return null;
    const fd = this.fd;
    try {
      if (this.memory) writeAll(fd, this.memory.subarray(0, this.bytes), PREFIX);
      else this.flush();
      let end = PREFIX + this.bytes;
      let labelsOffset = 0;
      if (labels) {
        labelsOffset = Math.ceil(end / 8) * 8;
        const le = new Uint8Array(labels.length * 4);
        const view = new DataView(le.buffer);
        labels.forEach((v, i) => view.setInt32(i * 4, v, true));
        writeAll(fd, le, labelsOffset);
        end = labelsOffset + le.length;
      }
      const header: Header = { key, meta, labels: !!labels };
      const json = Buffer.from(JSON.stringify(header), 'utf8');
      writeAll(fd, json, end);
      const prefix = Buffer.alloc(PREFIX);
      prefix.write(MAGIC, 0, 'latin1');
      prefix.writeUInt32LE(VERSION, 8);
      prefix.writeBigUInt64LE(BigInt(PREFIX), 16);
      prefix.writeBigUInt64LE(BigInt(this.bytes), 24);
      prefix.writeBigUInt64LE(BigInt(labelsOffset), 32);
      prefix.writeBigUInt64LE(BigInt(end), 40);
      prefix.writeBigUInt64LE(BigInt(json.length), 48);
      writeAll(fd, prefix, 0);
      closeSync(fd);
      this.fd = null;
      renameSync(this.temp!, this.file!);
      this.temp = null;
      return this.file;
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** Removes the temp file (after an error). */
  abort(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (this.temp) {
      try {
        unlinkSync(this.temp);
      } catch {
        // already gone
      }
    }
    this.temp = null;
  }
}

/**
 * Opens a cache file built for `key` (as dataset `spec`): read in one go when its pixels fit in `memoryLimit` bytes, else streamed.
 * Returns null when the file is missing, damaged, of another version or built for another key.
 */
export function openCacheFile(file: string, key: string, spec: string, memoryLimit: number): ImageDataset | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  let keepOpen = false;
  try {
    const size = fstatSync(fd).size;
    const prefix = Buffer.alloc(PREFIX);
    if (!readAll(fd, prefix, 0) || prefix.toString('latin1', 0, 8) !== MAGIC || prefix.readUInt32LE(8) !== VERSION) return null;
    const pixelOffset = Number(prefix.readBigUInt64LE(16)), pixelBytes = Number(prefix.readBigUInt64LE(24));
    const labelsOffset = Number(prefix.readBigUInt64LE(32));
    const headerOffset = Number(prefix.readBigUInt64LE(40)), headerBytes = Number(prefix.readBigUInt64LE(48));
    if (headerOffset + headerBytes !== size || pixelOffset + pixelBytes > headerOffset) return null;
    const json = Buffer.alloc(headerBytes);
    if (!readAll(fd, json, headerOffset)) return null;
    const header = JSON.parse(json.toString('utf8')) as Header;
    const meta: DatasetMeta = { ...header.meta, spec };
    if (header.key !== key || meta.count * meta.height * meta.width * meta.channels !== pixelBytes) return null;
    let labels: Int32Array | undefined;
    if (header.labels) {
      const le = Buffer.alloc(meta.count * 4);
      if (labelsOffset < pixelOffset + pixelBytes || !readAll(fd, le, labelsOffset)) return null;
      labels = new Int32Array(meta.count);
      for (let i = 0; i < meta.count; i++) labels[i] = le.readInt32LE(i * 4);
    }
    if (pixelBytes <= memoryLimit) {
      const pixels = new Uint8Array(pixelBytes);
      if (!readAll(fd, pixels, pixelOffset)) return null;
      return new MemoryDataset(meta, pixels, labels, { kind: 'memory', cacheFile: file, cacheHit: true });
    }
    keepOpen = true;
    return new StreamDataset(meta, fd, pixelOffset, labels, { kind: 'stream', cacheFile: file, cacheHit: true });
  } catch {
    return null;
  } finally {
    if (!keepOpen) closeSync(fd);
  }
}
