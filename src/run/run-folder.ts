// A run folder's small files and their writers: the resolved config (config.json), metrics.jsonl (one line
// per step) and progress.json (which another process, the dashboard, polls). Paths come from layout.ts.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { ArchSpec } from '../model/spec.js';
import { UserError } from '../util/errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/files.js';
import { checkSavedConfig, type TrainConfig } from './config.js';
import { RunLayout } from './layout.js';

/** The four figures pytorch/examples prints for a step, D(G(z)) before and after D's update. */
export interface StepFigures {
  lossD: number;
  lossG: number;
  dx: number;
  dgz1: number;
  dgz2: number;
}

/** What config.json records beside the knobs: the architecture built, the classes, what wrote it. */
export interface RunInfo {
  resolvedArch: ArchSpec;
  classes: number;
  classNames?: string[];
  versions: Record<string, string>;
  engine: unknown;
}
const RUN_INFO_KEYS: readonly (keyof RunInfo)[] = ['resolvedArch', 'classes', 'classNames', 'versions', 'engine'];

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

export class RunFolder extends RunLayout {
  exists(): boolean {
    return existsSync(this.configPath);
  }

  create(): void {
    mkdirSync(this.samplesDir, { recursive: true });
    mkdirSync(this.checkpointsDir, { recursive: true });
  }

  writeConfig(config: TrainConfig, info: RunInfo): void {
    writeJsonAtomic(this.configPath, { ...config, ...info });
  }

  /** config.json, checked against the knob table; a damaged file is one line naming it. */
  readConfig(): { config: TrainConfig; info: Partial<RunInfo> } {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(this.configPath, 'utf8'));
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is missing' : `it is not valid JSON (${(e as Error).message})`;
      throw new UserError(`${this.configPath}: ${why}; the run folder is damaged (restore config.json, or start a new run)`);
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new UserError(`${this.configPath} is not a JSON object; the run folder is damaged (restore config.json, or start a new run)`);
    const all = json as Record<string, unknown>;
    const info = Object.fromEntries(RUN_INFO_KEYS.filter((k) => k in all).map((k) => [k, all[k]])) as Partial<RunInfo>;
    return { config: checkSavedConfig(all, this.configPath, RUN_INFO_KEYS), info };
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

  /** Keeps the metrics lines up to `step` (a resumed run redoes the steps after its checkpoint). */
  truncateMetrics(step: number): void {
    writeFileAtomic(this.metricsPath, this.readMetrics().filter((l) => l.step <= step).map((l) => `${JSON.stringify(l)}\n`).join(''));
  }

  writeProgress(p: Omit<Progress, 'updatedAt' | 'pid'>): void {
    writeJsonAtomic(this.progressPath, { ...p, pid: process.pid, updatedAt: new Date().toISOString() });
  }
}
