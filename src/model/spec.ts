// Architectures as data: a generator and a discriminator as plain, JSON-serialisable layer lists, checked
// with errors that name the offending key. build.ts turns them into tf.LayersModels.

/** One layer. Shapes follow TF.js: NHWC images, HWIO filters; 'same' puts odd padding at the bottom/right. */
export type LayerSpec =
  | { type: 'dense'; units: number; bias?: boolean }
  | { type: 'reshape'; shape: number[] }
  | { type: 'flatten' }
  | { type: 'conv'; filters: number; kernel: number | [number, number]; stride?: number; padding?: 'same' | 'valid'; bias?: boolean }
  | { type: 'convTranspose'; filters: number; kernel: number | [number, number]; stride?: number; padding?: 'same' | 'valid'; bias?: boolean }
  | { type: 'batchNorm'; momentum?: number; epsilon?: number }
  | { type: 'relu' }
  | { type: 'leakyRelu'; alpha?: number }
  | { type: 'tanh' }
  | { type: 'sigmoid' }
  | { type: 'upSample'; size: number }
  | { type: 'maxPool'; size: number; stride?: number }
  | { type: 'zeroPad'; padding: number }
  | { type: 'dropout'; rate: number };

export type LatentDistribution = 'normal' | 'uniform';

/** A whole DCGAN: both networks plus what they consume and produce. */
export interface ArchSpec {
  /** Short name, e.g. 'dcgan64'. */
  name: string;
  /** Where the architecture comes from (paper, repository, file). */
  source: string;
  /** Latent size. */
  nz: number;
  /** z ~ N(0, 1) or U(-1, 1). */
  latent: LatentDistribution;
  /** Image the generator makes and the discriminator reads. */
  image: { height: number; width: number; channels: number };
  /** Takes z ([nz], plus one-hot labels when conditional); ends with an image-shaped output. */
  generator: LayerSpec[];
  /** Takes an image (plus one label channel per class when conditional); ends with one unit per image. */
  discriminator: LayerSpec[];
  /** 'logits': D's last layer is linear; 'probability': it ends with a sigmoid. */
  dOutput: 'logits' | 'probability';
}

const LAYER_KEYS: Record<LayerSpec['type'], string[]> = {
  dense: ['units', 'bias'],
  reshape: ['shape'],
  flatten: [],
  conv: ['filters', 'kernel', 'stride', 'padding', 'bias'],
  convTranspose: ['filters', 'kernel', 'stride', 'padding', 'bias'],
  batchNorm: ['momentum', 'epsilon'],
  relu: [],
  leakyRelu: ['alpha'],
  tanh: [],
  sigmoid: [],
  upSample: ['size'],
  maxPool: ['size', 'stride'],
  zeroPad: ['padding'],
  dropout: ['rate'],
};

function fail(where: string, msg: string): never {
  throw new ArchError(`${where}: ${msg}`);
}

/** An architecture file or object that does not describe a valid DCGAN. */
export class ArchError extends Error {
  override name = 'ArchError';
}

function positiveInt(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) fail(where, `must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

function checkLayer(l: unknown, where: string): LayerSpec {
  if (typeof l !== 'object' || l === null) fail(where, 'must be an object with a "type"');
  const rec = l as Record<string, unknown>;
  const type = rec.type as LayerSpec['type'];
  if (!(type in LAYER_KEYS)) fail(`${where}.type`, `unknown layer type ${JSON.stringify(rec.type)} (known: ${Object.keys(LAYER_KEYS).join(', ')})`);
  for (const k of Object.keys(rec)) {
    if (k !== 'type' && !LAYER_KEYS[type].includes(k)) fail(`${where}.${k}`, `is not a setting of a '${type}' layer (settings: ${LAYER_KEYS[type].join(', ') || 'none'})`);
  }
  switch (type) {
    case 'dense': positiveInt(rec.units, `${where}.units`); break;
    case 'reshape':
      if (!Array.isArray(rec.shape) || rec.shape.length === 0) fail(`${where}.shape`, 'must be a non-empty array of positive integers');
      (rec.shape as unknown[]).forEach((d, i) => positiveInt(d, `${where}.shape[${i}]`));
      break;
    case 'conv':
    case 'convTranspose':
      positiveInt(rec.filters, `${where}.filters`);
      if (Array.isArray(rec.kernel)) (rec.kernel as unknown[]).forEach((d, i) => positiveInt(d, `${where}.kernel[${i}]`));
      else positiveInt(rec.kernel, `${where}.kernel`);
      if (rec.stride !== undefined) positiveInt(rec.stride, `${where}.stride`);
      if (rec.padding !== undefined && rec.padding !== 'same' && rec.padding !== 'valid') fail(`${where}.padding`, `must be 'same' or 'valid', got ${JSON.stringify(rec.padding)}`);
      break;
    case 'upSample': positiveInt(rec.size, `${where}.size`); break;
    case 'maxPool': positiveInt(rec.size, `${where}.size`); if (rec.stride !== undefined) positiveInt(rec.stride, `${where}.stride`); break;
    case 'zeroPad': positiveInt(rec.padding, `${where}.padding`); break;
    case 'dropout':
      if (typeof rec.rate !== 'number' || rec.rate < 0 || rec.rate >= 1) fail(`${where}.rate`, `must be in [0, 1), got ${JSON.stringify(rec.rate)}`);
      break;
    default: break;
  }
  return rec as unknown as LayerSpec;
}

/** Checks an architecture (from a user's --arch file, say) and returns it typed. `where` names its origin. */
export function checkArch(a: unknown, where = 'architecture'): ArchSpec {
  if (typeof a !== 'object' || a === null) fail(where, 'must be a JSON object');
  const rec = a as Record<string, unknown>;
  const known = ['name', 'source', 'nz', 'latent', 'image', 'generator', 'discriminator', 'dOutput'];
  for (const k of Object.keys(rec)) if (!known.includes(k)) fail(`${where}.${k}`, `is not a key of an architecture (keys: ${known.join(', ')})`);
  if (typeof rec.name !== 'string' || !rec.name) fail(`${where}.name`, 'must be a non-empty string');
  if (typeof rec.source !== 'string') fail(`${where}.source`, 'must be a string (where the architecture comes from)');
  positiveInt(rec.nz, `${where}.nz`);
  if (rec.latent !== 'normal' && rec.latent !== 'uniform') fail(`${where}.latent`, `must be 'normal' or 'uniform', got ${JSON.stringify(rec.latent)}`);
  const img = rec.image as Record<string, unknown> | undefined;
  if (typeof img !== 'object' || img === null) fail(`${where}.image`, 'must be {height, width, channels}');
  positiveInt(img.height, `${where}.image.height`);
  positiveInt(img.width, `${where}.image.width`);
  if (img.channels !== 1 && img.channels !== 3) fail(`${where}.image.channels`, `must be 1 or 3, got ${JSON.stringify(img.channels)}`);
  for (const net of ['generator', 'discriminator'] as const) {
    if (!Array.isArray(rec[net]) || (rec[net] as unknown[]).length === 0) fail(`${where}.${net}`, 'must be a non-empty array of layers');
    (rec[net] as unknown[]).forEach((l, i) => checkLayer(l, `${where}.${net}[${i}]`));
  }
  if (rec.dOutput !== 'logits' && rec.dOutput !== 'probability') fail(`${where}.dOutput`, `must be 'logits' or 'probability', got ${JSON.stringify(rec.dOutput)}`);
  return rec as unknown as ArchSpec;
}
