// The generator in TensorFlow.js's stock layers format (model.json + weights.bin), which a browser loads with
// tf.loadLayersModel. The project's fused DcganBatchNorm layers become stock BatchNormalization layers (and
// an Activation / LeakyReLU after them); the weights are the same. Reading one back checks its files and its
// metadata.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { UserError } from '../util/errors.js';
import type { GeneratorMeta } from './generator-meta.js';
import { modelJsonPath, readModelArtifacts, saveLayersModel } from './model-files.js';

export type { GeneratorMeta } from './generator-meta.js';

interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

/** Stock initialiser configs in place of the project's (only used if the model is trained again). */
function stockInitializers(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    const init = v as { class_name?: string; config?: Record<string, unknown> } | null;
    out[k] = init && typeof init === 'object' && init.class_name === 'DcganNormal' ? { class_name: 'RandomNormal', config: init.config } : v;
  }
  return out;
}

/** Rewrites a Sequential topology so that stock TF.js can build it. */
export function stockTopology(topology: Record<string, unknown>): Record<string, unknown> {
  const config = topology.config as { layers: LayerJson[] };
  const layers: LayerJson[] = [];
  for (const raw of config.layers) {
    const l = { ...raw, config: stockInitializers(raw.config) };
    if (l.class_name !== 'DcganBatchNorm') {
      layers.push(l);
      continue;
    }
    const c = l.config;
    const bn: Record<string, unknown> = {
      name: c.name, trainable: c.trainable ?? true, dtype: c.dtype ?? 'float32', axis: -1,
      momentum: c.momentum, epsilon: c.epsilon, center: true, scale: true,
      beta_initializer: { class_name: 'Zeros', config: {} }, gamma_initializer: { class_name: 'Ones', config: {} },
      moving_mean_initializer: { class_name: 'Zeros', config: {} }, moving_variance_initializer: { class_name: 'Ones', config: {} },
    };
    if (c.batch_input_shape) bn.batch_input_shape = c.batch_input_shape;
    layers.push({ class_name: 'BatchNormalization', config: bn });
    if (c.activation === 'relu') layers.push({ class_name: 'Activation', config: { name: `${String(c.name)}_relu`, trainable: true, dtype: 'float32', activation: 'relu' } });
    if (c.activation === 'leakyrelu') layers.push({ class_name: 'LeakyReLU', config: { name: `${String(c.name)}_leaky`, trainable: true, dtype: 'float32', alpha: c.alpha } });
  }
  return { ...topology, config: { ...config, layers } };
}

/** Writes G to `dir` (model.json, weights.bin), atomically. */
export async function exportGenerator(G: tfl.LayersModel, dir: string, meta: GeneratorMeta): Promise<void> {
  await saveLayersModel(G, dir, { dcgan: meta }, { topology: stockTopology });
}

const isCount = (v: unknown, min = 0) => Number.isInteger(v) && (v as number) >= min;

/** The dcgan metadata of an exported generator (userDefinedMetadata.dcgan), checked; one line naming `file` otherwise. */
export function checkGeneratorMeta(v: unknown, file: string): GeneratorMeta {
  const bad = (what: string) => new UserError(`${file}: ${what}; it was not exported by dcgan, or is damaged (export it again, or sample a checkpoint)`);
  if (!v || typeof v !== 'object') throw bad('it has no dcgan metadata (nz, image size)');
  const m = v as Record<string, unknown>;
  const img = m.image as Record<string, unknown> | undefined;
  if (!isCount(m.nz, 1)) throw bad('dcgan.nz is not a latent size');
  if (m.latent !== 'normal' && m.latent !== 'uniform') throw bad("dcgan.latent is not 'normal' or 'uniform'");
  if (!img || typeof img !== 'object' || !isCount(img.height, 1) || !isCount(img.width, 1) || (img.channels !== 1 && img.channels !== 3)) throw bad('dcgan.image is not {height, width, channels}');
  if (!isCount(m.classes)) throw bad('dcgan.classes is not a count');
  if (m.classNames !== undefined && !(Array.isArray(m.classNames) && m.classNames.every((n) => typeof n === 'string'))) throw bad('dcgan.classNames is not a list of names');
  if (!isCount(m.step)) throw bad('dcgan.step is not a step');
  if (typeof m.preset !== 'string') throw bad('dcgan.preset is not a name');
  return m as unknown as GeneratorMeta;
}

export interface ExportedGenerator {
  artifacts: tf.io.ModelArtifacts;
  meta: GeneratorMeta;
  /** Its model.json. */
  path: string;
}

/** An exported generator's files (model.json, or its folder), checked (checksums, sizes, metadata); loads no model. */
export function readExportedGenerator(path: string): ExportedGenerator {
  const artifacts = readModelArtifacts(path);
  const file = modelJsonPath(path);
  const meta = checkGeneratorMeta((artifacts.userDefinedMetadata as { dcgan?: unknown } | undefined)?.dcgan, file);
  return { artifacts, meta, path: file };
}

/** A stock layers model from checked artifacts; a model.json whose topology does not build is one line naming `file`. */
export async function loadStockModel(artifacts: tf.io.ModelArtifacts, file: string): Promise<tfl.LayersModel> {
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (e) {
    throw new UserError(`${file} does not load as a TF.js layers model (${(e as Error).message.split('\n')[0]}); export it again, or sample a checkpoint`);
  }
}
