// The resolved, frozen config of a training run, from the knob table (knobs.ts): options checked by name,
// the preset's settings under the user's and the project's defaults under both (as vite resolves a user
// config into a read-only resolved one); and config.json read back, checked, for --resume.
import { readArchFile } from '../model/arch-file.js';
import { getPreset, type ArchKnob, type Preset } from '../model/presets.js';
import type { ArchSpec } from '../model/spec.js';
import { UserError } from '../util/errors.js';
import { checkValue } from '../util/values.js';
import { AUGMENT_OPS, flagOf, knob, type AugmentOp, KNOB_KEYS, KNOBS, type DefaultContext, type KnobKey, type TrainConfig, type TrainOptions } from './knobs.js';

export type { TrainConfig, TrainOptions } from './knobs.js';
export { AUGMENT_OPS, type AugmentOp } from './knobs.js';

/** A config that does not check; the message names the flag or key. */
export class ConfigError extends UserError {
  override name = 'ConfigError';
}

/** Where options come from, so that a message names what the user wrote: a flag, a key in code, a file's key. */
export type OptionSource = 'cli' | 'code' | { file: string };

export function nameOf(key: KnobKey, source: OptionSource): string {
  if (source === 'cli') return `--${flagOf(key)}`;
  if (source === 'code') return `option '${key}'`;
  return `${source.file}: '${key}'`;
}

const isKnob = (key: string): key is KnobKey => Object.hasOwn(KNOBS, key);

/** Checks a plain object (from the CLI, code or a file) against the knob table; the first bad key is named. */
export function checkOptions(o: Record<string, unknown>, source: OptionSource = 'code'): TrainOptions {
  for (const [key, value] of Object.entries(o)) {
    if (value === undefined) continue;
    if (!isKnob(key)) {
      const where = typeof source === 'object' ? `${source.file}: ` : '';
      throw new ConfigError(`${where}unknown option '${key}' (options: ${KNOB_KEYS.join(', ')})`);
    }
    try {
      checkValue(knob(key), value, nameOf(key, source));
    } catch (e) {
      throw new ConfigError((e as Error).message);
    }
  }
  return o as TrainOptions;
}

/** The preset an options object names, or a ConfigError naming the flag or key. */
function presetOf(options: TrainOptions, source: OptionSource): Preset {
  try {
    return getPreset(options.preset ?? KNOBS.preset.default);
  } catch (e) {
    throw new ConfigError(`${nameOf('preset', source)}: ${(e as Error).message}`);
  }
}

/** The architecture knobs the run's architecture uses: the preset's list, none for an --arch file. */
function honoured(options: TrainOptions, source: OptionSource): readonly ArchKnob[] {
  return options.arch ? [] : presetOf(options, source).honours;
}

function rejectIgnored(options: TrainOptions, source: OptionSource): void {
  const uses = honoured(options, source);
  for (const key of KNOB_KEYS) {
    if (!('architecture' in KNOBS[key]) || options[key] === undefined || uses.includes(key as ArchKnob)) continue;
    const by = options.arch ? `--arch ${options.arch} fixes the architecture` : `preset ${options.preset ?? KNOBS.preset.default} does not use it`;
    throw new ConfigError(`${nameOf(key, source)}: ${by}; leave it out${options.arch ? '' : ' or choose a preset that does (dcgan64, pytorch-celeba)'}`);
  }
}

/** Fills every default: the preset's training settings under the user's options, the project's under both. */
export function resolveConfig(options: TrainOptions = {}, source: OptionSource = 'code'): TrainConfig {
  const o = checkOptions({ ...options }, source);
  rejectIgnored(o, source);
  const preset = presetOf(o, source);
  const fileArch = o.arch ? readArchFile(o.arch) : undefined;
  const ctx: DefaultContext = { preset, training: preset.training, options: o };
  const uses = honoured(o, source);
  const cfg: Record<string, unknown> = {};
  for (const key of KNOB_KEYS) {
    const k = knob(key);
    if (k.saved === false) continue;
    if (k.architecture && !uses.includes(key as ArchKnob)) continue;
    const given = o[key];
    const fallback = typeof k.default === 'function' ? (k.default as (c: DefaultContext) => unknown)(ctx) : k.default;
    const value = given ?? fallback;
    if (value !== undefined) cfg[key] = value;
  }
  if (fileArch && o.imageSize === undefined) cfg.imageSize = [fileArch.image.height, fileArch.image.width];
  if (o.dryRun) Object.assign(cfg, { data: 'fake', epochs: 1, maxSteps: 1 });
  checkQuality(cfg as TrainConfig, source);
  return Object.freeze(cfg) as TrainConfig;
}

/** The image-quality knobs that depend on each other: --augment's policy, and --ada, which steers it. */
function checkQuality(cfg: TrainConfig, source: OptionSource): void {
  const flag = nameOf('augment', source);
  const ops = augmentOps(cfg.augment, flag);
  if (cfg.ada > 0 && ops.length === 0) throw new ConfigError(`${nameOf('ada', source)} ${cfg.ada} adapts the augmentation's probability, and ${flag} is none; give ${flag} color,translation,cutout (or leave it out)`);
}

