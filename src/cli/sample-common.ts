// Flags and set-up shared by the sampling and exploration commands: the generator source, which weights,
// BatchNorm mode, seed, classes, engine.
import { initEngine } from '../engine/index.js';
import type { BnMode } from '../sample/generate.js';
import { openGenerator, type OpenedGenerator } from '../sample/source.js';
import { oneLine } from '../util/errors.js';
import type { Flag, FlagValues } from './flags.js';

/** The positional argument of the sampling commands. */
export const SOURCE_ARG = { min: 1, max: 1, name: 'the generator (a run folder, a checkpoint folder or a model.json)' };

export const SOURCE_NOTE = "SOURCE: a run folder (its exported generator, or --checkpoint latest|best|STEP with --weights ema|raw), a checkpoint\nfolder, or an exported generator's folder / model.json.";

/** The engine flags every command that computes takes. */
export const ENGINE_FLAGS = [
  { name: 'backend', kind: 'choice', choices: ['aten', 'cpu'], group: 'engine', help: 'aten (native, default when built) or cpu (pure JS, slow)' },
  { name: 'threads', kind: 'int', min: 1, metavar: 'N', group: 'engine', help: 'ATen threads (default: DCGAN_THREADS or all cores)' },
] as const satisfies readonly Flag[];

export const SOURCE_FLAGS = [
  { name: 'checkpoint', kind: 'string', metavar: 'latest|best|STEP', group: 'source', help: "a run's checkpoint instead of its exported generator" },
  { name: 'weights', kind: 'choice', choices: ['ema', 'raw'], group: 'source', help: 'from a checkpoint: the EMA weights (the default, when the run kept them) or the raw ones' },
  { name: 'bn', kind: 'choice', choices: ['running', 'batch'], group: 'generation', help: "BatchNorm statistics: 'running' (default: accumulated in training, so each image depends on its own z only) or 'batch' (the batch's own, as during training)" },
  { name: 'seed', kind: 'int', min: 0, metavar: 'N', group: 'generation', help: 'the seed of the latent vectors (default 0)' },
  { name: 'class', kind: 'ints', min: 0, metavar: 'K[,K...]', group: 'generation', help: 'classes of a conditional generator' },
  { name: 'batch', kind: 'int', min: 1, metavar: 'N', group: 'generation', help: 'images generated per call' },
  { name: 'scale', kind: 'int', min: 1, max: 16, metavar: 'K', group: 'output', help: 'enlarge the pictures K times (pixels stay crisp)' },
  ...ENGINE_FLAGS,
] as const satisfies readonly Flag[];

/** The --out flag of a command, with its own meaning. */
export function outFlag<M extends string>(metavar: M, help: string) {
  return { name: 'out', short: 'o', kind: 'path', metavar, group: 'output', help } as const;
}

export interface Common {
  g: OpenedGenerator;
  /** Enlargement of the written pictures. */
  scale: number;
  bn: BnMode;
  seed: number;
  batch?: number;
  classes?: number[];
}

/** Starts the engine and opens the generator `source` as the source flags say. */
export async function openCommon(source: string, v: FlagValues<typeof SOURCE_FLAGS>): Promise<Common> {
  await initEngine({ backend: v.backend, threads: v.threads });
  const g = await openGenerator(source, { checkpoint: v.checkpoint, weights: v.weights });
  for (const w of g.warnings) console.error(`warning: ${oneLine(w)}`);
  return { g, bn: v.bn ?? 'running', seed: v.seed ?? 0, batch: v.batch, classes: v.class, scale: v.scale ?? 1 };
}
