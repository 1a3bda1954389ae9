// The trainer's side of a checkpoint: its models, optimizers, EMA and fixed noise gathered into a record
// (run/checkpoint.ts owns the format), and put back from one on resume.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { readCheckpoint, disposeCheckpoint, writeCheckpoint, type CheckpointState } from '../run/checkpoint.js';
import { UserError } from '../util/errors.js';
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

/** Loads the checkpoint `dir` into `parts`; returns its meta and fixed noise. */
export function loadTrainingCheckpoint(dir: string, parts: TrainingParts): { state: CheckpointState; fixed: FixedNoise } {
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
    load(parts.G, 'G', c.G.values, c.G.names);
    load(parts.D, 'D', c.D.values, c.D.names);
    parts.ema?.load(c.ema ?? parts.G.getWeights());
    parts.optG.setState(c.optimizers.G);
    parts.optD.setState(c.optimizers.D);
    const [, nz] = c.fixedNoise.shape;
    const fixed: FixedNoise = {
      z: c.fixedNoise.dataSync().slice() as Float32Array, nz,
      labels: c.fixedLabels ? (c.fixedLabels.dataSync().slice() as Int32Array) : undefined,
    };
    return { state: c.state, fixed };
  } finally {
    disposeCheckpoint(c);
  }
}
