// Which run a training request trains: a new run folder with the freshly resolved config, or an earlier run
// resumed from its config.json (with the options --resume may change) and a checkpoint. Either way the
// session holds the run's lock (one trainer per run folder) until it is closed, and a new run rejected
// before its first step is removed again.
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { basename } from 'node:path';
import { listCheckpoints, resolveCheckpoint, runOfCheckpoint, type CheckpointRef } from '../run/checkpoint.js';
import { nameOf, resolveConfig, resumedConfig, type OptionSource, type TrainConfig, type TrainOptions } from '../run/config.js';
import { KNOB_KEYS } from '../run/knobs.js';
import { checkpointStep, RUN_FILES } from '../run/layout.js';
import { RunFolder } from '../run/run-folder.js';
import type { RunLock } from '../run/run-lock.js';
import { isUserError, UserError } from '../util/errors.js';
import { writeFailure } from '../util/files.js';

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
  /** Continue the run in this folder (or from this checkpoint folder of a run: RUN/checkpoints/step-N). */
  resume?: string;
  /** With `resume`: its checkpoint to continue from, 'latest', 'best' or a step (default: the newest intact one). */
  checkpoint?: string;
  /** A new run may go into a folder holding other files (never into one holding parts of a run). */
  force?: boolean;
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
  /** Resuming: the checkpoints to try, newest first; the first that loads is used (one when it was chosen). */
  resumeFrom?: CheckpointRef[];
  /** Resuming a run that has no checkpoint yet: it trains again from step 0. */
  resumeFromStart?: boolean;
  /** Lines worth telling the user (a stale lock taken over, leftovers removed, a run restarted from step 0). */
  notes: string[];
  /**
   * Gives the run up before it trained a step, releasing the lock: a new run's files are removed; a resumed
   * run's progress.json says it failed, and `why`.
   */
  abandon(why?: string): void;
  /** Releases the lock. */
  close(): void;
}

/** The knobs of a request, without its other fields. */
export function requestOptions(req: TrainRequest): TrainOptions {
  const options: Record<string, unknown> = {};
  for (const key of KNOB_KEYS) if (req[key] !== undefined) options[key] = req[key];
  return options as TrainOptions;
}

/** The run folder and checkpoint `--resume PATH` names: a run folder, or one of its checkpoint folders. */
function resumeTarget(req: TrainRequest): { folder: RunFolder; checkpointDir?: string } {
  const path = req.resume!;
  const run = runOfCheckpoint(path);
  if (run) {
    if (req.checkpoint !== undefined) throw new UserError(`--resume ${path} names a checkpoint already; leave out --checkpoint ${req.checkpoint}, or resume the run folder ${run}`);
    return { folder: new RunFolder(run), checkpointDir: path };
  }
  const folder = new RunFolder(path);
  if (!folder.exists()) {
    if (existsSync(folder.checkpointsDir)) throw new UserError(`--resume ${path}: the run's config.json is missing; restore it, or start a new run`);
    const what = existsSync(path) ? 'not a run folder (no config.json)' : 'no such folder';
    throw new UserError(`--resume ${path}: ${what}; give the --out folder of an earlier run, or one of its checkpoints/step-* folders`);
  }
  return { folder };
}

function resume(req: TrainRequest, source: OptionSource, options: TrainOptions): OpenedRun {
  const { folder, checkpointDir } = resumeTarget(req);
  const lock = folder.lock();
  try {
    const notes = lock.note ? [lock.note] : [];
    const removed = folder.removeInterruptedWrites();
    if (removed.length) notes.push(`removed what interrupted writes left: ${removed.map((p) => basename(p)).join(', ')}`);
    const cfg = resumedConfig(folder.readConfig().config, options, source, folder.dir);
    let resumeFrom: CheckpointRef[];
    if (checkpointDir || req.checkpoint !== undefined) {
      const path = checkpointDir ?? resolveCheckpoint(folder.dir, req.checkpoint);
      resumeFrom = [{ path, step: checkpointStep(basename(path)) ?? -1 }];
    } else {
      resumeFrom = listCheckpoints(folder.checkpointsDir).reverse();
    }
    if (resumeFrom.length === 0) notes.push(`${folder.dir} has no checkpoint yet: training it from step 0`);
    const abandon = (why?: string) => {
      if (why) folder.markFailed(why);
      lock.release();
    };
    return { cfg, folder, resumeFrom: resumeFrom.length ? resumeFrom : undefined, resumeFromStart: resumeFrom.length === 0, notes, abandon, close: () => lock.release() };
  } catch (e) {
    if (isUserError(e)) folder.markFailed(e.message);
    lock.release();
    throw e;
  }
}

function fresh(req: TrainRequest, source: OptionSource, options: TrainOptions): OpenedRun {
  if (req.checkpoint !== undefined) throw new UserError(`--checkpoint ${req.checkpoint} picks the checkpoint of a resumed run; add --resume RUN`);
  const cfg = resolveConfig(options, source);
  const folder = new RunFolder(cfg.out);
  const flag = nameOf('out', source), force = req.force === true;
  // The lock first (its file is a run's part, and says who trains here), then the folder's other files.
  folder.checkNewRun(flag, force, [RUN_FILES.lock]);
  const own = !existsSync(folder.dir);
  try {
    mkdirSync(folder.dir, { recursive: true });
  } catch (e) {
    const fault = writeFailure(e, folder.dir);
    throw fault instanceof UserError ? fault : new UserError(`${flag} ${cfg.out}: cannot create the folder (${(e as Error).message}); give another ${flag}`);
  }
  const lock = lockNewRun(folder, () => folder.checkNewRun(flag, force, [RUN_FILES.lock]), own);
  const abandon = () => {
    folder.discard(own);
    lock.release();
  };
  return { cfg, folder, notes: lock.note ? [lock.note] : [], abandon, close: () => lock.release() };
}

/** The lock of a new run's folder, checked again once held (another trainer may have started a run there meanwhile). */
function lockNewRun(folder: RunFolder, check: () => void, own: boolean): RunLock {
  let lock: RunLock | undefined;
  try {
    lock = folder.lock();
    check();
    return lock;
  } catch (e) {
    lock?.release();
    if (own) removeIfEmpty(folder.dir);
    throw e;
  }
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty: it is someone else's now
  }
}

/** Opens the run a request trains, holding its lock; the caller closes (or abandons) it. */
export function openRun(req: TrainRequest): OpenedRun {
  const source = req.source ?? 'code';
  const options = requestOptions(req);
  return req.resume ? resume(req, source, options) : fresh(req, source, options);
}
