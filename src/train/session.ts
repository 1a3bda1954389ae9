// Which run a training request trains: a new run folder with the freshly resolved config, or an earlier run
// resumed from its config.json (with the options --resume may change) and its latest checkpoint.
import { listCheckpoints } from '../run/checkpoint.js';
import { resolveConfig, resumedConfig, type OptionSource, type TrainConfig, type TrainOptions } from '../run/config.js';
import { KNOB_KEYS } from '../run/knobs.js';
import { RunFolder } from '../run/run-folder.js';
import { UserError } from '../util/errors.js';

/**
 * Periodic evaluation during training (train --eval-every): given a way to generate images, returns
 * metrics (lower 'fid' is better); they join metrics.jsonl, and the best-by-FID checkpoint is kept as
 * checkpoints/best.
 */
export interface PeriodicEvaluator {
  evaluate(generate: (n: number, seed: number) => Float32Array, step: number): Promise<Record<string, number>>;
  dispose?(): Promise<void> | void;
}

/** What train() is asked: the knobs (TrainOptions), or an earlier run to resume, and the run's companions. */
export interface TrainRequest extends TrainOptions {
  /** Continue the run in this folder from its latest checkpoint. */
  resume?: string;
  /** Abort to stop after the current iteration (a checkpoint is written first). */
  signal?: AbortSignal;
  /** Makes the evaluator of a run whose config sets evalEvery (eval's trainingEvaluator, for instance). */
  evaluator?: (cfg: TrainConfig) => PeriodicEvaluator;
  /** Where the options come from, so that errors name what the user wrote (default: 'code'). */
  source?: OptionSource;
}

export interface OpenedRun {
  cfg: TrainConfig;
  folder: RunFolder;
  /** The checkpoint to continue from, when resuming. */
  resumeFrom?: string;
}

/** The knobs of a request, without its other fields. */
export function requestOptions(req: TrainRequest): TrainOptions {
  const options: Record<string, unknown> = {};
  for (const key of KNOB_KEYS) if (req[key] !== undefined) options[key] = req[key];
  return options as TrainOptions;
}

export function openRun(req: TrainRequest): OpenedRun {
  const source = req.source ?? 'code';
  const options = requestOptions(req);
  if (req.resume) {
    const folder = new RunFolder(req.resume);
    if (!folder.exists()) throw new UserError(`--resume ${req.resume}: not a run folder (no config.json); give the --out folder of an earlier run`);
    const cfg = resumedConfig(folder.readConfig().config, options, source, folder.dir);
    const latest = listCheckpoints(folder.checkpointsDir).pop();
    if (!latest) throw new UserError(`--resume ${req.resume}: the run has no checkpoint yet (checkpoints/ is empty); start it again without --resume`);
    return { cfg, folder, resumeFrom: latest.path };
  }
  const cfg = resolveConfig(options, source);
  const folder = new RunFolder(cfg.out);
  if (folder.exists()) throw new UserError(`--out ${cfg.out} already holds a run; continue it with --resume ${cfg.out}, or choose another --out`);
  return { cfg, folder };
}
