// The training loop: the dataset, the models built from the architecture, the GAN step, and the run
// folder's outputs (metrics, fixed-noise grids, checkpoints, the exported generator, progress), with exact
// resume. Model, data and trainer are separate objects composed here (as lucidrains' Unet -> Trainer).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, readFileSync } from 'node:fs';
import { Batches, loadDataset, type BatchState, type ImageDataset } from '../data/index.js';
import { initEngine, type EngineInfo } from '../engine/index.js';
import { UserError } from '../errors.js';
import { writeFileAtomic, writeFolderAtomic } from '../files.js';
import { copyFileSync, readdirSync } from 'node:fs';
import { buildDiscriminator, buildGenerator } from '../model/build.js';
import { exportGenerator, type GeneratorMeta } from '../model/export.js';
import { getPreset } from '../model/presets.js';
import { checkArch, type ArchSpec } from '../model/spec.js';
import { generateData } from '../sample/generate.js';
import { makeGrid, writePng } from '../sample/grid.js';
import { checkpointName, listCheckpoints, loadCheckpoint, rotateCheckpoints, saveCheckpoint, versions } from './checkpoint.js';
import { resolveConfig, type TrainConfig, type TrainOptions } from './config.js';
import { Ema } from './ema.js';
import { makeOptimizer, type GanOptimizer, type OptimizerState } from './optimizers.js';
import { Rng, type RngState } from './rng.js';
import { RunFolder, type MetricsLine, type RunStatus } from './run-folder.js';
import { diversity, HealthMonitor } from './health.js';
import { ganStep, type StepFigures, type StepSettings } from './step.js';

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

/**
 * Periodic evaluation during training (train --eval-every): given a way to generate images, returns
 * metrics (lower 'fid' is better); they join metrics.jsonl, and the best-by-FID checkpoint is kept as
 * checkpoints/best.
 */
export interface PeriodicEvaluator {
  evaluate(generate: (n: number, seed: number) => Float32Array, step: number): Promise<Record<string, number>>;
}

export interface TrainRequest extends Partial<TrainOptions> {
  /** Continue the run in this folder from its latest checkpoint. */
  resume?: string;
  /** Abort to stop after the current iteration (a checkpoint is written first). */
  signal?: AbortSignal;
  /** Runs every `evalEvery` steps. */
  evaluator?: PeriodicEvaluator;
  evalEvery?: number;
}

export interface TrainResult {
  run: string;
  status: RunStatus;
  step: number;
  totalSteps: number;
  last?: StepFigures;
  engine: EngineInfo;
}

/** The checkpoint record's meta part. */
interface CheckpointMeta {
  step: number;
  epoch: number;
  seconds: number;
  config: TrainConfig;
  arch: ArchSpec;
  classes: number;
  classNames?: string[];
  rng: RngState;
  batches: BatchState;
  optimizers: { G: Omit<OptimizerState, 'slots'> & { slots: string[] }; D: Omit<OptimizerState, 'slots'> & { slots: string[] } };
  weightNames: { G: string[]; D: string[] };
  ema: boolean;
  figures?: StepFigures;
  /** The best FID so far (train --eval-every), so a resumed run keeps the right checkpoints/best. */
  bestFid?: number;
  versions: Record<string, string>;
  savedAt: string;
}

/** Keys a resumed run may change; the rest come from the run's config.json. */
const RESUME_OVERRIDES = ['epochs', 'maxSteps', 'sampleEvery', 'checkpointEvery', 'keepCheckpoints', 'logEvery', 'backend', 'threads', 'lrD', 'lrG'] as const;

const FIXED_SAMPLES = 64;

/** Whether a data spec names a folder of images (where labels come from sub-folders only on request). */
function isFolder(spec: string): boolean {
  return !/^(mnist|fashion-mnist|emoji|fake(:.*)?|cifar10:.*|idx:.*)$/.test(spec);
}

