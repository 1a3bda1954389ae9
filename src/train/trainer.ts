// The training loop: the dataset, the models built from the architecture, the GAN step, and the run
// folder's outputs (metrics, fixed-noise grids, checkpoints, the exported generator, progress), with exact
// resume. Model, data and trainer are separate objects composed here (as lucidrains' Unet -> Trainer);
// which run to train and its lock (session.ts), the checkpoint record (checkpointing.ts), progress.json
// (run-progress.ts), what a failure says (failure.ts) and D's targets (targets.ts) live beside it.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Batches, type BatchState, type ImageDataset } from '../data/index.js';
import { initEngine, type EngineInfo } from '../engine/index.js';
import { buildDiscriminator, buildGenerator } from '../model/build.js';
import type { ArchSpec } from '../model/spec.js';
import { copyCheckpoint, rotateCheckpoints, versions, type CheckpointRef } from '../run/checkpoint.js';
import { architectureOf, type TrainConfig } from '../run/config.js';
import { RunFolder, type MetricsLine, type RunStatus } from '../run/run-folder.js';
import { UserError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { loadNewestIntact, saveTrainingCheckpoint, type FixedNoise, type TrainingParts } from './checkpointing.js';
import { startMessage } from './console.js';
import { Ema } from './ema.js';
import { runFailure } from './failure.js';
import { HealthMonitor } from './health.js';
import { makeOptimizer } from './optimizers.js';
import { exportIsCurrent, exportRunGenerator, fixedNoise, generateForEval, writeSampleGrid } from './outputs.js';
import { RunProgress } from './run-progress.js';
import { QualityOptions, standingEmaSampler } from './quality.js';
import { openRun, type OpenedRun, type PeriodicEvaluator, type TrainRequest } from './session.js';
import { ganStep, type StepFigures, type StepSettings, type StepSignals } from './step.js';
import { discriminatorTargets } from './targets.js';
import { loadRunData, type TrainEvents, type TrainResult } from './run-data.js';
import { LeadFailed, shardSize, type DataParallel } from './data-parallel.js';

export type { PeriodicEvaluator, TrainRequest } from './session.js';
export { DataParallel } from './data-parallel.js';
export { TrainingError, type TrainEvents, type TrainResult } from './run-data.js';

class Trainer {
  private parts!: TrainingParts;
  private quality!: QualityOptions;
  private sampler?: tfl.LayersModel;
  private rng!: Rng;
  private batches!: Batches;
  private fixed!: FixedNoise;
  private step = 0;
  private epoch = 0;
  private secondsBefore = 0;
  private sessionStart = 0;
  private last?: StepFigures;
  private bestFid = Infinity;
  private readonly healthMonitor = new HealthMonitor();
  /** Data-parallel runs: the step whose BatchNorm running statistics were last averaged across ranks. */
  private statsAveragedAt = -1;
  /** Data-parallel runs: the checkpoint this session resumed from was written by this many ranks. */
  private resumedWorld?: number;

  private constructor(
    readonly cfg: TrainConfig,
    readonly folder: RunFolder,
    readonly ds: ImageDataset,
    readonly arch: ArchSpec,
    readonly classes: number,
    readonly engine: EngineInfo,
    private readonly events: TrainEvents,
    readonly evaluator?: PeriodicEvaluator,
    readonly dp?: DataParallel,
  ) {}

  /** Whether this process writes the run folder: always, except on data-parallel ranks other than 0. */
  get lead(): boolean {
    return !this.dp || this.dp.lead;
  }

  /** Images per step in this process (the global batch split across ranks). */
  get localBatch(): number {
    return this.dp ? this.cfg.batchSize / this.dp.world : this.cfg.batchSize;
  }

  /** Opens the run (taking its lock) and builds everything; a new run rejected here leaves nothing behind. */
  static async create(session: OpenedRun, req: TrainRequest, events: TrainEvents, dp?: DataParallel): Promise<Trainer> {
    const { cfg, folder } = session;
    for (const note of session.notes) events.onMessage?.(note);
    const lead = !dp || dp.lead;
    let t: Trainer | undefined;
    try {
      const evaluator = cfg.evalEvery && lead ? req.evaluator?.(cfg) : undefined;
      if (cfg.evalEvery && lead && !evaluator) throw new UserError('evalEvery needs an evaluator: pass `evaluator: (cfg) => trainingEvaluator(cfg)` to train()');
      const engine = await initEngine({ backend: cfg.backend, threads: cfg.threads });
      if (engine.warning) events.onWarning?.(engine.warning);
      const ds = await loadRunData(cfg, events);
      const arch = architectureOf(cfg, ds.channels);
      const classes = cfg.conditional ? ds.classNames!.length : 0;
      t = new Trainer(cfg, folder, ds, arch, classes, engine, events, evaluator, dp);
      t.setUp(session);
      if (dp) await t.joinLead();
      return t;
    } catch (e) {
      await t?.dispose();
      const failure = runFailure(e, folder);
      session.abandon((failure as Error)?.message);
      throw failure;
    }
  }

  /**
   * Data-parallel start: every rank takes rank 0's position (step, RNG, data order ...) and its weights,
   * optimizer state and EMA, so that all start from one state whether the run is new or resumed.
   */
  private async joinLead(): Promise<void> {
    const dp = this.dp!;
    dp.attach([this.parts.G, this.parts.D], this.cfg.syncBn);
    const state = await dp.fromLead({
      step: this.step, epoch: this.epoch, seconds: this.secondsBefore, rng: this.rng.state(), batches: this.batches.state(),
      bestFid: Number.isFinite(this.bestFid) ? this.bestFid : null, last: this.last ?? null, quality: this.quality.state(),
    });
    if (!this.lead) {
      this.step = state.step;
      this.epoch = state.epoch;
      this.secondsBefore = state.seconds;
      this.rng = new Rng(state.rng);
      this.bestFid = state.bestFid ?? Infinity;
      this.last = state.last ?? undefined;
      this.quality.restore(state.quality);
      this.batches.close();
      this.batches = this.makeBatches(state.batches);
    }
    await dp.broadcastParts(this.parts);
  }

  private makeBatches(state?: BatchState): Batches {
    const { cfg, dp } = this;
    return new Batches(this.ds, {
      batchSize: cfg.batchSize, seed: cfg.seed, dropLast: true, flip: cfg.flip, state,
      shard: dp ? { rank: dp.rank, world: dp.world } : undefined,
    });
  }

  private setUp(session: OpenedRun): void {
    const { cfg, arch, classes } = this;
    const G = buildGenerator(arch, { seed: cfg.seed, classes });
    const D = buildDiscriminator(arch, { seed: cfg.seed, classes, spectralNorm: cfg.spectralNorm === 'd' });
    const optimizer = (lr: number) => makeOptimizer({ kind: cfg.optimizer, lr, beta1: cfg.beta1, beta2: cfg.beta2 });
    this.parts = { G, D, optG: optimizer(cfg.lrG), optD: optimizer(cfg.lrD), ema: cfg.ema > 0 ? new Ema(G, cfg.ema) : undefined };
    if (this.parts.ema) this.sampler = buildGenerator(arch, { seed: cfg.seed, classes });
    this.quality = new QualityOptions(cfg, arch);
    this.fixed = fixedNoise(cfg.seed, arch, classes);
    this.rng = new Rng(cfg.seed);
    if (this.dp) shardSize(cfg.batchSize, this.dp.world);
    let batchState: BatchState | undefined;
    if (!this.lead) {
      // Rank 0 alone reads and writes the run folder; joinLead() brings its state here.
    } else if (session.resumeFrom) {
      batchState = this.restore(session.resumeFrom);
    } else if (session.resumeFromStart) {
      this.folder.create();
      this.folder.truncateMetrics(0);
    } else {
      this.folder.create();
      this.folder.writeConfig(cfg, { resolvedArch: arch, classes, classNames: this.ds.classNames, versions: versions(), engine: this.engine });
    }
    this.batches = this.makeBatches(batchState);
  }

  /** A new run that has not finished a step yet (removed when it fails). */
  isNewAndUntrained(session: OpenedRun): boolean {
    return this.step === 0 && !session.resumeFrom && !session.resumeFromStart;
  }

  get totalSteps(): number {
    return this.cfg.maxSteps ?? this.cfg.epochs * this.batches.batchesPerEpoch;
  }

  // ---- checkpoints ----

  private checkpoint(): string {
    const dir = this.folder.checkpointDir(this.step);
    saveTrainingCheckpoint(dir, this.parts, {
      step: this.step, epoch: this.epoch, seconds: this.seconds(), config: this.cfg, arch: this.arch,
      classes: this.classes, classNames: this.ds.classNames, rng: this.rng.state(), batches: this.batches.state(),
      figures: this.last, bestFid: Number.isFinite(this.bestFid) ? this.bestFid : undefined, quality: this.quality.state(),
      ...(this.dp ? { world: this.dp.world } : {}),
    }, this.fixed);
    rotateCheckpoints(this.folder.checkpointsDir, this.cfg.keepCheckpoints);
    this.events.onCheckpoint?.(dir, this.step);
    return dir;
  }

  private restore(candidates: CheckpointRef[]): BatchState {
    const { dir, state, fixed } = loadNewestIntact(candidates, this.folder.checkpointsDir, this.parts, this.arch.nz, (w) => this.events.onWarning?.(w));
    this.fixed = fixed;
    this.rng = new Rng(state.rng);
    this.step = state.step;
    this.epoch = state.epoch;
    this.secondsBefore = state.seconds;
    this.last = state.figures;
    this.bestFid = state.bestFid ?? Infinity;
    this.quality.restore(state.quality);
    this.resumedWorld = state.world ?? 1;
    // Lines logged after this checkpoint belong to the part of the run that is being redone.
    this.folder.truncateMetrics(state.step);
    this.events.onMessage?.(`resumed ${this.folder.dir} from ${dir} (step ${state.step}, epoch ${state.epoch + 1})`);
    const world = this.dp?.world ?? 1;
    if (this.resumedWorld !== world) {
      this.events.onMessage?.(`the checkpoint was written by ${this.resumedWorld} rank${this.resumedWorld === 1 ? '' : 's'} and this run has ${world}: ` +
        `the same global batch of ${this.cfg.batchSize} and data order, re-sharded (${this.cfg.batchSize / world} images per rank); the weights follow ` +
        `the same trajectory up to float rounding${this.cfg.syncBn || world === 1 ? '' : ', except that BatchNorm now normalises over other per-rank batches (--sync-bn avoids that)'}`);
    }
    return state.batches;
  }

  /** Checkpoints the current state as the best so far (`fid`), also copied to checkpoints/best. */
  private keepBest(fid: number): string {
    this.bestFid = fid;
    const latest = this.checkpoint();
    copyCheckpoint(latest, this.folder.bestCheckpointDir);
    return latest;
  }

  // ---- samples and export ----

  private samplingModel(): tfl.LayersModel {
    const { G, ema } = this.parts;
    if (!ema || !this.sampler) return G;
    standingEmaSampler(ema, this.sampler, this.arch, this.classes, this.cfg.seed);
    return this.sampler;
  }

  /** The fixed-noise grid and its diversity. */
  private async sampleGrid(): Promise<{ path: string; diversity: number }> {
    const path = this.folder.samplePath(this.step);
    const d = await writeSampleGrid(this.samplingModel(), this.arch, this.classes, this.fixed, path);
    this.events.onSample?.(path, this.step);
    return { path, diversity: d };
  }

  private async exportGenerator(): Promise<void> {
    await exportRunGenerator(this.samplingModel(), this.arch, this.classes, this.ds.classNames, this.step, this.folder.generatorDir);
  }

  // ---- the loop ----

  private seconds(): number {
    return this.secondsBefore + (this.sessionStart ? (performance.now() - this.sessionStart) / 1000 : 0);
  }

  /** One iteration on the next batch: its figures. */
  private async iterate(settings: StepSettings): Promise<StepFigures & StepSignals> {
    const { cfg, arch, classes } = this;
    const B = cfg.batchSize, nz = arch.nz;
    const batch = await this.batches.next();
    this.epoch = batch.epoch;
    // The random draws are the whole job's (every rank's RNG stays in step); this process takes its rows.
    const b = this.localBatch, first = (this.dp?.rank ?? 0) * b;
    const z = Array.from({ length: cfg.gSteps }, () => tf.tensor2d(this.rng.latent(B * nz, arch.latent).subarray(first * nz, (first + b) * nz), [b, nz]));
    const targets = discriminatorTargets(B, cfg.realLabel, cfg.labelNoise, this.rng, { first, count: b });
    const real = tf.tensor4d(batch.images, batch.shape);
    const realLabels = classes && batch.labels ? tf.tensor1d(batch.labels, 'int32') : undefined;
    const fakeLabels = classes ? tf.tensor1d(Int32Array.from({ length: B }, () => this.rng.int(classes)).subarray(first, first + b), 'int32') : undefined;
    try {
      const step = this.step + 1;
      const run = () => ganStep({ ...this.parts, reduceGrads: this.dp?.reduceGrads }, { real, z, realTarget: targets.real, fakeTarget: targets.fake, realLabels, fakeLabels, step }, this.quality.settings(settings, this.rng));
      return this.dp ? this.dp.step(run) : run();
    } finally {
      tf.dispose([real, ...z, targets.real, targets.fake, ...(realLabels ? [realLabels] : []), ...(fakeLabels ? [fakeLabels] : [])]);
    }
  }

  /**
   * Data-parallel runs: BatchNorm's running statistics averaged across ranks before anything reads them
   * (samples, evaluation, checkpoints, the export); every rank calls it at the same steps.
   */
  private async runningStats(): Promise<void> {
    if (!this.dp || this.statsAveragedAt === this.step) return;
    await this.dp.averageRunningStats(this.parts);
    this.statsAveragedAt = this.step;
  }

  async run(signal?: AbortSignal): Promise<TrainResult> {
    const { cfg, arch, evaluator, dp, lead } = this;
    const B = cfg.batchSize, total = this.totalSteps;
    const settings: StepSettings = { dOutput: arch.dOutput, dBatch: cfg.dBatch, gSteps: cfg.gSteps, classes: this.classes };
    this.sessionStart = performance.now();
    let status: RunStatus = 'running';
    const progress = lead ? new RunProgress(this.folder, B, total, cfg.epochs) : undefined;
    const hosts = dp ? dp.peers.map((p) => p.hostname) : [];
    if (progress && dp) progress.distributed = { world: dp.world, hosts: dp.hosts, ranks: hosts.map((host, rank) => ({ rank, host, imgPerSec: 0 })) };
    const at = () => ({ step: this.step, epoch: this.epoch, last: this.last });
    if (this.step === 0 && lead) {
      const where = dp ? `\n  ${dp.world} ranks (${B / dp.world} images each${cfg.syncBn ? ', BatchNorm synchronized' : ''}) on ${dp.hosts.join(', ')}` : '';
      this.events.onMessage?.(startMessage(cfg, this.ds, this.engine, total, this.folder.dir) + where);
    }
    // Data-parallel: a stop asked of any rank is shared through each step's figures, so all stop together.
    let stopShared = false;
    const stopAsked = () => (dp ? stopShared : Boolean(signal?.aborted));
    try {
      progress?.write('running', at(), { now: true });
      // A finished run killed before its last export: the generator must match the final checkpoint.
      if (this.step >= total && lead && !exportIsCurrent(this.folder.generatorDir, this.step)) {
        await this.exportGenerator();
        this.events.onMessage?.(`re-exported ${this.folder.generatorDir}: it was not the generator of the final step ${this.step}`);
      }
      while (this.step < total) {
        if (stopAsked()) {
          status = 'stopped';
          break;
        }
        const t0 = performance.now();
        let f = await this.iterate(settings);
        let dt = (performance.now() - t0) / 1000;
        let imgPerSec = B / dt;
        if (dp) {
          const job = await dp.reduceFigures(f, dt, this.localBatch, Boolean(signal?.aborted));
          f = job.figures;
          stopShared = job.stop;
          imgPerSec = job.imgPerSec;
          dt = B / imgPerSec;
          if (progress?.distributed) progress.distributed.ranks = job.rankImgPerSec.map((v, rank) => ({ rank, host: hosts[rank] ?? '?', imgPerSec: v }));
        }
        const w = this.healthMonitor.check(this.step + 1, f); // a NaN throws (data-parallel: on every rank, the figures are the job's)
        if (w && lead) this.events.onWarning?.(w);
        this.parts.ema?.update();
        this.step++;
        this.last = { lossD: f.lossD, lossG: f.lossG, dx: f.dx, dgz1: f.dgz1, dgz2: f.dgz2 };
        progress?.stepTook(dt, imgPerSec);
        const line: MetricsLine = {
          step: this.step, epoch: this.epoch, Loss_D: f.lossD, Loss_G: f.lossG, 'D(x)': f.dx, 'D(G(z))': f.dgz1,
          'D(G(z))_2': f.dgz2, 'img/s': imgPerSec, seconds: this.seconds(), ...this.quality.afterStep(f),
        };
        const last = this.step === total || stopAsked();
        if (this.step % cfg.sampleEvery === 0 || last) {
          await this.runningStats();
          if (lead) {
            const s = await this.sampleGrid();
            progress!.latestSample = s.path;
            Object.assign(line, { diversity: s.diversity }, this.quality.sampleFigures(this.parts.D));
            const w = this.healthMonitor.samples(this.step, s.diversity, s.path);
            if (w) this.events.onWarning?.(w);
          }
        }
        let checkpointed = false;
        if (cfg.evalEvery && (this.step % cfg.evalEvery === 0 || last)) {
          await this.runningStats();
          // Rank 0 evaluates while the others wait at their next collective (within --dist-timeout).
          if (evaluator) {
            const m = await evaluator.evaluate((n, seed) => generateForEval(this.samplingModel(), this.arch, this.classes, n, seed), this.step);
            Object.assign(line, m);
            if (typeof m.fid === 'number' && m.fid < this.bestFid) {
              progress!.latestCheckpoint = this.keepBest(m.fid);
              checkpointed = true;
            }
          }
        }
        if (lead) this.folder.appendMetrics(line);
        if (this.step % cfg.checkpointEvery === 0 || last) {
          await this.runningStats();
          if (lead) {
            if (!checkpointed) progress!.latestCheckpoint = this.checkpoint();
            await this.exportGenerator();
          }
        }
        if (lead) this.events.onStep?.(line, { step: this.step, totalSteps: total, epoch: this.epoch, epochs: cfg.epochs, etaSeconds: (total - this.step) * progress!.stepTime });
        progress?.write('running', at(), { now: Boolean(last) });
      }
      if (status === 'stopped' && lead && progress!.latestCheckpoint !== this.folder.checkpointDir(this.step)) {
        progress!.latestCheckpoint = this.checkpoint();
        await this.exportGenerator();
      }
      if (status !== 'stopped') status = 'done';
      // No rank leaves before rank 0 has written the end of the run.
      await dp?.barrier();
      progress?.write(status, at(), { message: status === 'stopped' ? `stopped at step ${this.step}; continue with --resume ${this.folder.dir}` : undefined });
    } catch (e) {
      const failure = runFailure(e, this.folder);
      progress?.fail(at(), (failure as Error)?.message ?? String(failure));
      throw failure;
    } finally {
      this.batches.close();
    }
    return { run: this.folder.dir, status, step: this.step, totalSteps: total, last: this.last, engine: this.engine };
  }

  /** Frees the models, optimizers, data and evaluator (also of a set-up that failed half-way). */
  async dispose(): Promise<void> {
    const p = this.parts as TrainingParts | undefined;
    for (const x of [p?.G, p?.D, this.sampler, p?.ema, p?.optG, p?.optD]) x?.dispose();
    this.ds.close();
    await this.evaluator?.dispose?.();
  }
}

/**
 * Trains (or resumes) a DCGAN; see TrainOptions (run/knobs.ts) for every knob. The run folder is locked to
 * this trainer meanwhile; a new run that fails before its first step leaves nothing behind. With
 * `dataParallel`, this process is one rank of a data-parallel job (every rank calls train() with the same
 * request): rank 0 opens the run folder and writes it; the others learn the run's config from rank 0.
 */
export async function train(req: TrainRequest = {}, events: TrainEvents = {}, dataParallel?: DataParallel): Promise<TrainResult> {
  const dp = dataParallel?.world === 1 ? undefined : dataParallel;
  let session: OpenedRun;
  if (!dp) {
    session = openRun(req);
  } else if (dp.lead) {
    let opened: OpenedRun | undefined;
    try {
      opened = openRun(req);
      shardSize(opened.cfg.batchSize, dp.world);
    } catch (e) {
      opened?.abandon();
      await dp.fromLead({ error: (e as Error).message }).catch(() => undefined);
      throw e;
    }
    session = opened;
    await dp.fromLead({ cfg: session.cfg });
  } else {
    const got = await dp.fromLead<{ cfg?: TrainConfig; error?: string }>(undefined);
    if (!got.cfg) throw new LeadFailed(`rank ${dp.rank}: rank 0 could not start the run (${got.error ?? 'it said why'})`);
    session = followerSession(got.cfg);
  }
  const t = await Trainer.create(session, req, events, dp);
  try {
    return await t.run(req.signal);
  } catch (e) {
    if (t.isNewAndUntrained(session) && t.lead) session.abandon();
    throw e;
  } finally {
    await t.dispose();
    session.close();
  }
}

/** A data-parallel rank other than 0: the run's config from rank 0, and no hold on the run folder. */
function followerSession(cfg: TrainConfig): OpenedRun {
  return { cfg, folder: new RunFolder(cfg.out), notes: [], abandon: () => undefined, close: () => undefined };
}
