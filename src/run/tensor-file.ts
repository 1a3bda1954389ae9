// The two files of a checkpoint folder: checkpoint.json (a format tag, a version, the caller's meta, an
// index of the tensors and the checksum of tensors.bin) and tensors.bin (their bytes, back to back). Written
// atomically as one folder; read back with the checksum and every entry checked against the file, so a
// damaged checkpoint is one line naming the file. Both ways go one tensor at a time: the largest preset's
// checkpoint (keras-simpsons, 7.9 GB) is more than one Buffer can hold and than memory holds twice.
import * as tf from '@tensorflow/tfjs-core';
import { closeSync, existsSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isChecksum, runningChecksum } from '../util/checksum.js';
import { UserError } from '../util/errors.js';
import { fileChunks, writeFileNamed, writeFileParts, writeFolderAtomic } from '../util/files.js';
import { CHECKPOINT_FILES } from './layout.js';

export const CHECKPOINT_FORMAT = 'dcgan-checkpoint';
/**
 * 2: checkpoint.json records the checksum of tensors.bin (version 1, without it, is still read).
 * 3: the meta may hold the image-quality state (ADA's p) and the config the quality knobs; versions 1 and 2,
 * without them, are read with the knobs' legacy values (config.ts).
 */
export const CHECKPOINT_VERSION = 3;

interface TensorEntry {
  shape: number[];
  dtype: 'float32' | 'int32';
  /** Byte offset in tensors.bin. */
  offset: number;
}

interface TensorFile {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  meta: unknown;
  tensors: Record<string, TensorEntry>;
  /** File name -> checksum (util/checksum.ts); from version 2. */
  checksums: Record<string, string>;
}

/** Writes `meta` and `tensors` as the folder `dir` (replacing it only once the new one is complete). */
export function writeTensorFolder(dir: string, meta: unknown, tensors: Record<string, tf.Tensor>): void {
  const index: Record<string, TensorEntry> = {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`checkpoint tensor ${name} has dtype ${t.dtype}`);
    index[name] = { shape: [...t.shape], dtype: t.dtype, offset };
    offset += t.size * 4;
  }
  writeFolderAtomic(dir, (tmp) => {
    const sum = runningChecksum();
    // Each tensor's bytes are copied out of the engine only when they are written, then dropped.
    writeFileParts(join(tmp, CHECKPOINT_FILES.tensors), (function* () {
      for (const t of Object.values(tensors)) {
        const data = t.dataSync() as Float32Array | Int32Array;
        const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        sum.add(bytes);
        yield bytes;
      }
    })());
    const file: TensorFile = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, meta, tensors: index, checksums: { [CHECKPOINT_FILES.tensors]: sum.value() } };
    writeFileNamed(join(tmp, CHECKPOINT_FILES.record), `${JSON.stringify(file, null, 2)}\n`);
  });
}

function damaged(path: string, what: string): UserError {
  return new UserError(`${path}: ${what}; the checkpoint is damaged: use another one (--checkpoint STEP)`);
}

const isIntList = (v: unknown): v is number[] => Array.isArray(v) && v.every((d) => Number.isInteger(d) && d >= 0);

export interface TensorIndex {
  meta: unknown;
  tensors: Record<string, TensorEntry>;
  /** The checksum tensors.bin must have (absent in version 1). */
  binChecksum?: string;
  jsonPath: string;
  binPath: string;
}

/** checkpoint.json of `dir`, its format and index checked; the meta is returned as stored. */
export function readTensorIndex(dir: string): TensorIndex {
  const jsonPath = join(dir, CHECKPOINT_FILES.record), binPath = join(dir, CHECKPOINT_FILES.tensors);
  if (!existsSync(jsonPath) || !existsSync(binPath)) {
    throw new UserError(`${dir} is not a checkpoint (${CHECKPOINT_FILES.record} and ${CHECKPOINT_FILES.tensors} are missing); pass a run folder or one of its checkpoints/step-* folders`);
  }
  let file: Partial<TensorFile>;
  try {
    file = JSON.parse(readFileSync(jsonPath, 'utf8')) as Partial<TensorFile>;
  } catch (e) {
    throw damaged(jsonPath, `not valid JSON (${(e as Error).message})`);
  }
  if (!file || typeof file !== 'object' || file.format !== CHECKPOINT_FORMAT) throw new UserError(`${jsonPath} is not a dcgan checkpoint (format '${String(file?.format)}')`);
  if (typeof file.version !== 'number') throw damaged(jsonPath, 'no version');
  if (file.version > CHECKPOINT_VERSION) throw new UserError(`${jsonPath} has checkpoint version ${file.version}; this dcgan reads up to ${CHECKPOINT_VERSION}: upgrade dcgan`);
  if (!file.meta || typeof file.meta !== 'object') throw damaged(jsonPath, "no 'meta' record");
  if (!file.tensors || typeof file.tensors !== 'object' || Array.isArray(file.tensors)) throw damaged(jsonPath, "no 'tensors' index");
  for (const [name, e] of Object.entries(file.tensors)) {
    if (!e || !isIntList(e.shape) || (e.dtype !== 'float32' && e.dtype !== 'int32') || !Number.isInteger(e.offset) || e.offset < 0) {
      throw damaged(jsonPath, `the index entry of tensor '${name}' is malformed`);
    }
  }
  const binChecksum = file.checksums?.[CHECKPOINT_FILES.tensors];
  if (file.version >= 2 && !isChecksum(binChecksum)) throw damaged(jsonPath, `the checksum of ${CHECKPOINT_FILES.tensors} is missing`);
  return { meta: file.meta, tensors: file.tensors, binChecksum, jsonPath, binPath };
}