/** The architecture a config asks for, adapted to the data's channels. */
export function resolveArch(cfg: TrainConfig, channels: 1 | 3): ArchSpec {
  let arch: ArchSpec;
  if (cfg.arch) {
    if (!existsSync(cfg.arch)) throw new UserError(`--arch ${cfg.arch}: no such file; give a JSON architecture (see the presets in src/model/presets.ts)`);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(cfg.arch, 'utf8'));
    } catch (e) {
      throw new UserError(`--arch ${cfg.arch}: not valid JSON (${(e as Error).message})`);
    }
    arch = checkArch(json, cfg.arch);
    if (arch.image.channels !== channels) {
      throw new UserError(`--arch ${cfg.arch} makes ${arch.image.channels}-channel images but the data has ${channels}; pass --channels ${arch.image.channels}`);
    }
  } else {
    arch = getPreset(cfg.preset).build({ imageSize: cfg.imageSize, channels, nz: cfg.nz, ngf: cfg.ngf, ndf: cfg.ndf });
  }
  return cfg.latent ? { ...arch, latent: cfg.latent } : arch;
}

function weightNames(m: tfl.LayersModel): string[] {
  return m.weights.map((w) => w.originalName ?? w.name);
}

class Trainer {
  private G!: tfl.LayersModel;
  private D!: tfl.LayersModel;
  private optG!: GanOptimizer;
  private optD!: GanOptimizer;
  private ema?: Ema;
  private sampler?: tfl.LayersModel;
  private rng!: Rng;
  private batches!: Batches;
  private fixedZ!: Float32Array;
  private fixedLabels?: Int32Array;
  private step = 0;
  private epoch = 0;
  private secondsBefore = 0;
  private last?: StepFigures;
  private readonly healthMonitor = new HealthMonitor();

  private constructor(
    readonly cfg: TrainConfig,
    readonly folder: RunFolder,
    readonly ds: ImageDataset,
    readonly arch: ArchSpec,
    readonly classes: number,
    readonly engine: EngineInfo,
    private readonly events: TrainEvents,
  ) {}

  static async create(req: TrainRequest, events: TrainEvents): Promise<Trainer> {
    let cfg: TrainConfig;
    let run: RunFolder;
    let resumeFrom: string | undefined;
    if (req.resume) {
      run = new RunFolder(req.resume);
      if (!run.exists()) throw new UserError(`--resume ${req.resume}: not a run folder (no config.json); give the --out folder of an earlier run`);
      const saved = run.readConfig<TrainConfig>();
      // A resumed run may go on longer, log differently, or continue with another learning rate (say,
      // after a divergence); everything else is the run's own.
      const overrides: Partial<TrainConfig> = {};
      if (req.lr !== undefined) overrides.lrD = overrides.lrG = req.lr;
      for (const k of RESUME_OVERRIDES) if (req[k] !== undefined) (overrides as Record<string, unknown>)[k] = req[k];
      cfg = { ...saved, ...overrides, out: run.dir };
      const latest = listCheckpoints(run.checkpointsDir).pop();
      if (!latest) throw new UserError(`--resume ${req.resume}: the run has no checkpoint yet (checkpoints/ is empty); start it again without --resume`);
      resumeFrom = latest.path;
    } else {
      if (!req.data && !req.dryRun) throw new UserError('no dataset: pass --data (mnist, fashion-mnist, emoji, cifar10:PATH, idx:PATH, a folder of images, or fake)');
      const { resume: _resume, signal: _signal, evaluator: _evaluator, evalEvery: _evalEvery, ...options } = req;
      cfg = resolveConfig({ ...options, data: options.data ?? 'fake' } as TrainOptions);
      run = new RunFolder(cfg.out);
      if (run.exists()) throw new UserError(`--out ${cfg.out} already holds a run; continue it with --resume ${cfg.out}, or choose another --out`);
    }
    const engine = await initEngine({ backend: cfg.backend, threads: cfg.threads });
    if (engine.warning) events.onWarning?.(engine.warning);
    const [h, w] = cfg.imageSize;
    const ds = await loadDataset(cfg.dryRun ? `fake:${h}x${w}x${cfg.channels ?? 3}` : cfg.data, {
      size: cfg.imageSize, channels: cfg.channels, dataDir: cfg.dataDir, labels: cfg.labels || (cfg.conditional && isFolder(cfg.data)),
      strict: cfg.strict, background: cfg.background, cacheDir: cfg.cacheDir, cache: cfg.cache,
      count: cfg.dryRun ? cfg.batchSize * 2 : undefined, seed: cfg.seed,
    });
    if (cfg.conditional && !(ds.classNames && ds.labels)) {
      throw new UserError(`--conditional needs labelled data, and ${cfg.data} has no labels; use mnist, fashion-mnist, cifar10:PATH, or a folder with class sub-folders and --labels`);
    }
    if (ds.skipped.count > 0) events.onWarning?.(`${ds.skipped.count} files of ${cfg.data} could not be decoded and are skipped (e.g. ${ds.skipped.examples.slice(0, 3).join(', ')}); --strict makes this an error`);
    const arch = resolveArch(cfg, ds.channels);
    const classes = cfg.conditional ? ds.classNames!.length : 0;
    const t = new Trainer(cfg, run, ds, arch, classes, engine, events);
    await t.setUp(resumeFrom);
    return t;
  }

