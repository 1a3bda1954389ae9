// TF.js layers models on disk (model.json + weight files, the format tf.loadLayersModel reads): reading them
// (exported generators, users' feature networks, cached classifiers) and saving them atomically.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../util/errors.js';
import { writeFolderAtomic } from '../util/files.js';

/** The files of a layers model folder (what tf.loadLayersModel reads). */
export const LAYERS_MODEL_FILES = { model: 'model.json', weights: 'weights.bin' } as const;

interface ModelJson {
  modelTopology?: object;
  weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  userDefinedMetadata?: Record<string, unknown>;
}

/** The model.json of `path` (a model.json, or a folder holding one). */
export function modelJsonPath(path: string): string {
  if (!existsSync(path)) throw new UserError(`${path} does not exist: give a TF.js layers model's model.json (or its folder)`);
  return statSync(path).isDirectory() ? join(path, LAYERS_MODEL_FILES.model) : path;
}

/** Reads model.json and its weight files as ModelArtifacts (with its userDefinedMetadata). */
export function readModelArtifacts(path: string): tf.io.ModelArtifacts {
  const jsonPath = modelJsonPath(path);
  if (!existsSync(jsonPath)) throw new UserError(`${path} has no model.json: give a TF.js layers model (tensorflowjs_converter --output_format tfjs_layers_model)`);
  let json: ModelJson;
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8')) as ModelJson;
  } catch (e) {
    throw new UserError(`${jsonPath} is not valid JSON (${(e as Error).message}); give a TF.js layers model's model.json`);
  }
  if (!json.modelTopology || !json.weightsManifest) {
    throw new UserError(`${jsonPath} is not a TF.js layers model (no modelTopology / weightsManifest); convert it with tensorflowjs_converter --output_format tfjs_layers_model`);
  }
  const dir = dirname(jsonPath);
  const weightData = tf.io.concatenateArrayBuffers(json.weightsManifest.flatMap((g) => g.paths).map((p) => {
    const file = join(dir, p);
    if (!existsSync(file)) throw new UserError(`${jsonPath} names the weights file ${p}, which is missing from ${dir}`);
    const b = readFileSync(file);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }));
  return {
    modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData,
    userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'],
  };
}

/** Loads a layers model from model.json and its weights. */
export async function loadLayersModelFile(path: string): Promise<tfl.LayersModel> {
  const artifacts = readModelArtifacts(path);
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (e) {
    throw new UserError(`${modelJsonPath(path)} does not load as a TF.js layers model: ${(e as Error).message}`);
  }
}

/**
 * `model`'s topology and weights as ModelArtifacts, the weights in one buffer; `topology` rewrites the topology
 * (the generator export turns the project's layers into stock ones).
 */
export async function modelArtifacts(model: tfl.LayersModel, topology?: (topology: Record<string, unknown>) => object): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const a = artifacts!;
  const weightData = a.weightData instanceof ArrayBuffer ? a.weightData : tf.io.concatenateArrayBuffers(a.weightData as ArrayBuffer[]);
  const modelTopology = a.modelTopology as Record<string, unknown>;
  return { ...a, modelTopology: topology ? topology(modelTopology) : modelTopology, weightData };
}

/**
 * Writes `model` as dir/model.json + dir/weights.bin (with `meta` as userDefinedMetadata) and any `extra` files
 * (name -> text), all at once: the folder appears complete or not at all. `topology` as in modelArtifacts.
 */
export async function saveLayersModel(model: tfl.LayersModel, dir: string, meta: Record<string, unknown>, options: {
  extra?: Record<string, string>;
  topology?: (topology: Record<string, unknown>) => object;
} = {}): Promise<void> {
  const a = await modelArtifacts(model, options.topology);
  const json = {
    format: 'layers-model',
    generatedBy: `dcgan (TensorFlow.js ${tf.version_core})`,
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [LAYERS_MODEL_FILES.weights], weights: a.weightSpecs }],
    userDefinedMetadata: meta,
  };
  writeFolderAtomic(dir, (tmp) => {
    writeFileSync(join(tmp, LAYERS_MODEL_FILES.weights), Buffer.from(a.weightData as ArrayBuffer));
    writeFileSync(join(tmp, LAYERS_MODEL_FILES.model), JSON.stringify(json));
    for (const [name, text] of Object.entries(options.extra ?? {})) writeFileSync(join(tmp, name), text);
  });
}
