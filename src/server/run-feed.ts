// The live feed of one run folder: the metrics lines appended to metrics.jsonl (read incrementally from a
// byte offset), progress (as a summary), new fixed-noise grids, and generator re-exports. The whole run is
// sent as a 'snapshot' to a new listener and whenever the run was rewritten underneath (a resume).
import { RUN_FILES } from '../run/layout.js';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { GeneratorRef, MetricsPoint, RunEvents, RunSnapshot, RunSummary } from './api-types.js';
import { PollingFeed, type Listener } from './polling-feed.js';
import { readRunFiles, runsFolderOf, summarize, type RunFiles } from './run-files.js';
import { realPathInside } from './safe-path.js';

/** The figures every metrics line has; a line with any other (fid, kid ...) is kept when a long log is thinned. */
const STANDARD = new Set(['step', 'epoch', 'Loss_D', 'Loss_G', 'D(x)', 'D(G(z))', 'D(G(z))_2', 'img/s', 'seconds']);

/** One metrics line as numbers only (NaN was written as null); null when it is not a metrics line. */
export function toPoint(line: string): MetricsPoint | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null; // a line cut by a kill
  }
  if (!raw || typeof raw !== 'object') return null;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return typeof out.step === 'number' ? (out as MetricsPoint) : null;
}

/** At most about `max` points: every k-th, plus every line with extra metrics, plus the last. */
export function thin(points: MetricsPoint[], max: number): { points: MetricsPoint[]; every: number } {
  if (points.length <= max) return { points, every: 1 };
  const every = Math.ceil(points.length / max);
  const kept = points.filter((p, i) => i % every === 0 || i === points.length - 1 || Object.keys(p).some((k) => !STANDARD.has(k)));
  return { points: kept, every };
}

interface MetricsRead {
  ino: number;
  /** Bytes consumed: up to the end of the last complete line. */
  offset: number;
  points: MetricsPoint[];
  /** The file was replaced or shortened: start over. */
  restarted: boolean;
}

/** metrics.jsonl of run folder `dir` from `offset`; absent when a symbolic link leads it out of the runs folder. */
async function readMetrics(dir: string, ino: number, offset: number): Promise<MetricsRead> {
  const path = await realPathInside(runsFolderOf(dir), join(dir, RUN_FILES.metrics));
  const st = path ? await stat(path).catch(() => null) : null;
  if (!st) return { ino: 0, offset: 0, points: [], restarted: offset > 0 };
  const restarted = (ino !== 0 && st.ino !== ino) || st.size < offset;
  const from = restarted ? 0 : offset;
  if (st.size === from) return { ino: st.ino, offset: from, points: [], restarted };
  const fh = await open(path!, 'r');
  try {
    const buf = Buffer.alloc(st.size - from);
    const { bytesRead } = await fh.read(buf, 0, buf.length, from);
    const end = buf.lastIndexOf(0x0a, bytesRead - 1);
    if (end < 0) return { ino: st.ino, offset: from, points: [], restarted };
    const points = buf.subarray(0, end).toString('utf8').split('\n').flatMap((l) => {
      const p = l.trim() ? toPoint(l) : null;
      return p ? [p] : [];
    });
    return { ino: st.ino, offset: from + end + 1, points, restarted };
  } finally {
    await fh.close();
  }
}

export interface RunFeedOptions {
  /** Milliseconds between polls (default 250). */
  intervalMs?: number;
  /** Most metrics points in a snapshot before thinning (default 5000). */
  maxSnapshotPoints?: number;
}

export class RunFeed extends PollingFeed<RunEvents> {
  private metrics: MetricsPoint[] = [];
  private ino = 0;
  private offset = 0;
  private files: RunFiles = { config: null, progress: null, samples: [], generator: null };
  private summary: RunSummary;
  private readonly maxPoints: number;

  constructor(readonly name: string, readonly dir: string, opts: RunFeedOptions = {}) {
    super(opts.intervalMs ?? 250);
    this.maxPoints = opts.maxSnapshotPoints ?? 5000;
    this.summary = summarize(name, this.files);
  }

  snapshot(): RunSnapshot {
    const { points, every } = thin(this.metrics, this.maxPoints);
    return { summary: this.summary, config: this.files.config, samples: this.files.samples, generator: this.files.generator, metrics: points, metricsEvery: every };
  }

  /** Every metrics line after `step`, unthinned. */
  metricsAfter(step: number): MetricsPoint[] {
    return this.metrics.filter((p) => p.step > step);
  }

  protected greet(listener: Listener<RunEvents>): void {
    listener('snapshot', this.snapshot());
  }

  protected reset(): void {
    this.metrics = [];
    this.ino = 0;
    this.offset = 0;
    this.files = { config: null, progress: null, samples: [], generator: null };
  }

  protected async read(initial: boolean): Promise<(() => void) | undefined> {
    const [m, files] = await Promise.all([readMetrics(this.dir, this.ino, this.offset), readRunFiles(this.dir, this.name)]);
    return () => {
      const before = this.files;
      const restarted = m.restarted || before.samples.some((s) => !files.samples.find((t) => t.step === s.step));
      this.ino = m.ino;
      this.offset = m.offset;
      this.metrics = restarted ? m.points : this.metrics.concat(m.points);
      this.files = files;
      const summary = summarize(this.name, files);
      const summaryChanged = JSON.stringify(summary) !== JSON.stringify(this.summary);
      this.summary = summary;
      if (initial) return;
      if (restarted) {
        this.emit('snapshot', this.snapshot());
        return;
      }
      if (m.points.length) this.emit('metrics', m.points);
      const known = new Set(before.samples.map((s) => s.step));
      for (const s of files.samples) if (!known.has(s.step)) this.emit('sample', s);
      if (files.generator && files.generator.version !== before.generator?.version) this.emit('generator', files.generator as GeneratorRef);
      if (summaryChanged) this.emit('summary', summary);
    };
  }
}
