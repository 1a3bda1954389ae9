// A checkpoint is one self-describing record (as nanoGPT's and diffusers'): G, D, the EMA of G, both
// optimizers' slots, the fixed noise, and the meta to rebuild everything else (step, epoch, resolved config,
// architecture, RNG and data-order state, versions). This module owns the record: its meta type, the names
// of its tensors, writing it and reading it back checked. The trainer, sampling and evaluation all use it.
import * as tf from '@tensorflow/tfjs-core';
import type { BatchState } from '../data/index.js';
import { checkArch, type ArchSpec } from '../model/spec.js';
import { isUserError, UserError } from '../util/errors.js';
import type { RngState } from '../util/rng.js';
import { checkSavedConfig, type TrainConfig } from './config.js';
import { CHECKPOINT_FILES } from './layout.js';
import type { StepFigures } from './run-folder.js';
import { listCheckpoints } from './checkpoint-folders.js';
import { readTensorIndex, readTensors, verifyTensorFolder, writeTensorFolder } from './tensor-file.js';

export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './tensor-file.js';
export { checkpointName, copyCheckpoint, listCheckpoints, resolveCheckpoint, rotateCheckpoints, runOfCheckpoint, setAsideCheckpointsAfter, type CheckpointRef } from './checkpoint-folders.js';

/** An optimizer's state as plain data: the step count and one list of tensors per slot, in variable order. */
export interface OptimizerState {
  kind: 'adam' | 'sgd-nesterov';
  step: number;
  slots: Record<string, tf.Tensor[]>;
}

/** ADA's state (train/ada.ts), as JSON: lastRt is null before its first adjustment. */
export interface AdaRecord {
  p: number;
  signSum: number;
  signCount: number;
  steps: number;
  lastRt: number | null;
}

/** What a checkpoint keeps of the image-quality options beyond config and RNG (absent before version 3). */
export interface QualityState {
  ada?: AdaRecord;
}

function qualityProblem(q: unknown): string | undefined {
  if (q === undefined) return undefined;
  if (!isObject(q)) return 'meta.quality is not an object';
  const ada = q.ada;
  if (ada === undefined) return undefined;
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (!isObject(ada) || !finite(ada.p) || !(ada.p >= 0 && ada.p <= 1) || !finite(ada.signSum) || !finite(ada.signCount) ||
    !Number.isInteger(ada.steps) || !(ada.lastRt === null || finite(ada.lastRt))) return 'meta.quality.ada is malformed';
  return undefined;
}

/** checkpoint.json's meta: everything but the tensors. */
export interface CheckpointMeta {
  step: number;
  epoch: number;
  /** Training seconds so far, all sessions. */
  seconds: number;
  config: TrainConfig;
  arch: ArchSpec;
  classes: number;
  classNames?: string[];
  rng: RngState;
  batches: BatchState;
  optimizers: { G: { kind: OptimizerState['kind']; step: number; slots: string[] }; D: { kind: OptimizerState['kind']; step: number; slots: string[] } };
  /** The models' weight names, in their weights order. */
  weightNames: { G: string[]; D: string[] };
  /** Whether the record holds an EMA of G. */
  ema: boolean;
  figures?: StepFigures;
  /** The best FID so far (train --eval-every), so a resumed run keeps the right checkpoints/best. */
  bestFid?: number;
  /** The image-quality options' state (from version 3): ADA's p and the signs it is accumulating. */
  quality?: QualityState;
  /** Data-parallel runs: the number of ranks that trained up to this checkpoint (absent: 1). */
  world?: number;
  versions: Record<string, string>;
  savedAt: string;
}

/**
 * Where a run is, beside its weights: what a checkpoint restores and what a data-parallel rank takes from rank 0
 * (train/run-state.ts), so that both move the same fields.
 */
export type RunPosition = Pick<CheckpointMeta, 'step' | 'epoch' | 'seconds' | 'rng' | 'batches' | 'figures' | 'bestFid' | 'quality'>;

/** What the meta holds besides what writeCheckpoint derives from the tensors. */
export type CheckpointState = Omit<CheckpointMeta, 'optimizers' | 'weightNames' | 'ema' | 'versions' | 'savedAt'>;

/** A whole checkpoint in memory. Read ones hold new tensors: free them with disposeCheckpoint(). */
export interface Checkpoint {
  state: CheckpointState;
  G: NamedTensors;
  D: NamedTensors;
  /** The EMA of G, in G's order. */
  ema?: tf.Tensor[];
  optimizers: { G: OptimizerState; D: OptimizerState };
  fixedNoise: tf.Tensor2D;
  fixedLabels?: tf.Tensor1D;
}

