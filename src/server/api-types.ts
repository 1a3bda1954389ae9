// The JSON shapes the server sends to the web pages. Types only (no imports), so the browser code can import
// them as `import type` without pulling in anything of Node's.

/** A run's state: progress.json's status, or 'interrupted' when it says running but its process is gone. */
export type RunState = 'starting' | 'running' | 'done' | 'stopped' | 'failed' | 'interrupted' | 'unknown';

/** One fixed-noise grid of a run (samples/step-NNNNNNN.png). */
export interface SampleRef {
  step: number;
  /** Server path of the PNG, e.g. /runs/NAME/samples/step-0000200.png. */
  url: string;
}

/** The run's exported generator (generator/model.json, stock TF.js layers format). */
export interface GeneratorRef {
  /** Server path of model.json; weights.bin sits beside it. */
  url: string;
  /** Training step it was exported at. */
  step: number;
  /** Changes whenever the files are rewritten (for cache busting). */
  version: string;
}

/** One line of metrics.jsonl: step, epoch, Loss_D, Loss_G, 'D(x)', 'D(G(z))', 'img/s', and fid etc. when logged. */
export interface MetricsPoint {
  step: number;
  [name: string]: number;
}

/** A row of the runs list, and the head of a run's page. */
export interface RunSummary {
  name: string;
  state: RunState;
  step: number;
  totalSteps: number;
  epoch: number;
  epochs: number;
  /** Smoothed training speed from progress.json. */
  imgPerSec: number;
  etaSeconds: number | null;
  /** When progress.json was last written (ISO time), null without one. */
  updatedAt: string | null;
  message: string | null;
  preset: string | null;
  data: string | null;
  /** [height, width] */
  imageSize: [number, number] | null;
  conditional: boolean;
  sampleCount: number;
  latestSample: SampleRef | null;
  generatorStep: number | null;
  /** Data-parallel runs: the ranks, their hosts and each rank's img/s (progress.json); null for one process. */
  distributed: { world: number; hosts: string[]; ranks: { rank: number; host: string; imgPerSec: number }[] } | null;
}

/** Everything a run's page starts from; later changes arrive as RunEvents. */
export interface RunSnapshot {
  summary: RunSummary;
  /** The resolved config (config.json). */
  config: Record<string, unknown> | null;
  samples: SampleRef[];
  generator: GeneratorRef | null;
  metrics: MetricsPoint[];
  /** 1, or k when a long log was thinned to every k-th line (plus every line with extra metrics, plus the last). */
  metricsEvery: number;
}

/** Server-sent events of /api/runs/NAME/events, by event name. A 'snapshot' restarts the page's state. */
export interface RunEvents {
  snapshot: RunSnapshot;
  metrics: MetricsPoint[];
  summary: RunSummary;
  sample: SampleRef;
  generator: GeneratorRef;
}

/** Server-sent events of /api/runs/events. */
export interface RunsListEvents {
  runs: RunSummary[];
}

/** The body of every 4xx / 5xx answer of the API. */
export interface ApiError {
  error: string;
}
