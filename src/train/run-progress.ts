// progress.json as a training session keeps it (the dashboard polls it): the step, speed and ETA, the latest
// grid and checkpoint; rewritten at most once a second while running, and whatever it takes when the run fails.
import type { Progress, RunFolder, RunStatus } from '../run/run-folder.js';
import type { StepFigures } from './step.js';

/** Where the run stands. */
export interface RunPosition {
  step: number;
  epoch: number;
  last?: StepFigures;
}

export class RunProgress {
  /** Seconds per step, smoothed. */
  stepTime = NaN;
  latestSample?: string;
  latestCheckpoint?: string;
  /** Data-parallel runs: who trains, and how fast each rank went in the last step. */
  distributed?: Progress['distributed'];
  /** The job's images per second (data-parallel: every rank's), smoothed; the batch over the step time otherwise. */
  private jobImgPerSec = NaN;
  private lastWrite = 0;

  constructor(private readonly folder: RunFolder, private readonly batchSize: number, private readonly totalSteps: number, private readonly epochs: number) {}

  /** Folds one step's duration into the smoothed step time. */
  stepTook(seconds: number, imgPerSec = this.batchSize / seconds): void {
    this.stepTime = Number.isFinite(this.stepTime) ? 0.9 * this.stepTime + 0.1 * seconds : seconds;
    this.jobImgPerSec = Number.isFinite(this.jobImgPerSec) ? 0.9 * this.jobImgPerSec + 0.1 * imgPerSec : imgPerSec;
  }

  get etaSeconds(): (step: number) => number {
    return (step) => (this.totalSteps - step) * this.stepTime;
  }

  private record(status: RunStatus, at: RunPosition, message?: string): Omit<Progress, 'updatedAt' | 'pid'> {
    const t = this.stepTime, f = at.last;
    return {
      status, step: at.step, totalSteps: this.totalSteps, epoch: at.epoch, epochs: this.epochs,
      imgPerSec: Number.isFinite(this.jobImgPerSec) ? this.jobImgPerSec : 0, etaSeconds: Number.isFinite(t) ? (this.totalSteps - at.step) * t : null,
      last: f && { Loss_D: f.lossD, Loss_G: f.lossG, 'D(x)': f.dx, 'D(G(z))': f.dgz1 },
      latestSample: this.latestSample, latestCheckpoint: this.latestCheckpoint, message,
      ...(this.distributed ? { distributed: this.distributed } : {}),
    };
  }

  /** Writes progress.json; while running, at most once a second unless `now`. */
  write(status: RunStatus, at: RunPosition, opts: { message?: string; now?: boolean } = {}): void {
    if (status === 'running' && !opts.now && performance.now() - this.lastWrite < 1000) return;
    this.folder.writeProgress(this.record(status, at, opts.message));
    this.lastWrite = performance.now();
  }

  /** Marks the run failed with `message`, even on a full disk; never throws. */
  fail(at: RunPosition, message: string): void {
    this.folder.writeProgressLastResort(this.record('failed', at, message));
  }
}
