// How a training run that fails says so: one line with what happened, what is safe (the newest intact
// checkpoint) and how to go on. A failed write (disk full ...) names its file; a diverged run gets advice.
import { newestIntactCheckpoint } from '../run/checkpoint.js';
import type { RunFolder } from '../run/run-folder.js';
import { UserError } from '../util/errors.js';
import { WriteError } from '../util/files.js';
import { TrainingError } from './run-data.js';

/** What is safe in the run folder: its newest intact checkpoint. */
function safe(folder: RunFolder, label: string): string {
  const last = newestIntactCheckpoint(folder.checkpointsDir);
  return last ? `${label} is ${last}` : 'no checkpoint was written yet';
}

/** The error a failed run ends with (`e` itself when it is neither a failed write nor a divergence). */
export function runFailure(e: unknown, folder: RunFolder): unknown {
  if (e instanceof WriteError) {
    return new UserError(`${e.message}; ${safe(folder, 'the last complete checkpoint')}: free space (or fix the folder), then continue with dcgan train --resume ${folder.dir}`);
  }
  if (e instanceof TrainingError && /^training diverged/.test(e.message)) {
    return new TrainingError(`${e.message}. ${safe(folder, 'The last good checkpoint')}; try a lower learning rate (--lr, also on --resume), label smoothing (--real-label 0.9) or another seed.`);
  }
  if (e instanceof Error && e.name === 'DistError') {
    // A lost or hung peer of a data-parallel run: the job cannot go on (a broken group is not repaired).
    return new UserError(`${e.message}; ${safe(folder, 'the last complete checkpoint')}; continue with the same command plus --resume ${folder.dir}`);
  }
  return e;
}