const tensorBytes = (e: TensorEntry) => e.shape.reduce((a, b) => a * b, 1) * 4;

/**
 * Reads tensors.bin once, in pieces of at most 64 MiB: every piece goes into its checksum and into the
 * wanted tensors it overlaps, and `onTensor` gets each wanted tensor's bytes as soon as they are complete.
 * Throws, naming the file, if the file is shorter than the index says (before reading) or its checksum is not
 * the one checkpoint.json records (after the whole pass: the caller discards what `onTensor` made).
 */
function readBin(index: TensorIndex, wanted: [string, TensorEntry][], onTensor: (name: string, e: TensorEntry, bytes: Uint8Array) => void): void {
  const fd = openSync(index.binPath, 'r');
  try {
    const size = fstatSync(fd).size;
    for (const [name, e] of Object.entries(index.tensors)) {
      if (e.offset + tensorBytes(e) > size) throw damaged(index.binPath, `truncated (tensor ${name} ends past its ${size} bytes)`);
    }
    // Pending tensors in file order; each holds its own buffer (offset 0, so it can be viewed as float32).
    const pending = wanted.map(([name, e]) => ({ name, e, bytes: new Uint8Array(tensorBytes(e)) }))
      .sort((a, b) => a.e.offset - b.e.offset);
    const finish = (p: (typeof pending)[number]) => onTensor(p.name, p.e, p.bytes);
    pending.filter((p) => p.bytes.length === 0).forEach(finish);
    let open = pending.filter((p) => p.bytes.length > 0);
    const sum = runningChecksum();
    let at = 0;
    for (const piece of fileChunks(fd, size)) {
      sum.add(piece);
      const end = at + piece.length;
      for (const p of open) {
        if (p.e.offset >= end) break;
        const from = Math.max(p.e.offset, at), to = Math.min(p.e.offset + p.bytes.length, end);
        if (to > from) p.bytes.set(piece.subarray(from - at, to - at), from - p.e.offset);
        if (p.e.offset + p.bytes.length <= end) finish(p);
      }
      open = open.filter((p) => p.e.offset + p.bytes.length > end);
      at = end;
    }
    if (index.binChecksum && sum.value() !== index.binChecksum) {
      throw damaged(index.binPath, `its checksum does not match the one in ${CHECKPOINT_FILES.record} (the file was changed or damaged)`);
    }
  } finally {
    closeSync(fd);
  }
}

/** Checks the folder `dir` without loading it: checkpoint.json's index, and tensors.bin against it. */
export function verifyTensorFolder(dir: string): TensorIndex {
  const index = readTensorIndex(dir);
  readBin(index, [], () => {});
  return index;
}

/**
 * Reads the tensors of `dir` whose names `want` accepts (all by default), as tensors on the current backend
 * (the caller disposes them). tensors.bin is read once; nothing is returned unless all of it checks out.
 */
export function readTensors(dir: string, want: (name: string) => boolean = () => true): { meta: unknown; tensors: Record<string, tf.Tensor> } {
  const index = readTensorIndex(dir);
  const tensors: Record<string, tf.Tensor> = {};
  try {
    readBin(index, Object.entries(index.tensors).filter(([name]) => want(name)), (name, e, bytes) => {
      tensors[name] = tf.tensor(e.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer), e.shape, e.dtype);
    });
  } catch (err) {
    tf.dispose(Object.values(tensors));
    throw err;
  }
  return { meta: index.meta, tensors };
}
