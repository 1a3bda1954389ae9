// Data-parallel training over a ProcessGroup (src/dist), as PyTorch's DistributedDataParallel: rank 0's
// weights and optimizer state broadcast at start, every update's gradients averaged across ranks (one bucket
// per network and update), BatchNorm per rank or synchronized (--sync-bn), running statistics averaged before
// anything reads them, and each step's figures averaged so that every rank logs, stops and fails together.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { syncBatchNorm, type Peer, type ProcessGroup } from '../dist/index.js';
import { DcganBatchNorm, type BatchNormStatistics } from '../model/layers/batch-norm.js';
import { UserError } from '../util/errors.js';
import type { TrainingParts } from './checkpointing.js';
import type { GradientReducer } from './gradients.js';
import type { StepFigures, StepSignals } from './step.js';

/** The error a rank other than 0 ends with when rank 0 could not start the run (rank 0 prints the reason). */
export class LeadFailed extends UserError {}

/** The global batch split across `world` ranks, or a one-line error listing the valid sizes near it. */
export function shardSize(batchSize: number, world: number, flag = '--batch-size'): number {
  if (batchSize % world === 0) return batchSize / world;
  const below = Math.floor(batchSize / world) * world, above = below + world;
  const sizes = [below, above].filter((b) => b > 0);
  throw new UserError(`${flag} ${batchSize} is the global batch and does not split evenly across ${world} ranks; use a multiple of ${world}: ${sizes.join(' or ')}`);
}

/** One step's figures as the whole job saw them. */
/** What a resume says when the checkpoint was written by `from` ranks and the job now has `to`. */
export function reshardNote(from: number, to: number, batchSize: number, syncBn: boolean): string {
  return `the checkpoint was written by ${from} rank${from === 1 ? '' : 's'} and this run has ${to}: ` +
    `the same global batch of ${batchSize} and data order, re-sharded (${batchSize / to} images per rank); the weights follow ` +
    `the same trajectory up to float rounding${syncBn || to === 1 ? '' : ', except that BatchNorm now normalises over other per-rank batches (--sync-bn avoids that)'}`;
}

export interface JobFigures {
  /** The job's figures (averaged) and signals (ADA's sign sum and count summed, so every rank adapts alike). */
  figures: StepFigures & StepSignals;
  /** Images per second of the whole job (the global batch over this step's time). */
  imgPerSec: number;
  /** Each rank's own images per second, in rank order. */
  rankImgPerSec: number[];
  /** Some rank was asked to stop (SIGINT, SIGTERM): all stop after this step. */
  stop: boolean;
}

export class DataParallel {
  private readonly bn: DcganBatchNorm[] = [];
  private syncBn = false;

  constructor(readonly group: ProcessGroup) {}

  get rank(): number {
    return this.group.rank;
  }

  get world(): number {
    return this.group.world;
  }

  /** Rank 0 writes the run folder; the others only train. */
  get lead(): boolean {
    return this.group.rank === 0;
  }

  get peers(): readonly Peer[] {
    return this.group.peers;
  }

  /** The distinct host names of the job, in rank order of their first rank. */
  get hosts(): string[] {
    return [...new Set(this.group.peers.map((p) => p.hostname))];
  }

  /** Rank 0's value on every rank (JSON; small values only). */
  async fromLead<T>(value: T | undefined): Promise<T> {
    const all = await this.group.allgather(this.lead ? value : null);
    return all[0] as T;
  }

  /** Averages gradients across ranks, blocking this thread for the collective (backprop is synchronous). */
  readonly reduceGrads: GradientReducer = (grads) => this.group.allreduceSync(grads, 'avg');

  /** The models whose BatchNorm layers step() synchronizes (with --sync-bn). */
  attach(models: tfl.LayersModel[], syncBn: boolean): void {
    this.syncBn = syncBn;
    for (const m of models) for (const layer of m.layers) if (layer instanceof DcganBatchNorm) this.bn.push(layer);
  }

