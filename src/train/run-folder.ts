// The layout of a run folder, and its small writers: the resolved config, metrics.jsonl (one line per
// step), the fixed-noise sample grids, checkpoints, the exported generator, and progress.json (which
// another process, the dashboard, polls).
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeJsonAtomic } from '../files.js';

/** One line of metrics.jsonl (the figures pytorch/examples prints, and speed). */
export interface MetricsLine {
  step: number;
  epoch: number;
  Loss_D: number;
  Loss_G: number;
  'D(x)': number;
  /** D(G(z)) before D's update. */
  'D(G(z))': number;
  /** D(G(z)) after D's update (pytorch/examples' second figure). */
  'D(G(z))_2': number;
  'img/s': number;
  /** Wall-clock seconds since training started (all sessions of the run). */
  seconds: number;
  /** Diversity of the fixed-noise samples, when a grid was made at this step. */
  diversity?: number;
  /** Metrics from evaluation, when it ran at this step (FID ...). */
  [extra: string]: number | undefined;
}

export type RunStatus = 'starting' | 'running' | 'done' | 'stopped' | 'failed';

/** progress.json: small, rewritten atomically, for pollers. */
export interface Progress {
  status: RunStatus;
  pid: number;
  step: number;
  totalSteps: number;
  epoch: number;
  epochs: number;
  imgPerSec: number;
  etaSeconds: number | null;
  last?: Pick<MetricsLine, 'Loss_D' | 'Loss_G' | 'D(x)' | 'D(G(z))'>;
  latestSample?: string;
  latestCheckpoint?: string;
  message?: string;
  updatedAt: string;
}

export class RunFolder {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  get configPath(): string { return join(this.dir, 'config.json'); }
  get metricsPath(): string { return join(this.dir, 'metrics.jsonl'); }
  get progressPath(): string { return join(this.dir, 'progress.json'); }
  get samplesDir(): string { return join(this.dir, 'samples'); }
  get checkpointsDir(): string { return join(this.dir, 'checkpoints'); }
  get generatorDir(): string { return join(this.dir, 'generator'); }

  samplePath(step: number): string {
    return join(this.samplesDir, `step-${String(step).padStart(7, '0')}.png`);
  }

  exists(): boolean {
    return existsSync(this.configPath);
  }

  create(): void {
    mkdirSync(this.samplesDir, { recursive: true });
    mkdirSync(this.checkpointsDir, { recursive: true });
  }

  writeConfig(config: unknown): void {
    writeJsonAtomic(this.configPath, config);
  }

  readConfig<T>(): T {
    return JSON.parse(readFileSync(this.configPath, 'utf8')) as T;
  }

  appendMetrics(line: MetricsLine): void {
    appendFileSync(this.metricsPath, `${JSON.stringify(line)}\n`);
  }

  /** The metrics lines up to and including `step` (a resumed run drops lines past its checkpoint). */
  readMetrics(): MetricsLine[] {
    if (!existsSync(this.metricsPath)) return [];
    return readFileSync(this.metricsPath, 'utf8').split('\n').filter((l) => l.trim()).flatMap((l) => {
      try {
        return [JSON.parse(l) as MetricsLine];
      } catch {
        return []; // a line cut by a kill
      }
    });
  }

  writeProgress(p: Omit<Progress, 'updatedAt' | 'pid'>): void {
    writeJsonAtomic(this.progressPath, { ...p, pid: process.pid, updatedAt: new Date().toISOString() });
  }
}
