// Where generators come from: a run folder (its exported generator, or one of its checkpoints, with the
// EMA or the raw weights), a checkpoint folder, or an exported generator (model.json). All are opened as
// stock tfjs-layers models, exactly what a browser would load.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';
import { buildDiscriminator, buildGenerator } from '../model/build.js';
import { stockTopology, type GeneratorMeta } from '../model/export.js';
import { modelArtifacts, readModelArtifacts } from '../model/model-files.js';
import { readNetwork, resolveCheckpoint, type CheckpointMeta } from '../run/checkpoint.js';
import { CHECKPOINT_FILES, GENERATOR_FILES, RunLayout } from '../run/layout.js';

export interface OpenOptions {
  /** A run's checkpoint: 'latest', 'best' or a step number; default: the run's exported generator. */
  checkpoint?: string;
  /** From a checkpoint: the EMA weights (when the run kept them, the default) or the raw ones. */
  weights?: 'ema' | 'raw';
}

export interface OpenedGenerator {
  model: tfl.LayersModel;
  meta: GeneratorMeta;
  /** The stock topology and weights (to derive variants such as the large-image generator). */
  artifacts: tf.io.ModelArtifacts;
  /** What was opened, for messages. */
  source: string;
}

/** Loads a checkpoint's G, its EMA (G's weights when the run kept none) or D into a model built from its architecture. */
export function modelsFromCheckpoint(dir: string, which: 'G' | 'D' | 'EMA'): { model: tfl.LayersModel; meta: CheckpointMeta; weights: 'EMA' | 'raw' } {
  const { meta, values, source } = readNetwork(dir, which);
  try {
    const classes = meta.classes;
    const model = which === 'D' ? buildDiscriminator(meta.arch, { classes }) : buildGenerator(meta.arch, { classes });
    try {
      model.setWeights(values);
    } catch (e) {
      model.dispose();
      throw new UserError(`${dir}: its weights do not fit its architecture (${(e as Error).message}); the checkpoint is damaged: use another one (--checkpoint STEP)`);
    }
    return { model, meta, weights: source === 'EMA' ? 'EMA' : 'raw' };
  } finally {
    tf.dispose(values);
  }
}

/** Opens a generator from a run folder, a checkpoint folder or an exported generator. */
export async function openGenerator(path: string, opts: OpenOptions = {}): Promise<OpenedGenerator> {
  if (!existsSync(path)) throw new UserError(`${path} does not exist: give a run folder, a checkpoint folder or a generator's model.json`);
  const isDir = statSync(path).isDirectory();
  const exportJson = !isDir ? path : existsSync(join(path, GENERATOR_FILES.model)) ? join(path, GENERATOR_FILES.model) : new RunLayout(path).generatorModelPath;
  const isCheckpoint = isDir && existsSync(join(path, CHECKPOINT_FILES.record));
  if (!opts.checkpoint && !isCheckpoint && existsSync(exportJson)) {
    const a = readModelArtifacts(exportJson);
    const meta = (a.userDefinedMetadata as { dcgan?: GeneratorMeta } | undefined)?.dcgan;
    if (!meta) throw new UserError(`${exportJson} has no dcgan metadata (nz, image size): it was not exported by dcgan`);
    const model = await tfl.loadLayersModel(tf.io.fromMemory(a));
    return { model, meta, artifacts: a, source: exportJson };
  }
  if (!isDir) throw new UserError(`${path} is not a generator's model.json`);
  const ckpt = resolveCheckpoint(path, opts.checkpoint ?? 'latest');
  const which = opts.weights === 'raw' ? 'G' : 'EMA';
  const { model: ours, meta, weights } = modelsFromCheckpoint(ckpt, which);
  try {
    const artifacts = await modelArtifacts(ours, stockTopology);
    const model = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    const gm: GeneratorMeta = {
      preset: meta.arch.name, nz: meta.arch.nz, latent: meta.arch.latent, classes: meta.classes ?? 0,
      classNames: meta.classNames, image: meta.arch.image, step: meta.step,
    };
    return { model, meta: gm, artifacts, source: `${ckpt} (${weights} weights)` };
  } finally {
    ours.dispose();
  }
}