  /**
   * Runs a training step: with --sync-bn, BatchNorm's statistics span every rank's batch during it (and only
   * then: rank 0 alone draws sample grids in training mode, which must not wait for the others).
   */
  step<T>(f: () => T): T {
    if (!this.syncBn) return f();
    const stats: BatchNormStatistics = (x, gamma, beta, eps) => syncBatchNorm(this.group, x, gamma, beta, eps);
    for (const l of this.bn) l.statistics = stats;
    try {
      return f();
    } finally {
      for (const l of this.bn) l.statistics = undefined;
    }
  }

  /** Every rank takes rank 0's weights (trainable and running statistics), optimizer state and EMA. */
  async broadcastParts(parts: TrainingParts): Promise<void> {
    for (const m of [parts.G, parts.D]) {
      const got = await this.group.broadcast(m.weights.map((w) => w.read()));
      m.setWeights(got);
      tf.dispose(got);
    }
    for (const [opt, model] of [[parts.optG, parts.G], [parts.optD, parts.D]] as const) {
      const mine = opt.getState();
      const shape = await this.fromLead({ step: mine.step, slots: Object.keys(mine.slots).filter((k) => mine.slots[k]!.length > 0) });
      const vars = model.trainableWeights;
      const slots: Record<string, tf.Tensor[]> = {};
      for (const name of shape.slots) {
        const own = mine.slots[name]?.length === vars.length ? mine.slots[name]! : vars.map((v) => tf.zerosLike(v.read()));
        slots[name] = await this.group.broadcast(own);
        if (own !== mine.slots[name]) tf.dispose(own);
      }
      tf.dispose(Object.values(mine.slots).flat());
      if (shape.slots.length > 0 || shape.step > 0) opt.setState({ kind: opt.kind, step: shape.step, slots });
      tf.dispose(Object.values(slots).flat());
    }
    if (parts.ema) {
      const got = await this.group.broadcast(parts.ema.shadow);
      parts.ema.load(got);
      tf.dispose(got);
    }
  }

  /**
   * Averages the BatchNorm running statistics across ranks into every rank (each rank's come from its own
   * batches unless --sync-bn): before samples, evaluation, checkpoints and the export read them.
   */
  async averageRunningStats(parts: TrainingParts): Promise<void> {
    const vars = this.bn.flatMap((l) => l.nonTrainableWeights);
    if (vars.length === 0) return;
    const avg = await this.group.allreduce(vars.map((v) => v.read()), 'avg');
    vars.forEach((v, i) => v.write(avg[i]!));
    tf.dispose(avg);
    parts.ema?.syncBuffers();
  }

  /** Averages the step's figures over ranks, sums the speeds, and shares any rank's wish to stop. */
  async reduceFigures(f: StepFigures & StepSignals, seconds: number, localBatch: number, stop: boolean): Promise<JobFigures> {
    const w = this.world;
    const buf = new Float32Array(10 + w);
    buf.set([f.lossD, f.lossG, f.dx, f.dgz1, f.dgz2, stop ? 1 : 0, seconds, f.realSigns, f.realCount, f.r1]);
    buf[10 + this.rank] = localBatch / seconds;
    const s = await this.group.allreduceValues(buf, 'sum');
    const avg = (i: number) => s[i]! / w;
    return {
      // Sums of signs and counts are integers below 2^24: exact in float32.
      figures: { lossD: avg(0), lossG: avg(1), dx: avg(2), dgz1: avg(3), dgz2: avg(4), realSigns: s[7]!, realCount: s[8]!, r1: avg(9) },
      stop: s[5]! > 0,
      // The ranks wait for each other at every update: the job's step takes as long as theirs, on average.
      imgPerSec: (localBatch * w) / avg(6),
      rankImgPerSec: Array.from(s.subarray(10)),
    };
  }

  /** Resolves when every rank got here. */
  barrier(): Promise<void> {
    return this.group.barrier();
  }
}
