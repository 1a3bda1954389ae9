// The generator in TensorFlow.js's stock layers format (model.json + weights.bin), which a browser loads with
// tf.loadLayersModel. The project's fused DcganBatchNorm layers become stock BatchNormalization layers (and
// an Activation / LeakyReLU after them); the weights are the same.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { writeFolderAtomic } from '../files.js';

/** What a sampler needs to know about an exported generator, stored in model.json's userDefinedMetadata. */
export interface GeneratorMeta {
  preset: string;
  nz: number;
  latent: 'normal' | 'uniform';
  classes: number;
  classNames?: string[];
  image: { height: number; width: number; channels: number };
  step: number;
}

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
  let artifacts: tf.io.ModelArtifacts | undefined;
  await G.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const a = artifacts!;
  const weightData = a.weightData instanceof ArrayBuffer ? a.weightData : tf.io.concatenateArrayBuffers(a.weightData as ArrayBuffer[]);
  const modelJson = {
    format: 'layers-model',
    generatedBy: `dcgan (TensorFlow.js ${tf.version_core})`,
    convertedBy: null,
    modelTopology: stockTopology(a.modelTopology as Record<string, unknown>),
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    userDefinedMetadata: { dcgan: meta },
  };
  writeFolderAtomic(dir, (tmp) => {
    writeFileSync(join(tmp, 'weights.bin'), Buffer.from(weightData));
    writeFileSync(join(tmp, 'model.json'), JSON.stringify(modelJson));
  });
}

/** Loads an exported generator (the folder or its model.json) with stock tfjs-layers. */
export async function loadGenerator(path: string): Promise<{ model: tfl.LayersModel; meta: GeneratorMeta }> {
  const dir = path.endsWith('.json') ? join(path, '..') : path;
  const jsonPath = path.endsWith('.json') ? path : join(path, 'model.json');
  if (!existsSync(jsonPath)) throw new UserError(`${jsonPath} does not exist: pass a run folder's generator/ folder or its model.json`);
  const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as {
    modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    userDefinedMetadata?: { dcgan?: GeneratorMeta };
  };
  const meta = json.userDefinedMetadata?.dcgan;
  if (!meta) throw new UserError(`${jsonPath} has no dcgan metadata (nz, image size): it was not exported by dcgan`);
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const weightData = tf.io.concatenateArrayBuffers(json.weightsManifest.flatMap((g) => g.paths).map((p) => {
    const b = readFileSync(join(dir, p));
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }));
  const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
  return { model, meta };
}
