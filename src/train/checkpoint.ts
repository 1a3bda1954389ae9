// A checkpoint is one self-describing record (as nanoGPT's and diffusers'): a folder holding
// checkpoint.json (step, epoch, resolved config, architecture, RNG and data-order state, versions, and an
// index of the tensors) and tensors.bin (G, D, the EMA of G, both optimizers' slots, the fixed noise).
// Written atomically; the newest K are kept.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { writeFolderAtomic } from '../files.js';

export const CHECKPOINT_FORMAT = 'dcgan-checkpoint';
export const CHECKPOINT_VERSION = 1;

interface TensorEntry {
  shape: number[];
  dtype: 'float32' | 'int32';
  /** Byte offset in tensors.bin. */
  offset: number;
}

export interface CheckpointFile<M> {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  meta: M;
  tensors: Record<string, TensorEntry>;
}

/** The versions of what wrote a checkpoint or an export. */
export function versions(): Record<string, string> {
  const own = (require('../../package.json') as { version: string }).version;
  return { dcgan: own, tfjs: tf.version_core, node: process.versions.node };
}

/** Writes `tensors` and `meta` as the checkpoint folder `dir` (replacing it atomically). */
export function saveCheckpoint<M>(dir: string, meta: M, tensors: Record<string, tf.Tensor>): void {
  const index: Record<string, TensorEntry> = {};
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`checkpoint tensor ${name} has dtype ${t.dtype}`);
    const data = t.dataSync() as Float32Array | Int32Array;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    index[name] = { shape: [...t.shape], dtype: t.dtype, offset };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const file: CheckpointFile<M> = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, meta, tensors: index };
  writeFolderAtomic(dir, (tmp) => {
    const all = Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
    writeFileSync(join(tmp, 'tensors.bin'), all);
    writeFileSync(join(tmp, 'checkpoint.json'), `${JSON.stringify(file, null, 2)}\n`);
  });
}

/** Reads a checkpoint folder; tensors are created on the current backend (the caller disposes them). */
export function loadCheckpoint<M>(dir: string): { meta: M; tensors: Record<string, tf.Tensor> } {
  const jsonPath = join(dir, 'checkpoint.json'), binPath = join(dir, 'tensors.bin');
  if (!existsSync(jsonPath) || !existsSync(binPath)) {
    throw new UserError(`${dir} is not a checkpoint (checkpoint.json and tensors.bin are missing); pass a run folder or one of its checkpoints/step-* folders`);
  }
  let file: CheckpointFile<M>;
  try {
    file = JSON.parse(readFileSync(jsonPath, 'utf8')) as CheckpointFile<M>;
  } catch (e) {
    throw new UserError(`${jsonPath} is not valid JSON (${(e as Error).message}); the checkpoint is damaged, use an older one in the same folder`);
  }
  if (file.format !== CHECKPOINT_FORMAT) throw new UserError(`${jsonPath} is not a dcgan checkpoint (format '${String(file.format)}')`);
  if (file.version > CHECKPOINT_VERSION) throw new UserError(`${jsonPath} has checkpoint version ${file.version}; this dcgan reads up to ${CHECKPOINT_VERSION}: upgrade dcgan`);
  const bin = readFileSync(binPath);
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, e] of Object.entries(file.tensors)) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    if (e.offset + n * 4 > bin.byteLength) {
      tf.dispose(Object.values(tensors));
      throw new UserError(`${binPath} is truncated (tensor ${name} ends past its ${bin.byteLength} bytes); use an older checkpoint`);
    }
    const copy = new Uint8Array(n * 4);
    copy.set(bin.subarray(e.offset, e.offset + n * 4));
    const values = e.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
    tensors[name] = tf.tensor(values, e.shape, e.dtype);
  }
  return { meta: file.meta, tensors };
}

export interface CheckpointRef {
  step: number;
  path: string;
}

/** The checkpoints/step-N folders of a run, oldest first. */
export function listCheckpoints(checkpointsDir: string): CheckpointRef[] {
  if (!existsSync(checkpointsDir)) return [];
  return readdirSync(checkpointsDir)
    .map((name) => ({ name, m: /^step-(\d+)$/.exec(name) }))
    .filter((x) => x.m && statSync(join(checkpointsDir, x.name)).isDirectory() && existsSync(join(checkpointsDir, x.name, 'checkpoint.json')))
    .map((x) => ({ step: Number(x.m![1]), path: join(checkpointsDir, x.name) }))
    .sort((a, b) => a.step - b.step);
}

/** The checkpoint folder of a run ('latest', 'best', a step), or `path` itself when it is a checkpoint folder. */
export function resolveCheckpoint(path: string, which = 'latest'): string {
  if (existsSync(join(path, 'checkpoint.json'))) return path;
  if (!existsSync(path)) throw new UserError(`${path} does not exist: give a run folder (the --out of dcgan train) or a checkpoint folder`);
  const dir = join(path, 'checkpoints');
  if (which === 'best') {
    if (!existsSync(join(dir, 'best', 'checkpoint.json'))) throw new UserError(`${path} has no best checkpoint (checkpoints/best is written by train --eval-every)`);
    return join(dir, 'best');
  }
  const all = listCheckpoints(dir);
  if (all.length === 0) throw new UserError(`${path} has no checkpoints (checkpoints/step-* folders); train it first, or give a checkpoint folder`);
  if (which === 'latest') return all[all.length - 1]!.path;
  const hit = all.find((c) => c.step === Number(which));
  if (!hit) throw new UserError(`${path} has no checkpoint of step ${which}; it has ${all.map((c) => c.step).join(', ')}`);
  return hit.path;
}

/** Deletes all but the newest `keep` step checkpoints. */
export function rotateCheckpoints(checkpointsDir: string, keep: number): void {
  const all = listCheckpoints(checkpointsDir);
  for (const c of all.slice(0, Math.max(0, all.length - keep))) rmSync(c.path, { recursive: true, force: true });
}

export function checkpointName(step: number): string {
  return `step-${String(step).padStart(7, '0')}`;
}