  private async setUp(resumeFrom?: string): Promise<void> {
    const { cfg, arch, classes } = this;
    this.G = buildGenerator(arch, { seed: cfg.seed, classes });
    this.D = buildDiscriminator(arch, { seed: cfg.seed, classes });
    this.optG = makeOptimizer({ kind: cfg.optimizer, lr: cfg.lrG, beta1: cfg.beta1, beta2: cfg.beta2 });
    this.optD = makeOptimizer({ kind: cfg.optimizer, lr: cfg.lrD, beta1: cfg.beta1, beta2: cfg.beta2 });
    if (cfg.ema > 0) {
      this.ema = new Ema(this.G, cfg.ema);
      this.sampler = buildGenerator(arch, { seed: cfg.seed, classes });
    }
    // The fixed noise of the sample grids, from its own stream so it does not depend on the batch size.
    const noiseRng = new Rng(cfg.seed * 7919 + 17);
    this.fixedZ = noiseRng.latent(FIXED_SAMPLES * arch.nz, arch.latent);
    this.fixedLabels = classes ? Int32Array.from({ length: FIXED_SAMPLES }, (_, i) => i % classes) : undefined;
    this.rng = new Rng(cfg.seed);
    let batchState: BatchState | undefined;
    if (resumeFrom) {
      batchState = this.restore(resumeFrom);
    } else {
      this.folder.create();
      this.folder.writeConfig({ ...cfg, resolvedArch: arch, classes, classNames: this.ds.classNames, versions: versions(), engine: this.engine });
    }
    this.batches = new Batches(this.ds, { batchSize: cfg.batchSize, seed: cfg.seed, dropLast: true, flip: cfg.flip, state: batchState });
  }

  get totalSteps(): number {
    return this.cfg.maxSteps ?? this.cfg.epochs * this.batches.batchesPerEpoch;
  }

  // ---- checkpoints ----

  private checkpoint(): string {
    const tensors: Record<string, tf.Tensor> = {};
    const names = { G: weightNames(this.G), D: weightNames(this.D) };
    this.G.weights.forEach((w, i) => { tensors[`G/${names.G[i]}`] = w.read(); });
    this.D.weights.forEach((w, i) => { tensors[`D/${names.D[i]}`] = w.read(); });
    this.ema?.shadow.forEach((v, i) => { tensors[`EMA/${names.G[i]}`] = v; });
    const optState = (key: 'G' | 'D', opt: GanOptimizer) => {
      const s = opt.getState();
      for (const [slot, ts] of Object.entries(s.slots)) ts.forEach((t, i) => { tensors[`opt${key}/${slot}/${i}`] = t; });
      return { kind: s.kind, step: s.step, slots: Object.keys(s.slots) };
    };
    const optimizers = { G: optState('G', this.optG), D: optState('D', this.optD) };
    tensors.fixedNoise = tf.tensor2d(this.fixedZ, [FIXED_SAMPLES, this.arch.nz]);
    if (this.fixedLabels) tensors.fixedLabels = tf.tensor1d(this.fixedLabels, 'int32');
    const meta: CheckpointMeta = {
      step: this.step, epoch: this.epoch, seconds: this.seconds(), config: this.cfg, arch: this.arch,
      classes: this.classes, classNames: this.ds.classNames, rng: this.rng.state(), batches: this.batches.state(),
      optimizers, weightNames: names, ema: Boolean(this.ema), figures: this.last,
      bestFid: Number.isFinite(this.bestFid) ? this.bestFid : undefined, versions: versions(),
      savedAt: new Date().toISOString(),
    };
    const dir = `${this.folder.checkpointsDir}/${checkpointName(this.step)}`;
    try {
      saveCheckpoint(dir, meta, tensors);
    } finally {
      // The optimizer copies and the fixed noise were made for the checkpoint.
      tf.dispose(Object.entries(tensors).filter(([k]) => k.startsWith('opt') || k.startsWith('fixed')).map(([, t]) => t));
    }
    rotateCheckpoints(this.folder.checkpointsDir, this.cfg.keepCheckpoints);
    this.events.onCheckpoint?.(dir, this.step);
    return dir;
  }

