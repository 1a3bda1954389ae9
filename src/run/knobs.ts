// Every knob of a training run, declared once: its type and bounds, default, one-line help, CLI flag, whether
// config.json saves it and whether --resume may change it. The config types, their validation, the resolved
// config, `dcgan train`'s flags and its usage text all come from this table (nanoGPT keeps its knobs the
// same way: one default beside its meaning).
import type { Preset, PresetTraining } from '../model/presets.js';
import { presetNames } from '../model/presets.js';
import type { ValueOf, ValueSpec } from '../util/values.js';

/** The GAN objectives (train/losses.ts implements them). */
export const LOSS_NAMES = ['bce', 'hinge', 'ls'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/** DiffAugment's policies (train/augment.ts implements them): 'color' is brightness, saturation and contrast. */
export const AUGMENT_OPS = ['color', 'translation', 'cutout'] as const;
export type AugmentOp = (typeof AUGMENT_OPS)[number];

export type KnobGroup = 'data' | 'model' | 'training' | 'image quality' | 'distributed' | 'run folder' | 'evaluation' | 'engine';

/** What a default may depend on: the preset's own training settings and the other options given. */
export interface DefaultContext {
  preset: Preset;
  training: PresetTraining;
  options: Readonly<Record<string, unknown>>;
}

export interface Knob extends ValueSpec {
  /** One line for --help. */
  help: string;
  group: KnobGroup;
  /** A boolean that is on by default: the CLI flag is --no-<flag>, which turns it off (the help describes that). */
  negatable?: boolean;
  /** What --help shows as the value (N, X, DIR ...). */
  metavar?: string;
  /** The value when none is given; absent: the knob stays unset (the data's, the architecture's ...). */
  default?: unknown;
  /** false: a setting of this session only, not written to config.json (lr sets lrD and lrG, which are). */
  saved?: false;
  /** true: --resume may change it (the rest of a resumed run comes from its config.json). */
  resumable?: true;
  /** An architecture knob: a preset honours it only when it lists it in `honours`. */
  architecture?: true;
  /** The value a config.json written before this knob existed meant (it is filled in when such a run is read). */
  legacy?: unknown;
}

/**
 * Named recipes: the defaults of the image-quality knobs (each option given still wins). 'dcgan' is the 2015
 * recipe with the preset's batch size; 'modern' is the combination measured best on `npm start`'s run
 * (README "Better images"): 4x the updates per epoch at batch 32 and samples from an EMA of G with standing
 * BatchNorm statistics (Yazici et al. 2019; Brock et al. 2019). Hinge loss with spectral norm on D measured
 * no better there (FID 23.5 against 21.5 and 20.6), so it is not part of it.
 */
export const RECIPES = {
  dcgan: { loss: 'bce', spectralNorm: 'none', augment: 'none', ada: 0, r1: 0, ema: 0, batchSize: undefined },
  modern: { loss: 'bce', spectralNorm: 'none', augment: 'none', ada: 0, r1: 0, ema: 0.99, batchSize: 32 },
} as const satisfies Record<string, { loss: LossName; spectralNorm: 'none' | 'd'; augment: string; ada: number; r1: number; ema: number; batchSize: number | undefined }>;
export type RecipeName = keyof typeof RECIPES;
export const RECIPE_NAMES = Object.keys(RECIPES) as RecipeName[];
const fromRecipe = <K extends keyof (typeof RECIPES)['dcgan']>(key: K) => (c: DefaultContext) =>
  RECIPES[(c.options.recipe as RecipeName | undefined) ?? 'dcgan'][key];

const fromPreset = <K extends keyof PresetTraining>(key: K) => (c: DefaultContext) => c.training[key];

export const KNOBS = {
  // ---- data ----
  data: { kind: 'string', group: 'data', metavar: 'SPEC', default: 'mnist',
    help: 'mnist (built in), fashion-mnist, emoji (built in), cifar10:PATH, idx:PATH, a folder of images (recursive), fake[:HxWxC]' },
  dataDir: { kind: 'path', group: 'data', metavar: 'DIR', help: "where fashion-mnist's IDX files are" },
  labels: { kind: 'boolean', group: 'data', default: false, help: 'folders: sub-folder names become class labels' },
  imageSize: { kind: 'size', group: 'data', metavar: 'N|HxW', default: (c: DefaultContext) => c.preset.defaultImage.size, help: "image size (default: the preset's)" },
  channels: { kind: 'choice', choices: [1, 3], group: 'data', metavar: '1|3', help: "grayscale or colour (default: the data's)" },
  flip: { kind: 'boolean', group: 'data', default: false, help: 'random horizontal flips of real images' },
  background: { kind: 'rgb', group: 'data', metavar: 'COLOR', help: 'transparent pixels onto: white (default), black, gray, #rrggbb, r,g,b' },
  strict: { kind: 'boolean', group: 'data', default: false, help: 'an image that does not decode is an error (default: skipped, counted, named)' },
  cacheDir: { kind: 'path', group: 'data', metavar: 'DIR', help: 'where decoded data is cached (default ~/.cache/dcgan)' },
  cache: { kind: 'boolean', group: 'data', default: true, negatable: true, help: 'decode every time, read and write no cache file' },
  // ---- model ----
  preset: { kind: 'string', group: 'model', metavar: 'NAME', default: 'dcgan28', help: `the architecture and its source's training settings: ${presetNames().join(', ')}` },
  arch: { kind: 'path', group: 'model', metavar: 'FILE', help: 'a JSON architecture (an ArchSpec: the presets\' layer lists) instead of a preset' },
  nz: { kind: 'int', min: 1, group: 'model', metavar: 'N', default: 100, architecture: true, help: 'latent size' },
  ngf: { kind: 'int', min: 1, group: 'model', metavar: 'N', default: 64, architecture: true, help: 'generator width (dcgan64, pytorch-celeba)' },
  ndf: { kind: 'int', min: 1, group: 'model', metavar: 'N', default: 64, architecture: true, help: 'discriminator width (dcgan64, pytorch-celeba)' },
  latent: { kind: 'choice', choices: ['normal', 'uniform'], group: 'model', help: "z ~ N(0, 1) or U(-1, 1) (default: the architecture's)" },
  conditional: { kind: 'boolean', group: 'model', default: false, help: "class-conditional DCGAN (labels into z and D's input)" },
  // ---- training ----
  epochs: { kind: 'int', min: 1, group: 'training', metavar: 'N', default: 5, resumable: true, help: 'passes over the data' },
  maxSteps: { kind: 'int', min: 1, group: 'training', metavar: 'N', resumable: true, help: 'stop after N iterations (default: all epochs)' },
  batchSize: { kind: 'int', min: 1, group: 'training', metavar: 'N', default: (c: DefaultContext) => fromRecipe('batchSize')(c) ?? c.training.batchSize, help: "images per step (default: the recipe's, else the preset's)" },
  lr: { kind: 'number', gt: 0, group: 'training', metavar: 'X', saved: false, resumable: true, help: 'learning rate of both networks (--lr-d, --lr-g set one)' },
  lrD: { kind: 'number', gt: 0, group: 'training', metavar: 'X', resumable: true, default: (c: DefaultContext) => c.options.lr ?? c.training.lr, help: "D's learning rate" },
  lrG: { kind: 'number', gt: 0, group: 'training', metavar: 'X', resumable: true, default: (c: DefaultContext) => c.options.lr ?? c.training.lr, help: "G's learning rate" },
  beta1: { kind: 'number', min: 0, lt: 1, group: 'training', metavar: 'X', default: fromPreset('beta1'), help: "Adam's beta1 (SGD: the momentum)" },
  beta2: { kind: 'number', min: 0, lt: 1, group: 'training', metavar: 'X', default: 0.999, help: "Adam's beta2" },
  optimizer: { kind: 'choice', choices: ['adam', 'sgd-nesterov'], group: 'training', default: fromPreset('optimizer'), help: "default: the preset's" },
  dBatch: { kind: 'choice', choices: ['separate', 'concat', 'half'], group: 'training', default: fromPreset('dBatch'), help: 'how D sees real and fake images: two batches, one [real; fake] batch, or half of each as two updates' },
  gSteps: { kind: 'int', min: 1, group: 'training', metavar: 'N', default: 1, help: 'G updates per D update' },
  realLabel: { kind: 'number', gt: 0, max: 1, group: 'training', metavar: 'X', default: fromPreset('realLabel'), help: "D's target for real images (0.9: one-sided label smoothing)" },
  labelNoise: { kind: 'number', min: 0, lt: 0.5, group: 'training', metavar: 'P', default: 0, help: "probability of flipping each of D's targets" },
  ema: { kind: 'number', min: 0, lt: 1, group: 'training', metavar: 'DECAY', default: fromRecipe('ema'), legacy: 0, help: "sample from an exponential moving average of G with BatchNorm statistics re-estimated for it (Yazici et al. 2019; BigGAN's standing statistics) (e.g. 0.999; 0: off; default: the recipe's)" },
  // ---- image quality ----
  recipe: { kind: 'choice', choices: RECIPE_NAMES, group: 'image quality', default: 'dcgan', legacy: 'dcgan', help: "defaults of the options below and the batch size: dcgan (Radford et al. 2015) or modern (batch 32, EMA 0.99 with standing statistics; README: Better images); each option given wins" },
  loss: { kind: 'choice', choices: LOSS_NAMES, group: 'image quality', default: fromRecipe('loss'), legacy: 'bce', help: "bce: non-saturating (Goodfellow et al. 2014), hinge (Lim & Ye 2017; Miyato et al. 2018), ls: least squares (Mao et al. 2017) (default: the recipe's)" },
  spectralNorm: { kind: 'choice', choices: ['none', 'd'], group: 'image quality', default: fromRecipe('spectralNorm'), legacy: 'none', help: "d: spectral normalisation of D's layers, one power iteration per step (Miyato et al. 2018) (default: the recipe's)" },
  augment: { kind: 'string', group: 'image quality', metavar: 'SPEC', default: (c: DefaultContext) => (c.options.ada ? 'color,translation,cutout' : fromRecipe('augment')(c)), legacy: 'none',
    help: "DiffAugment of every image D sees (Zhao et al. 2020): none or a list of color,translation,cutout (default: the recipe's; all three with --ada)" },
  ada: { kind: 'number', min: 0, lt: 1, group: 'image quality', metavar: 'TARGET', default: fromRecipe('ada'), legacy: 0, help: "adapt --augment's probability p so that E[sign D(x_real)] stays near TARGET, e.g. 0.6 (ADA, Karras et al. 2020) (0: p = 1)" },
  r1: { kind: 'number', min: 0, group: 'image quality', metavar: 'GAMMA', default: fromRecipe('r1'), legacy: 0, help: "R1 penalty gamma/2 E||grad D(x)||^2 on real images (Mescheder et al. 2018), lazily every 16 steps (Karras et al. 2020) (0: off)" },
  seed: { kind: 'int', min: 0, group: 'training', metavar: 'N', default: 1, help: 'weights, data order, z and label noise all follow it' },
  // ---- distributed (the launch flags, --nproc ..., are the train command's: they start processes, not a run) ----
  syncBn: { kind: 'boolean', group: 'distributed', default: false, resumable: true, help: "data-parallel runs: BatchNorm statistics over every rank's batch (default: each rank's own, as PyTorch's DDP)" },
  // ---- run folder ----
  out: { kind: 'path', group: 'run folder', metavar: 'DIR', default: (c: DefaultContext) => defaultOut(c), help: 'where the run goes (default runs/<preset>-<data>-<time>)' },
  sampleEvery: { kind: 'int', min: 1, group: 'run folder', metavar: 'N', default: 200, resumable: true, help: 'steps between fixed-noise grids' },
  checkpointEvery: { kind: 'int', min: 1, group: 'run folder', metavar: 'N', default: 500, resumable: true, help: 'steps between checkpoints (also one at the end)' },
  keepCheckpoints: { kind: 'int', min: 1, group: 'run folder', metavar: 'K', default: 3, resumable: true, help: 'checkpoints kept (the oldest are deleted)' },
  logEvery: { kind: 'int', min: 1, group: 'run folder', metavar: 'N', default: 50, resumable: true, help: 'steps between console lines when output is not a terminal' },
  // ---- evaluation ----
  evalEvery: { kind: 'int', min: 1, group: 'evaluation', metavar: 'N', resumable: true, help: 'every N steps: FID, KID, precision/recall into metrics.jsonl; the best-by-FID checkpoint is kept as checkpoints/best' },
  evalSamples: { kind: 'int', min: 10, group: 'evaluation', metavar: 'N', default: 2000, help: 'generated images per evaluation' },
  evalFeatures: { kind: 'path', group: 'evaluation', metavar: 'FILE', help: 'a TF.js model.json as feature network (data other than mnist, fashion-mnist, cifar10)' },
  // ---- engine ----
  backend: { kind: 'choice', choices: ['aten', 'cpu'], group: 'engine', resumable: true, help: 'aten (native, default when built) or cpu (pure JS, slow)' },
  threads: { kind: 'int', min: 1, group: 'engine', metavar: 'N', resumable: true, help: 'ATen threads (default: DCGAN_THREADS or all cores)' },
  dryRun: { kind: 'boolean', group: 'engine', default: false, help: 'one step on fake data, then stop (a smoke test)' },
} as const satisfies Record<string, Knob>;

export type KnobKey = keyof typeof KNOBS;
type Knobs = typeof KNOBS;
type SavedKey = { [K in KnobKey]: Knobs[K] extends { saved: false } ? never : K }[KnobKey];
type DefaultedKey = { [K in SavedKey]: Knobs[K] extends { default: unknown } ? K : never }[SavedKey];

/** What a user sets (CLI flags, a library call): every knob optional. */
export type TrainOptions = { -readonly [K in KnobKey]?: ValueOf<Knobs[K]> };

/**
 * Every knob decided: what the run actually used, as config.json saves it. Knobs without a default stay
 * unset when not given (the data's channels, the architecture's latent ...), and so do architecture knobs
 * the preset does not honour.
 */
export type TrainConfig = Readonly<
  { [K in DefaultedKey]: ValueOf<Knobs[K]> } & { [K in Exclude<SavedKey, DefaultedKey>]?: ValueOf<Knobs[K]> }
>;

export const KNOB_KEYS = Object.keys(KNOBS) as KnobKey[];

export function knob(key: KnobKey): Knob {
  return KNOBS[key] as Knob;
}

/** The CLI flag of a knob: its key in kebab case (lrD -> lr-d), so that the parsed flag's camelCase is the key. */
export function flagOf(key: KnobKey): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function dataSlug(spec: string): string {
  const base = spec.replace(/\/+$/, '').split(/[/:]/).filter(Boolean).pop() ?? 'data';
  return base.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40) || 'data';
}

function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function defaultOut(c: DefaultContext): string {
  const data = c.options.dryRun ? 'fake' : String(c.options.data ?? KNOBS.data.default);
  return `runs/${c.preset.name}-${dataSlug(data)}-${stamp()}`;
}
