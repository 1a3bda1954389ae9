// Flags and set-up shared by the sampling and exploration commands: the generator source, which weights,
// BatchNorm mode, seed, engine.
import { initEngine } from '../engine/index.js';
import { UserError } from '../errors.js';
import type { BnMode } from '../sample/generate.js';
import { openGenerator, type OpenedGenerator } from '../sample/source.js';
import { choice, num, str, type OptionSpec, type Parsed } from './args.js';

export const SOURCE_OPTIONS: OptionSpec = {
  checkpoint: { type: 'string' }, weights: { type: 'string' }, bn: { type: 'string' }, seed: { type: 'string' },
  out: { type: 'string', short: 'o' }, batch: { type: 'string' }, class: { type: 'string' }, scale: { type: 'string' },
  backend: { type: 'string' }, threads: { type: 'string' }, help: { type: 'boolean', short: 'h' },
};

export const SOURCE_HELP = `source (the first argument): a run folder (its exported generator, or --checkpoint latest|best|STEP with
  --weights ema|raw), a checkpoint folder, or an exported generator's folder / model.json
  --bn running|batch    BatchNorm statistics: 'running' (default: accumulated in training, so each image
                        depends on its own z only) or 'batch' (the batch's own, as during training)
  --seed N              (default 0)    --class K[,K...]  classes of a conditional generator
  --batch N             images generated per call   --scale K  enlarge the pictures K times (pixels stay crisp)
  --backend aten|cpu  --threads N`;

export interface Common {
  g: OpenedGenerator;
  /** Enlargement of the written pictures. */
  scale: number;
  bn: BnMode;
  seed: number;
  batch?: number;
  classes?: number[];
}

export function sourceArg(p: Parsed, command: string): string {
  const src = p.positionals[0];
  if (!src) throw new UserError(`give the generator: dcgan ${command} RUN_FOLDER (or a checkpoint folder, or a model.json)`);
  if (p.positionals.length > 1) throw new UserError(`unexpected argument '${p.positionals[1]}' (flags start with --)`);
  return src;
}

export function intList(p: Parsed, name: string): number[] | undefined {
  const raw = str(p, name);
  if (raw === undefined) return undefined;
  const vs = raw.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (vs.length === 0 || vs.some((v) => !Number.isInteger(v) || v < 0)) throw new UserError(`--${name} must be a comma-separated list of non-negative integers, got '${raw}'`);
  return vs;
}

export async function openCommon(p: Parsed, command: string): Promise<Common> {
  const source = sourceArg(p, command);
  const weights = choice(p, 'weights', ['ema', 'raw'] as const);
  const bn = choice(p, 'bn', ['running', 'batch'] as const) ?? 'running';
  const seed = num(p, 'seed', { integer: true, min: 0 }) ?? 0;
  const batch = num(p, 'batch', { integer: true, min: 1 });
  await initEngine({ backend: choice(p, 'backend', ['aten', 'cpu'] as const), threads: num(p, 'threads', { integer: true, min: 1 }) });
  const g = await openGenerator(source, { checkpoint: str(p, 'checkpoint'), weights });
  return { g, bn, seed, batch, classes: intList(p, 'class'), scale: num(p, 'scale', { integer: true, min: 1, max: 16 }) ?? 1 };
}