/** Parses a policy such as 'color,translation,cutout' (DiffAugment's policy string); names a bad entry. */
export function parseAugmentSpec(spec: string, flag = '--augment'): AugmentOp[] {
  const parts = spec.split(',').map((s) => s.trim());
  if (parts.some((s) => s === '')) throw new ConfigError(`${flag} ${spec}: an empty entry; give a comma-separated list of ${AUGMENT_OPS.join(', ')}`);
  const ops: AugmentOp[] = [];
  for (const p of parts) {
    if (!(AUGMENT_OPS as readonly string[]).includes(p)) throw new ConfigError(`${flag} ${spec}: unknown augmentation '${p}'; use a comma-separated list of ${AUGMENT_OPS.join(', ')}`);
    if (ops.includes(p as AugmentOp)) throw new ConfigError(`${flag} ${spec}: '${p}' is listed twice; give each augmentation once`);
    ops.push(p as AugmentOp);
  }
  return ops;
}

/** The DiffAugment policy of an --augment value ('none': no augmentation); a bad entry is named. */
export function augmentOps(spec: string | undefined, flag = '--augment'): AugmentOp[] {
  return spec === undefined || spec === 'none' ? [] : parseAugmentSpec(spec, flag);
}

/**
 * The architecture a config asks for, adapted to the data's channels. A D that ends with a sigmoid loses it
 * when the loss is not BCE or R1 is on: hinge, least squares and R1 need its logit (BCE on the logit is the
 * same loss, computed stably).
 */
export function architectureOf(cfg: TrainConfig, channels: 1 | 3): ArchSpec {
  const arch = declaredArchitecture(cfg, channels);
  const last = arch.discriminator[arch.discriminator.length - 1];
  const needsLogits = (cfg.loss ?? 'bce') !== 'bce' || (cfg.r1 ?? 0) > 0;
  if (!needsLogits || arch.dOutput !== 'probability' || last?.type !== 'sigmoid') return arch;
  return { ...arch, discriminator: arch.discriminator.slice(0, -1), dOutput: 'logits' };
}

function declaredArchitecture(cfg: TrainConfig, channels: 1 | 3): ArchSpec {
  let arch: ArchSpec;
  if (cfg.arch) {
    arch = readArchFile(cfg.arch);
    if (arch.image.channels !== channels) {
      throw new UserError(`--arch ${cfg.arch} makes ${arch.image.channels}-channel images but the data has ${channels}; pass --channels ${arch.image.channels}`);
    }
  } else {
    arch = getPreset(cfg.preset).build({ imageSize: cfg.imageSize, channels, nz: cfg.nz, ngf: cfg.ngf, ndf: cfg.ndf });
  }
  return cfg.latent ? { ...arch, latent: cfg.latent } : arch;
}

/**
 * The config saved in a run's config.json, checked: a key that is not a knob is ignored when it is one of
 * `extraKeys` (what else the file records) and an error otherwise. Keys of architecture knobs the preset
 * does not use (written by earlier versions) are dropped.
 */
export function checkSavedConfig(json: Record<string, unknown>, file: string, extraKeys: readonly string[]): TrainConfig {
  const knobs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (isKnob(key)) knobs[key] = value;
    else if (!extraKeys.includes(key)) throw new ConfigError(`${file}: unknown key '${key}'; the file was not written by this dcgan, or was edited`);
  }
  checkOptions(knobs, { file });
  // Knobs added since the file was written: the value that meant what the run did then.
  for (const key of KNOB_KEYS) {
    const legacy = knob(key).legacy;
    if (knobs[key] === undefined && legacy !== undefined) knobs[key] = legacy;
  }
  for (const key of ['data', 'preset', 'imageSize', 'batchSize', 'epochs', 'seed'] as const) {
    if (knobs[key] === undefined) throw new ConfigError(`${file}: '${key}' is missing; the file is damaged (restore it, or start a new run)`);
  }
  const uses = honoured(knobs as TrainOptions, { file });
  for (const key of KNOB_KEYS) if ('architecture' in KNOBS[key] && !uses.includes(key as ArchKnob)) delete knobs[key];
  return Object.freeze(knobs) as TrainConfig;
}

/**
 * The config of a resumed run: the saved one, with the options --resume may change (more epochs, another
 * learning rate after a divergence, other logging); any other option is an error naming it.
 */
export function resumedConfig(saved: TrainConfig, options: TrainOptions, source: OptionSource, runDir: string): TrainConfig {
  checkOptions({ ...options }, source);
  const out: Record<string, unknown> = { ...saved, out: runDir };
  for (const key of KNOB_KEYS) {
    const value = options[key];
    if (value === undefined) continue;
    if (!knob(key).resumable) {
      if (key === 'out' || (saved as Record<string, unknown>)[key] === value) continue;
      throw new ConfigError(`${nameOf(key, source)} cannot change when resuming (the run's config.json fixes it); start a new run to change it`);
    }
    if (key === 'lr') out.lrD = out.lrG = value;
    else out[key] = value;
  }
  return Object.freeze(out) as TrainConfig;
}
