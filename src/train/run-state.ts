// A training run's state and everything that reads or writes it whole: the models, optimizers and EMA built
// from the architecture, the position (step, epoch, RNG, data order, best FID), the checkpoints that save and
// restore it, a data-parallel rank taking rank 0's state, and the outputs made from it (fixed-noise grids, the
// exported generator). The loop that advances it is trainer.ts.
import type * as tfl from '@tensorflow/tfjs-layers';
import { Batches, type BatchState, type ImageDataset } from '../data/index.js';
import type { EngineInfo } from '../engine/index.js';
import { buildDiscriminator, buildGenerator } from '../model/build.js';
import type { ArchSpec } from '../model/spec.js';
import { copyCheckpoint, rotateCheckpoints, versions, type CheckpointRef, type RunPosition } from '../run/checkpoint.js';
import type { TrainConfig } from '../run/config.js';
import type { RunFolder } from '../run/run-folder.js';
import { Rng } from '../util/rng.js';
import { loadNewestIntact, saveTrainingCheckpoint, type FixedNoise, type TrainingParts } from './checkpointing.js';
import { reshardNote, shardSize, type DataParallel } from './data-parallel.js';
import { Ema } from './ema.js';
import { makeOptimizer } from './optimizers.js';
import { exportRunGenerator, fixedNoise, writeSampleGrid } from './outputs.js';
import { QualityOptions, standingEmaSampler } from './quality.js';
import type { TrainEvents } from './run-data.js';
import type { OpenedRun, PeriodicEvaluator } from './session.js';
import type { StepFigures } from './step.js';

export abstract class RunState {
  protected parts!: TrainingParts;
  protected quality!: QualityOptions;
  protected sampler?: tfl.LayersModel;
  protected rng!: Rng;
  protected batches!: Batches;
  protected fixed!: FixedNoise;
  protected step = 0;
  protected epoch = 0;
  protected secondsBefore = 0;
  protected sessionStart = 0;
  protected last?: StepFigures;
  protected bestFid = Infinity;
  /** Data-parallel runs: the checkpoint this session resumed from was written by this many ranks. */
  protected resumedWorld?: number;

  protected constructor(
    readonly cfg: TrainConfig,
    readonly folder: RunFolder,
    readonly ds: ImageDataset,
    readonly arch: ArchSpec,
    readonly classes: number,
    readonly engine: EngineInfo,
    protected readonly events: TrainEvents,
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

  /**
   * Data-parallel start: every rank takes rank 0's position (step, RNG, data order ...) and its weights,
   * optimizer state and EMA, so that all start from one state whether the run is new or resumed.
   */
  protected async joinLead(): Promise<void> {
    const dp = this.dp!;
    dp.attach([this.parts.G, this.parts.D], this.cfg.syncBn);
    const state = await dp.fromLead(this.position());
    if (!this.lead) {
      this.moveTo(state);
      this.batches.close();
      this.batches = this.makeBatches(state.batches);
    }
    await dp.broadcastParts(this.parts);
  }

  protected makeBatches(state?: BatchState): Batches {
    const { cfg, dp } = this;
    return new Batches(this.ds, {
      batchSize: cfg.batchSize, seed: cfg.seed, dropLast: true, flip: cfg.flip, state,
      shard: dp ? { rank: dp.rank, world: dp.world } : undefined,
    });
  }

  protected setUp(session: OpenedRun): void {
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

  /** The epochs the run's steps reach (--max-steps may end it before --epochs, or carry it past them). */
  get totalEpochs(): number {
    return Math.max(1, Math.ceil(this.totalSteps / this.batches.batchesPerEpoch));
  }

  // ---- checkpoints ----

  /** Where the run is now (the step, epoch, seconds, RNG, data order, last figures, best FID and ADA's state). */
  protected position(): RunPosition {
    return {
      step: this.step, epoch: this.epoch, seconds: this.seconds(), rng: this.rng.state(), batches: this.batches.state(),
      figures: this.last, bestFid: Number.isFinite(this.bestFid) ? this.bestFid : undefined, quality: this.quality.state(),
    };
  }

  /** Moves the run to `p` (a checkpoint's or rank 0's position); the caller makes the batches from p.batches. */
  private moveTo(p: RunPosition): void {
    this.step = p.step;
    this.epoch = p.epoch;
    this.secondsBefore = p.seconds;
    this.rng = new Rng(p.rng);
    this.last = p.figures;
    this.bestFid = p.bestFid ?? Infinity;
    this.quality.restore(p.quality);
  }

  protected checkpoint(): string {
    const dir = this.folder.checkpointDir(this.step);
    saveTrainingCheckpoint(dir, this.parts, {
      ...this.position(), config: this.cfg, arch: this.arch, classes: this.classes, classNames: this.ds.classNames,
      ...(this.dp ? { world: this.dp.world } : {}),
    }, this.fixed);
    rotateCheckpoints(this.folder.checkpointsDir, this.cfg.keepCheckpoints);
    this.events.onCheckpoint?.(dir, this.step);
    return dir;
  }

  protected restore(candidates: CheckpointRef[]): BatchState {
    const { dir, state, fixed } = loadNewestIntact(candidates, this.folder.checkpointsDir, this.parts, this.arch.nz, (w) => this.events.onWarning?.(w));
    this.fixed = fixed;
    this.moveTo(state);
    this.resumedWorld = state.world ?? 1;
    // Lines logged after this checkpoint belong to the part of the run that is being redone.
    this.folder.truncateMetrics(state.step);
    this.events.onMessage?.(`resumed ${this.folder.dir} from ${dir} (step ${state.step}, epoch ${state.epoch + 1})`);
    const world = this.dp?.world ?? 1;
    if (this.resumedWorld !== world) this.events.onMessage?.(reshardNote(this.resumedWorld, world, this.cfg.batchSize, this.cfg.syncBn));
    return state.batches;
  }

  /** Checkpoints the current state as the best so far (`fid`), also copied to checkpoints/best. */
  protected keepBest(fid: number): string {
    this.bestFid = fid;
    const latest = this.checkpoint();
    copyCheckpoint(latest, this.folder.bestCheckpointDir);
    return latest;
  }

  // ---- samples and export ----

  protected samplingModel(): tfl.LayersModel {
    const { G, ema } = this.parts;
    if (!ema || !this.sampler) return G;
    standingEmaSampler(ema, this.sampler, this.arch, this.classes, this.cfg.seed);
    return this.sampler;
  }

  /** The fixed-noise grid and its diversity. */
  protected async sampleGrid(): Promise<{ path: string; diversity: number }> {
    const path = this.folder.samplePath(this.step);
    const d = await writeSampleGrid(this.samplingModel(), this.arch, this.classes, this.fixed, path);
    this.events.onSample?.(path, this.step);
    return { path, diversity: d };
  }

  protected async exportGenerator(): Promise<void> {
    await exportRunGenerator(this.samplingModel(), this.arch, this.classes, this.ds.classNames, this.step, this.folder.generatorDir);
  }

  // ---- the loop ----

  protected seconds(): number {
    return this.secondsBefore + (this.sessionStart ? (performance.now() - this.sessionStart) / 1000 : 0);
  }

  /** Frees the models, optimizers, data and evaluator (also of a set-up that failed half-way). */
  async dispose(): Promise<void> {
    const p = this.parts as TrainingParts | undefined;
    for (const x of [p?.G, p?.D, this.sampler, p?.ema, p?.optG, p?.optD]) x?.dispose();
    this.ds.close();
    await this.evaluator?.dispose?.();
  }
}
