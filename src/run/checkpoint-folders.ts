// A run's checkpoint folders: checkpoints/step-N (the newest K kept) and checkpoints/best; listing them,
// choosing one (latest | best | STEP) and rotating the oldest out.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../util/errors.js';
import { BEST_CHECKPOINT, CHECKPOINT_FILES, checkpointStep, RunLayout } from './layout.js';

export interface CheckpointRef {
  step: number;
  path: string;
}

/** The name of step N's checkpoint folder (checkpoints/step-0000500). */
export function checkpointName(step: number): string {
  return basename(new RunLayout('.').checkpointDir(step));
}

/** The checkpoints/step-N folders of a run, oldest first. */
export function listCheckpoints(checkpointsDir: string): CheckpointRef[] {
  if (!existsSync(checkpointsDir)) return [];
  return readdirSync(checkpointsDir)
    .map((name) => ({ name, step: checkpointStep(name) }))
    .filter((x) => x.step !== null && statSync(join(checkpointsDir, x.name)).isDirectory() && existsSync(join(checkpointsDir, x.name, CHECKPOINT_FILES.record)))
    .map((x) => ({ step: x.step!, path: join(checkpointsDir, x.name) }))
    .sort((a, b) => a.step - b.step);
}

/** The checkpoint folder of a run ('latest', 'best', a step), or `path` itself when it is a checkpoint folder. */
export function resolveCheckpoint(path: string, which = 'latest'): string {
  if (existsSync(join(path, CHECKPOINT_FILES.record))) return path;
  if (!existsSync(path)) throw new UserError(`${path} does not exist: give a run folder (the --out of dcgan train) or a checkpoint folder`);
  const run = new RunLayout(path);
  if (which === BEST_CHECKPOINT) {
    if (!existsSync(join(run.bestCheckpointDir, CHECKPOINT_FILES.record))) throw new UserError(`${path} has no best checkpoint (checkpoints/best is written by train --eval-every)`);
    return run.bestCheckpointDir;
  }
  const all = listCheckpoints(run.checkpointsDir);
  if (all.length === 0) throw new UserError(`${path} has no checkpoints (checkpoints/step-* folders); train it first, or give a checkpoint folder`);
  if (which === 'latest') return all[all.length - 1]!.path;
  const hit = all.find((c) => String(c.step) === which.trim());
  if (!hit) throw new UserError(`${path} has no checkpoint of step ${which}; it has ${all.map((c) => c.step).join(', ')} (or latest, best)`);
  return hit.path;
}

/** Deletes all but the newest `keep` step checkpoints. */
export function rotateCheckpoints(checkpointsDir: string, keep: number): void {
  const all = listCheckpoints(checkpointsDir);
  for (const c of all.slice(0, Math.max(0, all.length - keep))) rmSync(c.path, { recursive: true, force: true });
}
