// The two files of a checkpoint folder: checkpoint.json (a format tag, a version, the caller's meta and an
// index of the tensors) and tensors.bin (their bytes, back to back). Written atomically as one folder; read
// back with every entry checked against the file, so a damaged checkpoint is one line naming it.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';
import { writeFolderAtomic } from '../util/files.js';
import { CHECKPOINT_FILES } from './layout.js';

export const CHECKPOINT_FORMAT = 'dcgan-checkpoint';
export const CHECKPOINT_VERSION = 1;

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
}

/** Writes `meta` and `tensors` as the folder `dir` (replacing it only once the new one is complete). */
export function writeTensorFolder(dir: string, meta: unknown, tensors: Record<string, tf.Tensor>): void {
  const index: Record<string, TensorEntry> = {};
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`checkpoint tensor ${name} has dtype ${t.dtype}`);
    const data = t.dataSync() as Float32Array | Int32Array;
    index[name] = { shape: [...t.shape], dtype: t.dtype, offset };
    chunks.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    offset += data.byteLength;
  }
  const file: TensorFile = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, meta, tensors: index };
  writeFolderAtomic(dir, (tmp) => {
    writeFileSync(join(tmp, CHECKPOINT_FILES.tensors), Buffer.concat(chunks));
    writeFileSync(join(tmp, CHECKPOINT_FILES.record), `${JSON.stringify(file, null, 2)}\n`);
  });
}

function damaged(path: string, what: string): UserError {
  return new UserError(`${path}: ${what}; the checkpoint is damaged: use another one (--checkpoint STEP)`);
}

const isIntList = (v: unknown): v is number[] => Array.isArray(v) && v.every((d) => Number.isInteger(d) && d >= 0);

/** checkpoint.json of `dir`, its format and index checked; the meta is returned as stored. */
export function readTensorIndex(dir: string): { meta: unknown; tensors: Record<string, TensorEntry>; jsonPath: string; binPath: string } {
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
  if (!file.tensors || typeof file.tensors !== 'object') throw damaged(jsonPath, "no 'tensors' index");
  for (const [name, e] of Object.entries(file.tensors)) {
    if (!e || !isIntList(e.shape) || (e.dtype !== 'float32' && e.dtype !== 'int32') || !Number.isInteger(e.offset) || e.offset < 0) {
      throw damaged(jsonPath, `the index entry of tensor '${name}' is malformed`);
    }
  }
  return { meta: file.meta, tensors: file.tensors, jsonPath, binPath };
}

/**
 * Reads the tensors of `dir` whose names `want` accepts (all by default), as tensors on the current backend
 * (the caller disposes them).
 */
export function readTensors(dir: string, want: (name: string) => boolean = () => true): { meta: unknown; tensors: Record<string, tf.Tensor> } {
  const { meta, tensors: index, binPath } = readTensorIndex(dir);
  const bin = readFileSync(binPath);
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, e] of Object.entries(index)) {
    if (!want(name)) continue;
    const bytes = e.shape.reduce((a, b) => a * b, 1) * 4;
    if (e.offset + bytes > bin.byteLength) {
      tf.dispose(Object.values(tensors));
      throw damaged(binPath, `truncated (tensor ${name} ends past its ${bin.byteLength} bytes)`);
    }
    const copy = new Uint8Array(bytes);
    copy.set(bin.subarray(e.offset, e.offset + bytes));
    tensors[name] = tf.tensor(e.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer), e.shape, e.dtype);
  }
  return { meta, tensors };
}
