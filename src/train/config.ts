// The one typed configuration of a training run: every knob with its default and one-line meaning, presets
// as data underneath, unknown keys and wrong types rejected by name. The resolved config is saved with
// every run (config.json) and rebuilt from there on --resume.
import { getPreset, type PresetTraining } from '../model/presets.js';

/** What a user sets (CLI flags or a library call); everything optional except the data. */
export interface TrainOptions {
  data: string;                // dataset spec: mnist, fashion-mnist, emoji, cifar10:PATH, idx:PATH, a folder, fake[:HxWxC]
  dataDir?: string;            // where fashion-mnist's IDX files are (default: apt dataset-fashion-mnist's)
  labels?: boolean;            // folders: sub-folder names become class labels
  strict?: boolean;            // an image that does not decode is an error (default: skipped and counted)
  background?: [number, number, number]; // what transparent pixels are composited onto (default white)
  cacheDir?: string;           // where decoded data is cached
  cache?: boolean;             // false: decode every time
  preset?: string;             // architecture preset (dcgan28, dcgan64, keras-mnist, tf-mnist64, paper-lsun, pytorch-celeba, keras-simpsons)
  arch?: string;               // a JSON ArchSpec file instead of a preset
  imageSize?: [number, number];// [height, width]; default: the preset's
  channels?: 1 | 3;            // default: the data's (grayscale 1, else 3)
  nz?: number;                 // latent size
  ngf?: number;                // generator width
  ndf?: number;                // discriminator width
  latent?: 'normal' | 'uniform'; // z ~ N(0, 1) or U(-1, 1); default: the architecture's
  epochs?: number;             // passes over the data
  maxSteps?: number;           // stop after this many iterations (all epochs otherwise)
  batchSize?: number;
  lr?: number;                 // learning rate of both networks (lrD / lrG override)
  lrD?: number;
  lrG?: number;
  beta1?: number;              // Adam beta1 (SGD: momentum)
  beta2?: number;              // Adam beta2
  optimizer?: 'adam' | 'sgd-nesterov';
  dBatch?: 'separate' | 'concat' | 'half'; // how D sees real and fake images
  gSteps?: number;             // G updates per D update
  realLabel?: number;          // D's target for real images (0.9: one-sided label smoothing)
  labelNoise?: number;         // probability of flipping each of D's targets
  conditional?: boolean;       // class-conditional DCGAN (needs labelled data)
  ema?: number;                // decay of an exponential moving average of G used for samples (0: off)
  seed?: number;
  out?: string;                // the run folder (default runs/<preset>-<data>-<time>)
  sampleEvery?: number;        // steps between fixed-noise sample grids
  checkpointEvery?: number;    // steps between checkpoints (also one at the end)
  keepCheckpoints?: number;    // checkpoints kept (the oldest are deleted)
  logEvery?: number;           // steps between console lines when output is not a terminal
  flip?: boolean;              // random horizontal flips of real images
  backend?: 'aten' | 'cpu';
  threads?: number;
  dryRun?: boolean;            // one step on fake data, then stop (smoke test)
}

/** Every knob decided: what the run actually used. */
export interface TrainConfig {
  data: string;
  dataDir?: string;
  labels: boolean;
  strict: boolean;
  background?: [number, number, number];
  cacheDir?: string;
  cache: boolean;
  preset: string;
  arch?: string;
  imageSize: [number, number];
  channels?: 1 | 3;
  nz: number;
  ngf: number;
  ndf: number;
  latent?: 'normal' | 'uniform';
  epochs: number;
  maxSteps?: number;
  batchSize: number;
  lrD: number;
  lrG: number;
  beta1: number;
  beta2: number;
  optimizer: 'adam' | 'sgd-nesterov';
  dBatch: 'separate' | 'concat' | 'half';
  gSteps: number;
  realLabel: number;
  labelNoise: number;
  conditional: boolean;
  ema: number;
  seed: number;
  out: string;
  sampleEvery: number;
  checkpointEvery: number;
  keepCheckpoints: number;
  logEvery: number;
  flip: boolean;
  backend?: 'aten' | 'cpu';
  threads?: number;
  dryRun: boolean;
}

