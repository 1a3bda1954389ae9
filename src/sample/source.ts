// Where generators come from: a run folder (the newest of its exported generator and its latest intact
// checkpoint, or a checkpoint chosen by name, with the EMA or the raw weights), a checkpoint folder, or an
// exported generator (model.json). All are opened as stock tfjs-layers models, exactly what a browser would
// load; damaged files are passed over with a warning when something intact can stand in, else named.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isUserError, UserError } from '../util/errors.js';
import { buildDiscriminator, buildGenerator } from '../model/build.js';
import { standingGeneratorStatistics } from '../model/standing.js';
import { loadStockModel, readExportedGenerator, stockTopology, type ExportedGenerator, type GeneratorMeta } from '../model/export.js';
import { modelArtifacts } from '../model/model-files.js';
import { checkpointDamage, listCheckpoints, readNetwork, resolveCheckpoint, type CheckpointMeta } from '../run/checkpoint.js';
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
  /** Damaged files passed over to open it (one line each), for the user to hear about. */
  warnings: string[];
}

/** Loads a checkpoint's G, its EMA (G's weights when the run kept none) or D into a model built from its architecture. */
export function modelsFromCheckpoint(dir: string, which: 'G' | 'D' | 'EMA'): { model: tfl.LayersModel; meta: CheckpointMeta; weights: 'EMA' | 'raw' } {
  const { meta, values, source } = readNetwork(dir, which);
  try {
    const classes = meta.classes;
    const model = which === 'D' ? buildDiscriminator(meta.arch, { classes, spectralNorm: meta.config.spectralNorm === 'd' }) : buildGenerator(meta.arch, { classes });
    try {
      model.setWeights(values);
      // The EMA's BatchNorm statistics are G's: re-estimated for the average, as training's export does.
      if (source === 'EMA') standingGeneratorStatistics(model, meta.arch, classes, meta.config.seed);
    } catch (e) {
      model.dispose();
      throw new UserError(`${dir}: its weights do not fit its architecture (${(e as Error).message}); the checkpoint is damaged: use another one (--checkpoint STEP)`);
    }
    return { model, meta, weights: source === 'EMA' ? 'EMA' : 'raw' };
  } finally {
    tf.dispose(values);
  }
}

async function fromExport(g: ExportedGenerator, warnings: string[]): Promise<OpenedGenerator> {
  const model = await loadStockModel(g.artifacts, g.path);
  return { model, meta: g.meta, artifacts: g.artifacts, source: g.path, warnings };
}

async function fromCheckpoint(dir: string, weights: OpenOptions['weights'], why: string, warnings: string[]): Promise<OpenedGenerator> {
  const { model: ours, meta, weights: used } = modelsFromCheckpoint(dir, weights === 'raw' ? 'G' : 'EMA');
  try {
    const artifacts = await modelArtifacts(ours, stockTopology);
    const model = await loadStockModel(artifacts, join(dir, CHECKPOINT_FILES.record));
    const gm: GeneratorMeta = {
      preset: meta.arch.name, nz: meta.arch.nz, latent: meta.arch.latent, classes: meta.classes ?? 0,
      classNames: meta.classNames, image: meta.arch.image, step: meta.step,
    };
    return { model, meta: gm, artifacts, source: `${dir} (${used} weights${why ? `; ${why}` : ''})`, warnings };
  } finally {
    ours.dispose();
  }
}

/**
 * A run's generator: the newest of its exported generator and its latest intact checkpoint (the export when
 * both are at the same step); `weights` asks for a checkpoint. Damaged ones are passed over with a warning.
 */
async function fromRun(run: string, weights: OpenOptions['weights']): Promise<OpenedGenerator> {
  const layout = new RunLayout(run);
  const warnings: string[] = [];
  let exported: ExportedGenerator | undefined;
  if (!weights && existsSync(layout.generatorDir)) {
    try {
      exported = readExportedGenerator(layout.generatorDir);
    } catch (e) {
      if (!isUserError(e)) throw e;
      warnings.push(e.message);
    }
  }
  for (const c of listCheckpoints(layout.checkpointsDir).reverse()) {
    if (exported && c.step <= exported.meta.step) break;
    const damage = checkpointDamage(c.path);
    if (damage) {
      warnings.push(damage);
      continue;
    }
    const why = exported ? `newer than the exported generator of step ${exported.meta.step}` : weights ? '' : existsSync(layout.generatorDir) ? 'in place of the damaged exported generator' : 'the run has no exported generator yet';
    return fromCheckpoint(c.path, weights, why, warnings);
  }
  if (exported) return fromExport(exported, warnings);
  if (warnings.length) throw new UserError(`${run} has no intact generator: ${warnings.join(' | ')}`);
  throw new UserError(`${run} has no generator yet (no ${GENERATOR_FILES.model} in generator/, no checkpoints); train it first`);
}

/** Opens a generator from a run folder, a checkpoint folder or an exported generator. */
export async function openGenerator(path: string, opts: OpenOptions = {}): Promise<OpenedGenerator> {
  if (!existsSync(path)) throw new UserError(`${path} does not exist: give a run folder, a checkpoint folder or a generator's model.json`);
  if (!statSync(path).isDirectory()) return fromExport(readExportedGenerator(path), []);
  if (existsSync(join(path, CHECKPOINT_FILES.record))) return fromCheckpoint(path, opts.weights, '', []);
  const run = new RunLayout(path);
  if (!existsSync(run.configPath) && !existsSync(run.checkpointsDir)) {
    if (existsSync(join(path, GENERATOR_FILES.model))) return fromExport(readExportedGenerator(path), []);
    throw new UserError(`${path} is not a run folder, a checkpoint folder or a generator's folder (no config.json, checkpoint.json or model.json)`);
  }
  if (opts.checkpoint) return fromCheckpoint(resolveCheckpoint(path, opts.checkpoint), opts.weights, '', []);
  return fromRun(path, opts.weights);
}
