// What a training run reports (its events, its result, the error that stops it) and the data it trains on,
// loaded as its config says.
import { loadDataset, type ImageDataset } from '../data/index.js';
import type { EngineInfo } from '../engine/index.js';
import type { TrainConfig } from '../run/config.js';
import type { MetricsLine, RunStatus } from '../run/run-folder.js';
import { UserError } from '../util/errors.js';
import type { StepFigures } from './step.js';

/** Training stopped by the run itself (a diverged loss): a clear message, a non-zero exit, no stack. */
export class TrainingError extends Error {
  override name = 'TrainingError';
}

export interface TrainEvents {
  /** After every iteration, with its metrics line. */
  onStep?(line: MetricsLine, view: { step: number; totalSteps: number; epoch: number; epochs: number; etaSeconds: number | null }): void;
  onSample?(path: string, step: number): void;
  onCheckpoint?(path: string, step: number): void;
  /** A health warning (D winning outright, samples collapsing). */
  onWarning?(message: string): void;
  /** Information worth a line (resumed from a checkpoint, engine in use). */
  onMessage?(message: string): void;
}

export interface TrainResult {
  run: string;
  status: RunStatus;
  step: number;
  totalSteps: number;
  last?: StepFigures;
  engine: EngineInfo;
}

/** Whether a data spec names a folder of images (where labels come from sub-folders only on request). */
function isFolder(spec: string): boolean {
  return !/^(mnist|fashion-mnist|emoji|fake(:.*)?|cifar10:.*|idx:.*)$/.test(spec);
}

/** The dataset a config trains on (fake images for a dry run), checked against what the config needs. */
export async function loadRunData(cfg: TrainConfig, events: TrainEvents): Promise<ImageDataset> {
  const [h, w] = cfg.imageSize;
  const ds = await loadDataset(cfg.dryRun ? `fake:${h}x${w}x${cfg.channels ?? 3}` : cfg.data, {
    size: cfg.imageSize, channels: cfg.channels, dataDir: cfg.dataDir, labels: cfg.labels || (cfg.conditional && isFolder(cfg.data)),
    strict: cfg.strict, background: cfg.background, cacheDir: cfg.cacheDir, cache: cfg.cache,
    count: cfg.dryRun ? cfg.batchSize * 2 : undefined, seed: cfg.seed,
  });
  if (cfg.conditional && !(ds.classNames && ds.labels)) {
    throw new UserError(`--conditional needs labelled data, and ${cfg.data} has no labels; use mnist, fashion-mnist, cifar10:PATH, or a folder with class sub-folders and --labels`);
  }
  if (ds.skipped.count > 0) events.onWarning?.(`${ds.skipped.count} files of ${cfg.data} could not be read or decoded and are skipped (e.g. ${ds.skipped.examples.slice(0, 3).join(', ')}); --strict makes this an error`);
  return ds;
}