export interface NamedTensors {
  names: string[];
  values: tf.Tensor[];
}

/** The versions of what wrote a checkpoint or an export. */
export function versions(): Record<string, string> {
  const own = (require('../../package.json') as { version: string }).version;
  return { dcgan: own, tfjs: tf.version_core, node: process.versions.node };
}

// The tensors' names in tensors.bin: 'G/<weight>', 'D/<weight>', 'EMA/<weight of G>', 'optG/<slot>/<i>',
// 'optD/<slot>/<i>', 'fixedNoise', 'fixedLabels'.
type Net = 'G' | 'D' | 'EMA';
const weightTensor = (net: Net, name: string) => `${net}/${name}`;
const slotTensor = (net: 'G' | 'D', slot: string, i: number) => `opt${net}/${slot}/${i}`;
const FIXED_NOISE = 'fixedNoise', FIXED_LABELS = 'fixedLabels';

/** Writes `c` as the checkpoint folder `dir`, atomically. */
export function writeCheckpoint(dir: string, c: Checkpoint): void {
  const tensors: Record<string, tf.Tensor> = {};
  c.G.values.forEach((t, i) => { tensors[weightTensor('G', c.G.names[i]!)] = t; });
  c.D.values.forEach((t, i) => { tensors[weightTensor('D', c.D.names[i]!)] = t; });
  c.ema?.forEach((t, i) => { tensors[weightTensor('EMA', c.G.names[i]!)] = t; });
  const optimizer = (net: 'G' | 'D') => {
    const s = c.optimizers[net];
    for (const [slot, ts] of Object.entries(s.slots)) ts.forEach((t, i) => { tensors[slotTensor(net, slot, i)] = t; });
    return { kind: s.kind, step: s.step, slots: Object.keys(s.slots) };
  };
  tensors[FIXED_NOISE] = c.fixedNoise;
  if (c.fixedLabels) tensors[FIXED_LABELS] = c.fixedLabels;
  const meta: CheckpointMeta = {
    ...c.state, optimizers: { G: optimizer('G'), D: optimizer('D') }, weightNames: { G: c.G.names, D: c.D.names },
    ema: Boolean(c.ema), versions: versions(), savedAt: new Date().toISOString(),
  };
  writeTensorFolder(dir, meta, tensors);
}