  private restore(dir: string): BatchState {
    const { meta, tensors } = loadCheckpoint<CheckpointMeta>(dir);
    try {
      const take = (name: string): tf.Tensor => {
        const t = tensors[name];
        if (!t) throw new UserError(`${dir}: the checkpoint has no tensor '${name}': it was written for another architecture`);
        return t;
      };
      const load = (m: tfl.LayersModel, prefix: string) => {
        const ws = weightNames(m).map((n) => take(`${prefix}/${n}`));
        ws.forEach((t, i) => {
          const want = m.weights[i]!.shape;
          if (t.shape.join() !== want.join()) throw new UserError(`${dir}: ${prefix}/${weightNames(m)[i]} has shape [${t.shape}] but the model's is [${want}]`);
        });
        m.setWeights(ws);
      };
      load(this.G, 'G');
      load(this.D, 'D');
      if (this.ema) this.ema.load(meta.ema ? weightNames(this.G).map((n) => take(`EMA/${n}`)) : this.G.getWeights());
      const optState = (key: 'G' | 'D'): OptimizerState => {
        const o = meta.optimizers[key];
        const slots: Record<string, tf.Tensor[]> = {};
        for (const slot of o.slots) {
          const list: tf.Tensor[] = [];
          for (let i = 0; tensors[`opt${key}/${slot}/${i}`]; i++) list.push(tensors[`opt${key}/${slot}/${i}`]!);
          slots[slot] = list;
        }
        return { kind: o.kind, step: o.step, slots };
      };
      this.optG.setState(optState('G'));
      this.optD.setState(optState('D'));
      this.fixedZ = take('fixedNoise').dataSync().slice() as Float32Array;
      if (tensors.fixedLabels) this.fixedLabels = tensors.fixedLabels.dataSync().slice() as Int32Array;
      this.rng = new Rng(meta.rng);
      this.step = meta.step;
      this.epoch = meta.epoch;
      this.secondsBefore = meta.seconds;
      this.last = meta.figures;
      this.bestFid = meta.bestFid ?? Infinity;
      // Lines logged after this checkpoint belong to the part of the run that is being redone.
      const kept = this.folder.readMetrics().filter((l) => l.step <= meta.step);
      writeFileAtomic(this.folder.metricsPath, kept.map((l) => `${JSON.stringify(l)}\n`).join(''));
      this.events.onMessage?.(`resumed ${this.folder.dir} from ${dir} (step ${meta.step}, epoch ${meta.epoch + 1})`);
      return meta.batches;
    } finally {
      tf.dispose(Object.values(tensors));
    }
  }

  // ---- samples and export ----

  private samplingModel(): tfl.LayersModel {
    if (!this.ema || !this.sampler) return this.G;
    this.ema.copyTo(this.sampler);
    return this.sampler;
  }

  /** The fixed-noise grid (BatchNorm with batch statistics, as pytorch/examples' samples) and its diversity. */
  private async sampleGrid(): Promise<{ path: string; diversity: number }> {
    const { height: h, width: w, channels: c } = this.arch.image;
    const images = generateData(this.samplingModel(), this.fixedZ, this.arch.nz, { bn: 'batch', labels: this.fixedLabels, classes: this.classes, batch: FIXED_SAMPLES });
    const path = this.folder.samplePath(this.step);
    await writePng(path, makeGrid(images, FIXED_SAMPLES, h, w, c as 1 | 3));
    this.events.onSample?.(path, this.step);
    return { path, diversity: diversity(images, FIXED_SAMPLES) };
  }

  private async exportGenerator(): Promise<void> {
    const meta: GeneratorMeta = {
      preset: this.arch.name, nz: this.arch.nz, latent: this.arch.latent, classes: this.classes,
      classNames: this.ds.classNames, image: this.arch.image, step: this.step,
    };
    await exportGenerator(this.samplingModel(), this.folder.generatorDir, meta);
  }

  // ---- the loop ----

