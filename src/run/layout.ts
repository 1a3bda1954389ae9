// The names and layout of a run folder, in one place: everything that reads or writes a run (the trainer,
// sampling, evaluation, the server) builds its paths here. Names only, no I/O.
import { join, resolve } from 'node:path';
import { LAYERS_MODEL_FILES } from '../model/model-files.js';

/** The files and folders of a run, relative to the run folder. */
export const RUN_FILES = {
  config: 'config.json',
  metrics: 'metrics.jsonl',
  progress: 'progress.json',
  lock: 'train.lock',
  samples: 'samples',
  checkpoints: 'checkpoints',
  generator: 'generator',
  evalReport: 'eval.json',
  evalNearest: 'eval-nearest.png',
  probeReport: 'probe.json',
} as const;

/** The names only a run writes: a folder holding any of them holds (part of) a run. */
export const RUN_ARTEFACTS: readonly string[] = Object.values(RUN_FILES);

/** The files of a checkpoint folder and of an exported generator folder. */
export const CHECKPOINT_FILES = { record: 'checkpoint.json', tensors: 'tensors.bin' } as const;
export const GENERATOR_FILES = LAYERS_MODEL_FILES;

/** checkpoints/best: the best-by-FID checkpoint of `train --eval-every`. */
export const BEST_CHECKPOINT = 'best';

const STEP_DIGITS = 7;
const stepName = (step: number) => `step-${String(step).padStart(STEP_DIGITS, '0')}`;

/** checkpoints/step-0000500 -> 500; null for any other name. */
export function checkpointStep(name: string): number | null {
  const m = /^step-(\d+)$/.exec(name);
  return m ? Number(m[1]) : null;
}

/** samples/step-0000500.png -> 500; null for any other name. */
export function sampleStep(name: string): number | null {
  const m = /^step-(\d+)\.png$/.exec(name);
  return m ? Number(m[1]) : null;
}

/** A run folder's paths. */
export class RunLayout {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  get configPath(): string { return join(this.dir, RUN_FILES.config); }
  get metricsPath(): string { return join(this.dir, RUN_FILES.metrics); }
  get progressPath(): string { return join(this.dir, RUN_FILES.progress); }
  get lockPath(): string { return join(this.dir, RUN_FILES.lock); }
  get samplesDir(): string { return join(this.dir, RUN_FILES.samples); }
  get checkpointsDir(): string { return join(this.dir, RUN_FILES.checkpoints); }
  get bestCheckpointDir(): string { return join(this.checkpointsDir, BEST_CHECKPOINT); }
  get generatorDir(): string { return join(this.dir, RUN_FILES.generator); }
  get generatorModelPath(): string { return join(this.generatorDir, GENERATOR_FILES.model); }
  get evalReportPath(): string { return join(this.dir, RUN_FILES.evalReport); }
  get evalNearestPath(): string { return join(this.dir, RUN_FILES.evalNearest); }

  samplePath(step: number): string {
    return join(this.samplesDir, `${stepName(step)}.png`);
  }

  checkpointDir(step: number): string {
    return join(this.checkpointsDir, stepName(step));
  }
}