/** A config that does not type-check; the message names the key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Kind = 'string' | 'number' | 'int' | 'boolean' | 'size' | 'rgb' | readonly string[];

const KINDS: Record<keyof TrainOptions, Kind> = {
  data: 'string', dataDir: 'string', labels: 'boolean', strict: 'boolean', background: 'rgb', cacheDir: 'string', cache: 'boolean', preset: 'string', arch: 'string', imageSize: 'size',
  channels: [1, 3].map(String), nz: 'int', ngf: 'int', ndf: 'int', latent: ['normal', 'uniform'], epochs: 'int',
  maxSteps: 'int', batchSize: 'int', lr: 'number', lrD: 'number', lrG: 'number', beta1: 'number', beta2: 'number',
  optimizer: ['adam', 'sgd-nesterov'], dBatch: ['separate', 'concat', 'half'], gSteps: 'int', realLabel: 'number',
  labelNoise: 'number', conditional: 'boolean', ema: 'number', seed: 'int', out: 'string', sampleEvery: 'int',
  checkpointEvery: 'int', keepCheckpoints: 'int', logEvery: 'int', flip: 'boolean', backend: ['aten', 'cpu'],
  threads: 'int', dryRun: 'boolean',
};

/** Checks a plain object (from a file or the CLI) against TrainOptions; names the first bad key. */
export function checkOptions(o: Record<string, unknown>, where = 'config'): TrainOptions {
  for (const [key, value] of Object.entries(o)) {
    if (value === undefined) continue;
    const kind = KINDS[key as keyof TrainOptions];
    if (!kind) throw new ConfigError(`${where}: unknown key '${key}' (keys: ${Object.keys(KINDS).join(', ')})`);
    const bad = (what: string) => new ConfigError(`${where}: '${key}' must be ${what}, got ${JSON.stringify(value)}`);
    if (Array.isArray(kind)) {
      if (!kind.includes(String(value))) throw bad(`one of ${kind.join(', ')}`);
    } else if (kind === 'string') {
      if (typeof value !== 'string' || !value) throw bad('a non-empty string');
    } else if (kind === 'boolean') {
      if (typeof value !== 'boolean') throw bad('true or false');
    } else if (kind === 'rgb') {
      if (!Array.isArray(value) || value.length !== 3 || !value.every((d) => Number.isInteger(d) && d >= 0 && d <= 255)) throw bad('[r, g, b] with values 0..255');
    } else if (kind === 'size') {
      if (!Array.isArray(value) || value.length !== 2 || !value.every((d) => Number.isInteger(d) && d > 0)) throw bad('[height, width] of positive integers');
    } else {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('a number');
      if (kind === 'int' && (!Number.isInteger(value) || value < (key === 'seed' ? 0 : 1))) throw bad(key === 'seed' ? 'a non-negative integer' : 'a positive integer');
    }
  }
  if (typeof o.data !== 'string' || !o.data) throw new ConfigError(`${where}: 'data' (the dataset) is required`);
  for (const k of ['lr', 'lrD', 'lrG'] as const) if (typeof o[k] === 'number' && !((o[k] as number) > 0)) throw new ConfigError(`${where}: '${k}' must be positive`);
  for (const k of ['beta1', 'beta2'] as const) if (typeof o[k] === 'number' && !((o[k] as number) >= 0 && (o[k] as number) < 1)) throw new ConfigError(`${where}: '${k}' must be in [0, 1)`);
  if (typeof o.realLabel === 'number' && !(o.realLabel > 0 && o.realLabel <= 1)) throw new ConfigError(`${where}: 'realLabel' must be in (0, 1]`);
  if (typeof o.labelNoise === 'number' && !(o.labelNoise >= 0 && o.labelNoise < 0.5)) throw new ConfigError(`${where}: 'labelNoise' must be in [0, 0.5)`);
  if (typeof o.ema === 'number' && !(o.ema >= 0 && o.ema < 1)) throw new ConfigError(`${where}: 'ema' must be in [0, 1) (0 turns it off)`);
  return o as unknown as TrainOptions;
}

function dataSlug(spec: string): string {
  const base = spec.replace(/\/+$/, '').split(/[/:]/).filter(Boolean).pop() ?? 'data';
  return base.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40) || 'data';
}

function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Fills every default: the preset's training settings under the user's, then the project's. */
export function resolveConfig(options: TrainOptions): TrainConfig {
  const o = checkOptions({ ...options } as Record<string, unknown>);
  const preset = o.preset ?? 'dcgan28';
  const p = getPreset(preset);
  const t: PresetTraining = p.training;
  const lr = o.lr ?? t.lr;
  return {
    data: o.dryRun ? 'fake' : o.data,
    dataDir: o.dataDir,
    labels: o.labels ?? false,
    strict: o.strict ?? false,
    background: o.background,
    cacheDir: o.cacheDir,
    cache: o.cache ?? true,
    preset,
    arch: o.arch,
    imageSize: o.imageSize ?? p.defaultImage.size,
    channels: o.channels,
    nz: o.nz ?? 100,
    ngf: o.ngf ?? 64,
    ndf: o.ndf ?? 64,
    latent: o.latent,
    epochs: o.dryRun ? 1 : o.epochs ?? 5,
    maxSteps: o.dryRun ? 1 : o.maxSteps,
    batchSize: o.batchSize ?? t.batchSize,
    lrD: o.lrD ?? lr,
    lrG: o.lrG ?? lr,
    beta1: o.beta1 ?? t.beta1,
    beta2: o.beta2 ?? 0.999,
    optimizer: o.optimizer ?? t.optimizer,
    dBatch: o.dBatch ?? t.dBatch,
    gSteps: o.gSteps ?? 1,
    realLabel: o.realLabel ?? t.realLabel,
    labelNoise: o.labelNoise ?? 0,
    conditional: o.conditional ?? false,
    ema: o.ema ?? 0,
    seed: o.seed ?? 1,
    out: o.out ?? `runs/${preset}-${dataSlug(o.dryRun ? 'fake' : o.data)}-${stamp()}`,
    sampleEvery: o.sampleEvery ?? 200,
    checkpointEvery: o.checkpointEvery ?? 500,
    keepCheckpoints: o.keepCheckpoints ?? 3,
    logEvery: o.logEvery ?? 50,
    flip: o.flip ?? false,
    backend: o.backend,
    threads: o.threads,
    dryRun: o.dryRun ?? false,
  };
}