  private seconds(): number {
    return this.secondsBefore + (this.sessionStart ? (performance.now() - this.sessionStart) / 1000 : 0);
  }

  private sessionStart = 0;

  private targets(n: number): { real: tf.Tensor; fake: tf.Tensor } {
    const { realLabel, labelNoise } = this.cfg;
    const real = new Float32Array(n), fake = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      // Label noise flips a target: real images are called fake and the other way round.
      real[i] = labelNoise > 0 && this.rng.uniform() < labelNoise ? 0 : realLabel;
      fake[i] = labelNoise > 0 && this.rng.uniform() < labelNoise ? realLabel : 0;
    }
    return { real: tf.tensor2d(real, [n, 1]), fake: tf.tensor2d(fake, [n, 1]) };
  }

  private health(f: StepFigures): void {
    const bad = this.healthMonitor.nonFinite(f);
    if (bad) {
      const last = listCheckpoints(this.folder.checkpointsDir).pop();
      throw new TrainingError(`training diverged at step ${this.step + 1}: ${bad}. ` +
        `${last ? `The last good checkpoint is ${last.path}` : 'No checkpoint was written yet'}; try a lower learning rate (--lr, also on --resume), label smoothing (--real-label 0.9) or another seed.`);
    }
    const w = this.healthMonitor.step(this.step + 1, f);
    if (w) this.events.onWarning?.(w);
  }

  /** Generated images (NHWC in [-1, 1]) for an evaluator: BatchNorm running statistics, EMA weights if kept. */
  private generateForEval(n: number, seed: number): Float32Array {
    const z = new Rng(seed).latent(n * this.arch.nz, this.arch.latent);
    const labels = this.classes ? Int32Array.from({ length: n }, (_, i) => i % this.classes) : undefined;
    return generateData(this.samplingModel(), z, this.arch.nz, { bn: 'running', labels, classes: this.classes, batch: 256 });
  }

  private bestFid = Infinity;

  /** Checkpoints the current state as the best so far (`fid`), also copied to checkpoints/best; returns the checkpoint. */
  private keepBest(fid: number): string {
    this.bestFid = fid;
    const latest = this.checkpoint();
    writeFolderCopy(latest, `${this.folder.checkpointsDir}/best`);
    return latest;
  }

  async run(signal?: AbortSignal, evaluator?: PeriodicEvaluator, evalEvery?: number): Promise<TrainResult> {
    const { cfg, arch } = this;
    const B = cfg.batchSize, nz = arch.nz, total = this.totalSteps;
    const settings: StepSettings = { dOutput: arch.dOutput, dBatch: cfg.dBatch, gSteps: cfg.gSteps, classes: this.classes };
    const parts = { G: this.G, D: this.D, optG: this.optG, optD: this.optD };
    this.sessionStart = performance.now();
    let stepTime = NaN;
    let status: RunStatus = 'running';
    let lastProgress = 0;
    let latestSample: string | undefined;
    let latestCheckpoint: string | undefined;
    const progress = (s: RunStatus, message?: string) => this.folder.writeProgress({
      status: s, step: this.step, totalSteps: total, epoch: this.epoch, epochs: cfg.epochs,
      imgPerSec: Number.isFinite(stepTime) ? B / stepTime : 0, etaSeconds: Number.isFinite(stepTime) ? (total - this.step) * stepTime : null,
      last: this.last && { Loss_D: this.last.lossD, Loss_G: this.last.lossG, 'D(x)': this.last.dx, 'D(G(z))': this.last.dgz1 },
      latestSample, latestCheckpoint, message,
    });
    if (this.step === 0) {
      const { ds, engine } = this;
      const where = engine.backend === 'aten' ? `aten (libtorch ${engine.torch ?? '?'}, ${engine.threads} threads)` : `${engine.backend} (slow)`;
      this.events.onMessage?.(`training ${cfg.preset} on ${cfg.dryRun ? 'fake data (dry run)' : cfg.data}: ${ds.count.toLocaleString('en-US')} images of ` +
        `${ds.height}x${ds.width}x${ds.channels}, ${total} step${total === 1 ? '' : 's'} of ${B}, on ${where}\n  run folder: ${this.folder.dir}`);
    }
    progress('running');
    try {
      while (this.step < total) {
        if (signal?.aborted) {
          status = 'stopped';
          break;
        }
        const batch = await this.batches.next();
        const t0 = performance.now();
        this.epoch = batch.epoch;
        const z = Array.from({ length: cfg.gSteps }, () => tf.tensor2d(this.rng.latent(B * nz, arch.latent), [B, nz]));
        const targets = this.targets(B);
        const real = tf.tensor4d(batch.images, batch.shape);
        const realLabels = this.classes && batch.labels ? tf.tensor1d(batch.labels, 'int32') : undefined;
        const fakeLabels = this.classes ? tf.tensor1d(Int32Array.from({ length: B }, () => this.rng.int(this.classes)), 'int32') : undefined;
        let f: StepFigures;
        try {
          f = ganStep(parts, { real, z, realTarget: targets.real, fakeTarget: targets.fake, realLabels, fakeLabels }, settings);
        } finally {
          tf.dispose([real, ...z, targets.real, targets.fake, ...(realLabels ? [realLabels] : []), ...(fakeLabels ? [fakeLabels] : [])]);
        }
        this.health(f);
        this.ema?.update();
        this.step++;
        this.last = f;
        const dt = (performance.now() - t0) / 1000;
        stepTime = Number.isFinite(stepTime) ? 0.9 * stepTime + 0.1 * dt : dt;
        const line: MetricsLine = {
          step: this.step, epoch: this.epoch, Loss_D: f.lossD, Loss_G: f.lossG, 'D(x)': f.dx, 'D(G(z))': f.dgz1,
          'D(G(z))_2': f.dgz2, 'img/s': B / dt, seconds: this.seconds(),
        };
        const last = this.step === total || signal?.aborted;
        if (this.step % cfg.sampleEvery === 0 || last) {
          const s = await this.sampleGrid();
          latestSample = s.path;
          line.diversity = s.diversity;
          const w = this.healthMonitor.samples(this.step, s.diversity, s.path);
          if (w) this.events.onWarning?.(w);
        }
        let checkpointed = false;
        if (evaluator && evalEvery && (this.step % evalEvery === 0 || last)) {
          const m = await evaluator.evaluate((n, seed) => this.generateForEval(n, seed), this.step);
          Object.assign(line, m);
          if (typeof m.fid === 'number' && m.fid < this.bestFid) {
            latestCheckpoint = this.keepBest(m.fid);
            checkpointed = true;
          }
        }
        this.folder.appendMetrics(line);
        if (this.step % cfg.checkpointEvery === 0 || last) {
          if (!checkpointed) latestCheckpoint = this.checkpoint();
          await this.exportGenerator();
        }
        this.events.onStep?.(line, { step: this.step, totalSteps: total, epoch: this.epoch, epochs: cfg.epochs, etaSeconds: (total - this.step) * stepTime });
        if (performance.now() - lastProgress > 1000 || last) {
          progress('running');
          lastProgress = performance.now();
        }
      }
      if (status === 'stopped' && !(latestCheckpoint && latestCheckpoint.endsWith(checkpointName(this.step)))) {
        latestCheckpoint = this.checkpoint();
        await this.exportGenerator();
      }
      if (status !== 'stopped') status = 'done';
      progress(status, status === 'stopped' ? `stopped at step ${this.step}; continue with --resume ${this.folder.dir}` : undefined);
    } catch (e) {
      progress('failed', (e as Error).message);
      throw e;
    } finally {
      this.batches.close();
    }
    return { run: this.folder.dir, status, step: this.step, totalSteps: total, last: this.last, engine: this.engine };
  }

  dispose(): void {
    this.G.dispose();
    this.D.dispose();
    this.sampler?.dispose();
    this.ema?.dispose();
    this.optG.dispose();
    this.optD.dispose();
  }
}

/** Copies a checkpoint folder to `to`, atomically. */
function writeFolderCopy(from: string, to: string): void {
  writeFolderAtomic(to, (tmp) => {
    for (const f of readdirSync(from)) copyFileSync(`${from}/${f}`, `${tmp}/${f}`);
  });
}

/** Trains (or resumes) a DCGAN; see TrainOptions for every knob. */
export async function train(req: TrainRequest, events: TrainEvents = {}): Promise<TrainResult> {
  const t = await Trainer.create(req, events);
  try {
    return await t.run(req.signal, req.evaluator, req.evalEvery);
  } finally {
    t.dispose();
  }
}
