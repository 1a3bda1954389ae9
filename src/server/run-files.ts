// Reads what one run folder holds (config.json, progress.json, samples/, generator/) and sums it up for the
// pages. Every reader tolerates a run that is being written: a missing or half-written file reads as absent,
// and so does one that a symbolic link leads out of the runs folder (the run folder's parent).
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { GENERATOR_FILES, RUN_FILES, RunLayout, sampleStep } from '../run/layout.js';
import type { Progress } from '../run/run-folder.js';
import { processAlive } from '../util/processes.js';
import type { GeneratorRef, RunState, RunSummary, SampleRef } from './api-types.js';
import { realPathInside } from './safe-path.js';

/** A run's name in URLs: the folder's name, never hidden, never a path. */
export function isRunName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && !name.startsWith('.') && !/[/\\\0]/.test(name);
}

export function fileUrl(run: string, ...path: string[]): string {
  return `/runs/${[run, ...path].map(encodeURIComponent).join('/')}`;
}

export interface RunFiles {
  config: Record<string, unknown> | null;
  progress: Progress | null;
  samples: SampleRef[];
  generator: GeneratorRef | null;
}

/** The runs folder a run folder is in: what no file the server reads may lead out of. */
export const runsFolderOf = (dir: string) => dirname(resolve(dir));

async function readJson<T>(dir: string, path: string): Promise<T | null> {
  try {
    const real = await realPathInside(runsFolderOf(dir), path);
    if (!real) return null;
    const v = JSON.parse(await readFile(real, 'utf8')) as unknown;
    return v && typeof v === 'object' ? (v as T) : null;
  } catch {
    return null;
  }
}

export const readConfig = (dir: string) => readJson<Record<string, unknown>>(dir, new RunLayout(dir).configPath);
export const readProgress = (dir: string) => readJson<Progress>(dir, new RunLayout(dir).progressPath);

/** The fixed-noise grids, in step order. */
export async function readSamples(dir: string, run: string): Promise<SampleRef[]> {
  const samples = await realPathInside(runsFolderOf(dir), new RunLayout(dir).samplesDir);
  const names = samples ? await readdir(samples).catch(() => [] as string[]) : [];
  return names.flatMap((n) => {
    const step = sampleStep(n);
    return step === null ? [] : [{ step, url: fileUrl(run, RUN_FILES.samples, n) }];
  }).sort((a, b) => a.step - b.step);
}

const generatorSteps = new Map<string, { version: string; step: number }>();

/** The exported generator, if any; model.json is parsed only when it changed. */
export async function readGenerator(dir: string, run: string): Promise<GeneratorRef | null> {
  const path = await realPathInside(runsFolderOf(dir), new RunLayout(dir).generatorModelPath);
  const st = path ? await stat(path).catch(() => null) : null;
  if (!st?.isFile()) return null;
  const version = `${Math.floor(st.mtimeMs).toString(36)}-${st.size.toString(36)}`;
  let cached = generatorSteps.get(path!);
  if (cached?.version !== version) {
    const json = await readJson<{ userDefinedMetadata?: { dcgan?: { step?: unknown } } }>(dir, path!);
    if (!json) return null;
    const step = json.userDefinedMetadata?.dcgan?.step;
    cached = { version, step: typeof step === 'number' ? step : 0 };
    generatorSteps.set(path!, cached);
  }
  return { url: fileUrl(run, RUN_FILES.generator, GENERATOR_FILES.model), step: cached.step, version };
}

export async function readRunFiles(dir: string, run: string): Promise<RunFiles> {
  const [config, progress, samples, generator] = await Promise.all([readConfig(dir), readProgress(dir), readSamples(dir, run), readGenerator(dir, run)]);
  return { config, progress, samples, generator };
}

const STATES: readonly RunState[] = ['starting', 'running', 'done', 'stopped', 'failed'];

/** progress.json's status, except that a run whose trainer process is gone is 'interrupted'. */
export function runState(progress: Progress | null): RunState {
  if (!progress || !STATES.includes(progress.status)) return 'unknown';
  if ((progress.status === 'running' || progress.status === 'starting') && !processAlive(progress.pid)) return 'interrupted';
  return progress.status;
}

const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** progress.json's `distributed` record, checked (a damaged one shows as none). */
function distributedOf(d: unknown): RunSummary['distributed'] {
  if (!d || typeof d !== 'object') return null;
  const r = d as Record<string, unknown>;
  if (typeof r.world !== 'number' || !Array.isArray(r.hosts) || !Array.isArray(r.ranks)) return null;
  const ranks = (r.ranks as unknown[]).flatMap((x) => {
    const e = x as Record<string, unknown> | null;
    return e && typeof e.rank === 'number' && typeof e.host === 'string' ? [{ rank: e.rank, host: e.host, imgPerSec: num(e.imgPerSec) }] : [];
  });
  return { world: r.world, hosts: (r.hosts as unknown[]).filter((h): h is string => typeof h === 'string'), ranks };
}

export function summarize(run: string, f: RunFiles): RunSummary {
  const p = f.progress, c = f.config;
  const size = c?.imageSize;
  const maxSteps = num(c?.maxSteps, NaN);
  return {
    name: run,
    state: runState(p),
    step: num(p?.step, f.samples.at(-1)?.step ?? 0),
    totalSteps: num(p?.totalSteps, Number.isFinite(maxSteps) ? maxSteps : 0),
    epoch: num(p?.epoch),
    epochs: num(p?.epochs, num(c?.epochs)),
    imgPerSec: num(p?.imgPerSec),
    etaSeconds: typeof p?.etaSeconds === 'number' && Number.isFinite(p.etaSeconds) ? p.etaSeconds : null,
    updatedAt: strOrNull(p?.updatedAt),
    message: strOrNull(p?.message),
    preset: strOrNull(c?.preset),
    data: strOrNull(c?.data),
    imageSize: Array.isArray(size) && size.length === 2 && size.every((v) => typeof v === 'number') ? [size[0] as number, size[1] as number] : null,
    conditional: c?.conditional === true,
    sampleCount: f.samples.length,
    latestSample: f.samples.at(-1) ?? null,
    generatorStep: f.generator?.step ?? null,
    distributed: distributedOf(p?.distributed),
  };
}
