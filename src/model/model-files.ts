// TF.js layers models on disk (model.json + weight files, the format tf.loadLayersModel reads): reading them
// (exported generators, users' feature networks, cached classifiers) and saving them atomically. Saved models
// record their weight files' checksums in userDefinedMetadata.checksums; reading checks them, and the weights'
// size against the manifest, so a damaged file is one line naming it.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checksum } from '../util/checksum.js';
import { UserError } from '../util/errors.js';
import { writeFileNamed, writeFolderAtomic } from '../util/files.js';

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

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** Bytes per element of a weight as stored (quantized weights take fewer); null when its size is not fixed. */
function storedBytes(spec: tf.io.WeightsManifestEntry): number | null {
  const q = spec.quantization?.dtype;
  if (q) return ({ uint8: 1, uint16: 2, float16: 2 } as Record<string, number>)[q] ?? null;
  return ({ float32: 4, int32: 4, bool: 1 } as Record<string, number>)[spec.dtype] ?? null;
}

/** The manifest's groups, checked: file names inside the model's folder, weights with a name, dtype and shape. */
function checkManifest(manifest: unknown, jsonPath: string): { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] {
  const bad = (what: string) => new UserError(`${jsonPath}: ${what}; the file is damaged or not a TF.js layers model (re-export or re-convert it)`);
  if (!Array.isArray(manifest)) throw bad('weightsManifest is not a list');
  return manifest.map((g: unknown, i) => {
    if (!isObject(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) throw bad(`weightsManifest[${i}] has no paths and weights lists`);
    for (const p of g.paths) if (typeof p !== 'string' || !p || /(^|[/\\])\.\.([/\\]|$)|^[/\\]/.test(p)) throw bad(`weightsManifest[${i}] names the weights file ${JSON.stringify(p)}, which is not a file beside model.json`);
    for (const w of g.weights as unknown[]) {
      if (!isObject(w) || typeof w.name !== 'string' || typeof w.dtype !== 'string' || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw bad(`weightsManifest[${i}] has a malformed weight entry (${JSON.stringify(w).slice(0, 80)})`);
      }
    }
    return g as { paths: string[]; weights: tf.io.WeightsManifestEntry[] };
  });
}

/**
 * Reads model.json and its weight files as ModelArtifacts (with its userDefinedMetadata), checked: the weight
 * files against their recorded checksums, and their total size against the manifest.
 */
export function readModelArtifacts(path: string): tf.io.ModelArtifacts {
  const jsonPath = modelJsonPath(path);
  if (!existsSync(jsonPath)) throw new UserError(`${path} has no model.json: give a TF.js layers model (tensorflowjs_converter --output_format tfjs_layers_model)`);
  let json: ModelJson;
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8')) as ModelJson;
  } catch (e) {
    throw new UserError(`${jsonPath} is not valid JSON (${(e as Error).message}); give a TF.js layers model's model.json`);
  }
  if (!isObject(json) || !isObject(json.modelTopology) || !json.weightsManifest) {
    throw new UserError(`${jsonPath} is not a TF.js layers model (no modelTopology / weightsManifest); convert it with tensorflowjs_converter --output_format tfjs_layers_model`);
  }
  const manifest = checkManifest(json.weightsManifest, jsonPath);
  const meta = isObject(json.userDefinedMetadata) ? json.userDefinedMetadata : undefined;
  const sums = isObject(meta?.checksums) ? meta.checksums : {};
  const dir = dirname(jsonPath);
  const weightData = tf.io.concatenateArrayBuffers(manifest.flatMap((g) => g.paths).map((p) => {
    const file = join(dir, p);
    if (!existsSync(file)) throw new UserError(`${jsonPath} names the weights file ${p}, which is missing from ${dir}`);
    const b = readFileSync(file);
    if (sums[p] !== undefined && checksum(b) !== sums[p]) {
      throw new UserError(`${file}: its checksum does not match the one in ${jsonPath} (the file was changed or damaged); export or copy it again`);
    }
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }));
  const specs = manifest.flatMap((g) => g.weights);
  const sizes = specs.map((w) => storedBytes(w));
  if (sizes.every((b) => b !== null)) {
    const want = specs.reduce((sum, w, i) => sum + w.shape.reduce((a, d) => a * d, 1) * sizes[i]!, 0);
    if (want !== weightData.byteLength) {
      throw new UserError(`${jsonPath}: its weight files hold ${weightData.byteLength} bytes but its manifest needs ${want}; a weights file is truncated or damaged (export or copy it again)`);
    }
  }
  return { modelTopology: json.modelTopology, weightSpecs: specs, weightData, userDefinedMetadata: meta as tf.io.ModelArtifacts['userDefinedMetadata'] };
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
 * Writes `model` as dir/model.json + dir/weights.bin (with `meta` and the checksum of weights.bin as
 * userDefinedMetadata) and any `extra` files
 * (name -> text), all at once: the folder appears complete or not at all. `topology` as in modelArtifacts.
 */
export async function saveLayersModel(model: tfl.LayersModel, dir: string, meta: Record<string, unknown>, options: {
  extra?: Record<string, string>;
  topology?: (topology: Record<string, unknown>) => object;
} = {}): Promise<void> {
  const a = await modelArtifacts(model, options.topology);
  const weights = new Uint8Array(a.weightData as ArrayBuffer);
  const json = {
    format: 'layers-model',
    generatedBy: `dcgan (TensorFlow.js ${tf.version_core})`,
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [LAYERS_MODEL_FILES.weights], weights: a.weightSpecs }],
    userDefinedMetadata: { ...meta, checksums: { [LAYERS_MODEL_FILES.weights]: checksum(weights) } },
  };
  writeFolderAtomic(dir, (tmp) => {
    writeFileNamed(join(tmp, LAYERS_MODEL_FILES.weights), weights);
    writeFileNamed(join(tmp, LAYERS_MODEL_FILES.model), JSON.stringify(json));
    for (const [name, text] of Object.entries(options.extra ?? {})) writeFileNamed(join(tmp, name), text);
  });
}
