// The trainer's side of a checkpoint: its models, optimizers, EMA and fixed noise gathered into a record
// (run/checkpoint.ts owns the format), and put back from one on resume, every part checked against the
// run's models first; resume takes the newest checkpoint that passes.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { readCheckpoint, disposeCheckpoint, setAsideCheckpointsAfter, writeCheckpoint, type CheckpointRef, type CheckpointState, type OptimizerState } from '../run/checkpoint.js';
import { isUserError, UserError } from '../util/errors.js';
import type { Ema } from './ema.js';
import type { GanOptimizer } from './optimizers.js';

/** What a checkpoint saves of a training run besides the meta. */
export interface TrainingParts {
  G: tfl.LayersModel;
  D: tfl.LayersModel;
  optG: GanOptimizer;
  optD: GanOptimizer;
  ema?: Ema;
}

/** The fixed noise of the sample grids (and their classes, when conditional). */
export interface FixedNoise {
  z: Float32Array;
  nz: number;
  labels?: Int32Array;
}

function weightNames(m: tfl.LayersModel): string[] {
  return m.weights.map((w) => w.originalName ?? w.name);
}

/** Writes the checkpoint folder `dir`. */
export function saveTrainingCheckpoint(dir: string, parts: TrainingParts, state: CheckpointState, fixed: FixedNoise): void {
  const optG = parts.optG.getState(), optD = parts.optD.getState();
  const fixedNoise = tf.tensor2d(fixed.z, [fixed.z.length / fixed.nz, fixed.nz]);
  const fixedLabels = fixed.labels ? tf.tensor1d(fixed.labels, 'int32') : undefined;
  try {
    writeCheckpoint(dir, {
      state,
      G: { names: weightNames(parts.G), values: parts.G.weights.map((w) => w.read()) },
      D: { names: weightNames(parts.D), values: parts.D.weights.map((w) => w.read()) },
      ema: parts.ema?.shadow,
      optimizers: { G: optG, D: optD },
      fixedNoise,
      fixedLabels,
    });
  } finally {
    // The optimizer states and the fixed noise were copies made for the checkpoint.
    tf.dispose([...Object.values(optG.slots).flat(), ...Object.values(optD.slots).flat(), fixedNoise, ...(fixedLabels ? [fixedLabels] : [])]);
  }
}

/** Loads the checkpoint `dir` into `parts` (whose G takes `nz` latents); returns its meta and fixed noise. */
export function loadTrainingCheckpoint(dir: string, parts: TrainingParts, nz: number): { state: CheckpointState; fixed: FixedNoise } {
  const c = readCheckpoint(dir);
  try {
    const load = (m: tfl.LayersModel, net: 'G' | 'D', values: tf.Tensor[], names: string[]) => {
      const want = weightNames(m);
      if (want.join() !== names.join()) throw new UserError(`${dir}: its ${net} has other weights than the run's architecture (${names.length} vs ${want.length}); the checkpoint belongs to another run`);
      values.forEach((t, i) => {
        const shape = m.weights[i]!.shape;
        if (t.shape.join() !== shape.join()) throw new UserError(`${dir}: ${net}/${names[i]} has shape [${t.shape}] but the model's is [${shape}]; the checkpoint belongs to another run`);
      });
      m.setWeights(values);
    };
    const checkOptimizer = (m: tfl.LayersModel, net: 'G' | 'D', opt: GanOptimizer, o: OptimizerState) => {
      if (o.kind !== opt.kind) throw new UserError(`${dir}: its ${net} optimizer is ${o.kind} but the run's is ${opt.kind}; the checkpoint belongs to another run`);
      const vars = m.trainableWeights;
      for (const [slot, ts] of Object.entries(o.slots)) {
        const bad = ts.length !== 0 && ts.length !== vars.length ? `${ts.length} tensors for ${vars.length} weights` :
          ts.findIndex((t, i) => t.shape.join() !== vars[i]!.shape.join()) >= 0 ? 'a tensor of another shape than its weight' : '';
        if (bad) throw new UserError(`${dir}: the ${net} optimizer's '${slot}' slot has ${bad}; the checkpoint is damaged or belongs to another run`);
      }
    };
    checkOptimizer(parts.G, 'G', parts.optG, c.optimizers.G);
    checkOptimizer(parts.D, 'D', parts.optD, c.optimizers.D);
    const [rows, width] = c.fixedNoise.shape;
    if (c.fixedNoise.rank !== 2 || width !== nz || (c.fixedLabels && c.fixedLabels.shape.join() !== String(rows))) {
      throw new UserError(`${dir}: its fixed noise has shape [${c.fixedNoise.shape}] (labels [${c.fixedLabels?.shape ?? ''}]) for a latent size of ${nz}; the checkpoint is damaged`);
    }
    load(parts.G, 'G', c.G.values, c.G.names);
    load(parts.D, 'D', c.D.values, c.D.names);
    parts.ema?.load(c.ema ?? parts.G.getWeights());
    parts.optG.setState(c.optimizers.G);
    parts.optD.setState(c.optimizers.D);
    const fixed: FixedNoise = {
      z: c.fixedNoise.dataSync().slice() as Float32Array, nz,
      labels: c.fixedLabels ? (c.fixedLabels.dataSync().slice() as Int32Array) : undefined,
    };
    return { state: c.state, fixed };
  } finally {
    disposeCheckpoint(c);
  }
}

/**
 * Loads the first of `candidates` (newest first) that is intact and fits the run into `parts`; each one passed
 * over is a warning. With one candidate (a checkpoint the user chose), its damage is the error. The step
 * checkpoints after the one loaded belong to the training the resumed run replaces: they are set aside.
 */
export function loadNewestIntact(candidates: CheckpointRef[], checkpointsDir: string, parts: TrainingParts, nz: number, warn: (m: string) => void): { dir: string; state: CheckpointState; fixed: FixedNoise } {
  const passed: string[] = [];
  for (const c of candidates) {
    try {
      const loaded = loadTrainingCheckpoint(c.path, parts, nz);
      const aside = setAsideCheckpointsAfter(checkpointsDir, loaded.state.step);
      if (aside.length) warn(`set aside the checkpoints after step ${loaded.state.step}, which this resumed run replaces: ${aside.join(', ')} (delete them when they are not needed)`);
      return { dir: c.path, ...loaded };
    } catch (e) {
      if (!isUserError(e) || candidates.length === 1) throw e;
      const why = e.message.replace(/; (the checkpoint is|use another|pass a run).*$/, '');
      passed.push(why);
      warn(`${why}; trying the checkpoint before it`);
    }
  }
  throw new UserError(`no checkpoint of this run is intact (${passed.join(' | ')}); restore one, or start a new run`);
}
