// A run's checkpoint folders: checkpoints/step-N (the newest K kept) and checkpoints/best; listing them,
// choosing one (latest | best | STEP), rotating the oldest out, and setting aside those after a resumed one.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../util/errors.js';
import { writeFileNamed, writeFolderAtomic } from '../util/files.js';
import { BEST_CHECKPOINT, CHECKPOINT_FILES, checkpointStep, RUN_FILES, RunLayout } from './layout.js';

export interface CheckpointRef {
  step: number;
  path: string;
}

/** The name of step N's checkpoint folder (checkpoints/step-0000500). */
export function checkpointName(step: number): string {
  return basename(new RunLayout('.').checkpointDir(step));
}

/** The checkpoints/step-N folders of a run, oldest first (damaged ones too: loading one says what is wrong). */
export function listCheckpoints(checkpointsDir: string): CheckpointRef[] {
  if (!existsSync(checkpointsDir)) return [];
  return readdirSync(checkpointsDir)
    .map((name) => ({ name, step: checkpointStep(name) }))
    .filter((x) => x.step !== null && statSync(join(checkpointsDir, x.name), { throwIfNoEntry: false })?.isDirectory())
    .map((x) => ({ step: x.step!, path: join(checkpointsDir, x.name) }))
    .sort((a, b) => a.step - b.step);
}

/** The run folder a checkpoint folder (RUN/checkpoints/step-N or best) belongs to; null for any other folder. */
export function runOfCheckpoint(path: string): string | null {
  if (!existsSync(join(path, CHECKPOINT_FILES.record))) return null;
  const parent = dirname(join(path, '.'));
  return basename(parent) === RUN_FILES.checkpoints ? dirname(parent) : null;
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

/** Copies the checkpoint folder `from` to `to` (checkpoints/best), atomically. */
export function copyCheckpoint(from: string, to: string): void {
  writeFolderAtomic(to, (tmp) => {
    for (const f of readdirSync(from)) writeFileNamed(join(tmp, f), readFileSync(join(from, f)));
  });
}

/** Deletes all but the newest `keep` step checkpoints. */
export function rotateCheckpoints(checkpointsDir: string, keep: number): void {
  const all = listCheckpoints(checkpointsDir);
  for (const c of all.slice(0, Math.max(0, all.length - keep))) rmSync(c.path, { recursive: true, force: true });
}

/**
 * Renames the step checkpoints after `step` to step-N.superseded-STAMP-PID (which nothing lists or rotates), so
 * that a run resumed from an earlier checkpoint never mixes in checkpoints of the training it replaces.
 * Returns the new names.
 */
export function setAsideCheckpointsAfter(checkpointsDir: string, step: number): string[] {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return listCheckpoints(checkpointsDir).filter((c) => c.step > step).map((c) => {
    const to = `${c.path}.superseded-${stamp}-${process.pid}`;
    renameSync(c.path, to);
    return to;
  });
}
