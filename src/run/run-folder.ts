// A run folder's small files and their writers: the resolved config (config.json), metrics.jsonl (one line
// per step) and progress.json (which another process, the dashboard, polls); the lock of its one trainer;
// whether a folder may become a new run; and the leftovers of interrupted writes. Paths come from layout.ts.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkArch, type ArchSpec } from '../model/spec.js';
import { isUserError, UserError } from '../util/errors.js';
import { overwriteInPlace, removeInterruptedWrites, writeFailure, writeFileAtomic, writeJsonAtomic } from '../util/files.js';
import { checkSavedConfig, ConfigError, type TrainConfig } from './config.js';
import { RUN_ARTEFACTS, RunLayout } from './layout.js';
import { RunLock } from './run-lock.js';

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
  /** Data-parallel runs: the ranks, the hosts they run on, and each rank's images per second. */
  distributed?: { world: number; hosts: string[]; ranks: { rank: number; host: string; imgPerSec: number }[] };
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

  /**
   * Checks that a new run may be written here (`flag` names the option, --out): a new folder, an empty one,
   * or with `force` one holding other files; never a file, nor a folder holding any part of a run (but the
   * names in `ignore`).
   */
  checkNewRun(flag: string, force: boolean, ignore: readonly string[] = []): void {
    const st = statSync(this.dir, { throwIfNoEntry: false });
    if (!st) return;
    if (!st.isDirectory()) throw new UserError(`${flag} ${this.dir} is a file, not a folder; give a new or empty folder for the run`);
    if (this.exists()) throw new UserError(`${flag} ${this.dir} already holds a run; continue it with --resume ${this.dir}, or choose another ${flag}`);
    const names = readdirSync(this.dir).filter((n) => !ignore.includes(n));
    const parts = names.filter((n) => RUN_ARTEFACTS.includes(n));
    if (parts.length) {
      throw new UserError(`${flag} ${this.dir} holds parts of another run (${parts.join(', ')}) but no config.json; a new run must not mix with them: choose another ${flag}, or move them away`);
    }
    if (names.length && !force) {
      const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
      throw new UserError(`${flag} ${this.dir} is not empty (${shown}); choose a new or empty folder, or pass --force to write the run among those files`);
    }
  }

  /** Takes the run's lock for this process (one trainer per run); see run-lock.ts. */
  lock(): RunLock {
    return RunLock.acquire(this.lockPath, this.dir);
  }

  /** Removes what interrupted atomic writes left behind (.generator.tmp-*, .step-*.tmp-* ...); returns their paths. */
  removeInterruptedWrites(): string[] {
    return [this.dir, this.checkpointsDir, this.samplesDir, this.generatorDir]
      .flatMap((d) => removeInterruptedWrites(d).map((name) => join(d, name)));
  }

  /** Removes everything a run writes here (a new run rejected before its first step), and the folder when `own` and then empty. */
  discard(own: boolean): void {
    for (const name of RUN_ARTEFACTS) rmSync(join(this.dir, name), { recursive: true, force: true });
    this.removeInterruptedWrites();
    if (own) {
      try {
        rmdirSync(this.dir);
      } catch {
        // not empty: other files were put there meanwhile
      }
    }
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
    const damaged = (what: string) => new ConfigError(`${this.configPath}: ${what}; the file is damaged (restore it, or start a new run)`);
    let config: TrainConfig;
    try {
      config = checkSavedConfig(all, this.configPath, RUN_INFO_KEYS);
    } catch (e) {
      if (!isUserError(e) || /damaged|edited/.test(e.message)) throw e;
      throw damaged(e.message.replace(`${this.configPath}: `, ''));
    }
    try {
      if (info.resolvedArch !== undefined) checkArch(info.resolvedArch, 'resolvedArch');
    } catch (e) {
      throw isUserError(e) ? damaged(e.message) : e;
    }
    if (info.classes !== undefined && !(Number.isInteger(info.classes) && info.classes >= 0)) throw damaged("'classes' is not a count");
    if (info.classNames !== undefined && !(Array.isArray(info.classNames) && info.classNames.every((n) => typeof n === 'string'))) throw damaged("'classNames' is not a list of names");
    return { config, info };
  }

  appendMetrics(line: MetricsLine): void {
    try {
      appendFileSync(this.metricsPath, `${JSON.stringify(line)}\n`);
    } catch (e) {
      throw writeFailure(e, this.metricsPath);
    }
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
    writeJsonAtomic(this.progressPath, this.progressJson(p));
  }

  /**
   * Writes progress.json whatever it takes, for a failure report: atomically, else (a full disk has no room for
   * the new copy) in place; never throws. Whether it was written.
   */
  writeProgressLastResort(p: Omit<Progress, 'updatedAt' | 'pid'>): boolean {
    const json = this.progressJson(p);
    try {
      writeJsonAtomic(this.progressPath, json);
      return true;
    } catch {
      return overwriteInPlace(this.progressPath, `${JSON.stringify(json)}\n`);
    }
  }

  /** Marks the run failed in progress.json, keeping what it says of the run (a resume that could not start); never throws. */
  markFailed(message: string): void {
    let before: Partial<Progress> = {};
    try {
      const v = JSON.parse(readFileSync(this.progressPath, 'utf8')) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) before = v as Partial<Progress>;
    } catch {
      // no progress.json yet, or a damaged one: it is rewritten
    }
    const { step = 0, totalSteps = 0, epoch = 0, epochs = 0 } = before;
    this.writeProgressLastResort({ ...before, step, totalSteps, epoch, epochs, imgPerSec: 0, etaSeconds: null, status: 'failed', message });
  }

  private progressJson(p: Omit<Progress, 'updatedAt' | 'pid'>): Progress {
    return { ...p, pid: process.pid, updatedAt: new Date().toISOString() };
  }
}