function damaged(file: string, what: string): UserError {
  return new UserError(`${file}: ${what}; the checkpoint is damaged or was written by another program: use another one (--checkpoint STEP)`);
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** checkpoint.json's meta, with the fields every reader relies on checked. */
export function readCheckpointMeta(dir: string): CheckpointMeta {
  const { meta, jsonPath } = readTensorIndex(dir);
  const m = meta as Partial<Record<keyof CheckpointMeta, unknown>>;
  for (const key of ['step', 'epoch', 'classes'] as const) {
    if (!Number.isInteger(m[key]) || (m[key] as number) < 0) throw damaged(jsonPath, `meta.${key} is missing or not a count`);
  }
  if (typeof m.seconds !== 'number' || !(m.seconds >= 0)) throw damaged(jsonPath, 'meta.seconds is missing or not a duration');
  if (!isObject(m.config)) throw damaged(jsonPath, 'meta.config is missing');
  if (!isObject(m.arch)) throw damaged(jsonPath, 'meta.arch is missing');
  let config: TrainConfig;
  try {
    checkArch(m.arch, 'meta.arch');
    // A record written before some knobs existed gets their legacy values (config.ts).
    config = checkSavedConfig(m.config, 'meta.config', []);
  } catch (e) {
    if (!isUserError(e)) throw e;
    throw damaged(jsonPath, e.message.replace(/; the file .*$/, ''));
  }
  if (m.classNames !== undefined && !isStrings(m.classNames)) throw damaged(jsonPath, 'meta.classNames is not a list of names');
  if (!isObject(m.weightNames) || !isStrings(m.weightNames.G) || !isStrings(m.weightNames.D)) throw damaged(jsonPath, 'meta.weightNames is missing');
  if (typeof m.ema !== 'boolean') throw damaged(jsonPath, 'meta.ema is missing');
  const quality = qualityProblem(m.quality);
  if (quality) throw damaged(jsonPath, quality);
  return { ...(meta as CheckpointMeta), config };
}

/**
 * Why the checkpoint folder `dir` cannot be used (one line naming the damaged file), or null when it is intact:
 * its meta, its index, tensors.bin's checksum and size, and every weight the meta names. Loads no tensor.
 */
export function checkpointDamage(dir: string): string | null {
  try {
    const meta = readCheckpointMeta(dir);
    const { tensors, jsonPath } = verifyTensorFolder(dir);
    const names = [...meta.weightNames.G.map((n) => weightTensor('G', n)), ...meta.weightNames.D.map((n) => weightTensor('D', n)),
      ...(meta.ema ? meta.weightNames.G.map((n) => weightTensor('EMA', n)) : []), FIXED_NOISE];
    const missing = names.find((n) => !tensors[n]);
    if (missing) return damaged(jsonPath, `tensor '${missing}' is missing`).message;
    return null;
  } catch (e) {
    if (e instanceof UserError) return e.message;
    throw e;
  }
}

/** The newest step checkpoint of a run that is intact (checkpointDamage), or undefined. */
export function newestIntactCheckpoint(checkpointsDir: string): string | undefined {
  return listCheckpoints(checkpointsDir).reverse().find((c) => checkpointDamage(c.path) === null)?.path;
}

/** One network's weights from a checkpoint ('EMA' falls back to G's when the run kept no average). */
export function readNetwork(dir: string, net: Net): { meta: CheckpointMeta; names: string[]; values: tf.Tensor[]; source: Net } {
  const meta = readCheckpointMeta(dir);
  const source: Net = net === 'EMA' && !meta.ema ? 'G' : net;
  const names = net === 'D' ? meta.weightNames.D : meta.weightNames.G;
  const wanted = new Set(names.map((n) => weightTensor(source, n)));
  const { tensors } = readTensors(dir, (name) => wanted.has(name));
  const missing = [...wanted].find((n) => !tensors[n]);
  if (missing) {
    tf.dispose(Object.values(tensors));
    throw damaged(`${dir}/${CHECKPOINT_FILES.record}`, `tensor '${missing}' is missing`);
  }
  return { meta, names, values: names.map((n) => tensors[weightTensor(source, n)]!), source };
}

/** The whole record of `dir`, checked; the caller frees it with disposeCheckpoint(). */
export function readCheckpoint(dir: string): Checkpoint {
  const meta = readCheckpointMeta(dir);
  const { tensors } = readTensors(dir);
  const jsonPath = `${dir}/${CHECKPOINT_FILES.record}`;
  const take = (name: string): tf.Tensor => {
    const t = tensors[name];
    if (!t) {
      tf.dispose(Object.values(tensors));
      throw damaged(jsonPath, `tensor '${name}' is missing`);
    }
    return t;
  };
  const optimizer = (net: 'G' | 'D'): OptimizerState => {
    const o = isObject(meta.optimizers) ? meta.optimizers[net] : undefined;
    if (!isObject(o) || !isStrings(o.slots) || !Number.isInteger(o.step) || (o.kind !== 'adam' && o.kind !== 'sgd-nesterov')) {
      tf.dispose(Object.values(tensors));
      throw damaged(jsonPath, `meta.optimizers.${net} is missing or malformed`);
    }
    const slots: Record<string, tf.Tensor[]> = {};
    for (const slot of o.slots) {
      const list: tf.Tensor[] = [];
      for (let i = 0; tensors[slotTensor(net, slot, i)]; i++) list.push(tensors[slotTensor(net, slot, i)]!);
      slots[slot] = list;
    }
    return { kind: o.kind, step: o.step, slots };
  };
  const { weightNames: names } = meta;
  const c: Checkpoint = {
    state: meta,
    G: { names: names.G, values: names.G.map((n) => take(weightTensor('G', n))) },
    D: { names: names.D, values: names.D.map((n) => take(weightTensor('D', n))) },
    ema: meta.ema ? names.G.map((n) => take(weightTensor('EMA', n))) : undefined,
    optimizers: { G: optimizer('G'), D: optimizer('D') },
    fixedNoise: take(FIXED_NOISE) as tf.Tensor2D,
    fixedLabels: tensors[FIXED_LABELS] as tf.Tensor1D | undefined,
  };
  return c;
}

/** Frees the tensors of a checkpoint read with readCheckpoint(). */
export function disposeCheckpoint(c: Checkpoint): void {
  tf.dispose([...c.G.values, ...c.D.values, ...(c.ema ?? []), c.fixedNoise, ...(c.fixedLabels ? [c.fixedLabels] : []),
    ...Object.values(c.optimizers.G.slots).flat(), ...Object.values(c.optimizers.D.slots).flat()]);
}
