// A run's image-quality options, made from its config: the GAN loss, DiffAugment with ADA's adaptive p, lazy
// R1 and the EMA sampler's standing BatchNorm statistics; their state for checkpoints, their figures for
// metrics lines. The trainer asks this object for each step's settings and tells it each step's signals.
import type * as tfl from '@tensorflow/tfjs-layers';
import { spectralNorms } from '../model/layers/spectral-norm.js';
import type { ArchSpec } from '../model/spec.js';
import { standingGeneratorStatistics } from '../model/standing.js';
import type { QualityState } from '../run/checkpoint.js';
import { augmentOps, type TrainConfig } from '../run/config.js';
import { UserError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { AdaptiveAugment } from './ada.js';
import { DiffAugment } from './augment.js';
import type { Ema } from './ema.js';
import { makeGanLoss, type GanLoss } from './losses.js';
import { r1Unsupported, type R1Settings } from './r1.js';
import type { StepSettings, StepSignals } from './step.js';

/** Lazy R1's interval: the penalty every 16 steps, weighted by 16 (Karras et al. 2020, StyleGAN2 section 3.1). */
export const R1_INTERVAL = 16;

export class QualityOptions {
  readonly loss: GanLoss;
  readonly r1?: R1Settings;
  private readonly pipe?: DiffAugment;
  private ada?: AdaptiveAugment;
  private readonly adaTarget: number;

  constructor(cfg: TrainConfig, readonly arch: ArchSpec) {
    this.loss = makeGanLoss(cfg.loss ?? 'bce', arch.dOutput, arch.name);
    const ops = augmentOps(cfg.augment);
    if (ops.length) this.pipe = new DiffAugment(ops);
    this.adaTarget = cfg.ada ?? 0;
    // ADA starts at p = 0 and raises p only as D starts to overfit (Karras et al. 2020, section 3).
    if (this.pipe && this.adaTarget > 0) this.ada = new AdaptiveAugment({ target: this.adaTarget });
    if ((cfg.r1 ?? 0) > 0) {
      const why = r1Unsupported(arch);
      if (why) throw new UserError(why);
      this.r1 = { gamma: cfg.r1, every: R1_INTERVAL };
    }
  }

  /** The step settings with this step's loss, augmentation (its parameters drawn from `rng`) and R1. */
  settings(base: StepSettings, rng: Rng): StepSettings {
    const augment = this.pipe && { pipe: this.pipe, rng, p: this.ada ? this.ada.p : 1 };
    return { ...base, loss: this.loss, augment, r1: this.r1 };
  }

  /** Takes a finished step's signals (ADA's r_t); returns the figures its metrics line adds. */
  afterStep(s: StepSignals): Record<string, number> {
    const out: Record<string, number> = {};
    if (this.ada) {
      this.ada.step(s.realSigns, s.realCount);
      out.ada_p = this.ada.p;
      if (Number.isFinite(this.ada.rt)) out.ada_rt = this.ada.rt;
    }
    if (this.r1 && Number.isFinite(s.r1)) out.r1 = s.r1;
    return out;
  }

  /**
   * Figures for the lines that carry a sample grid: with --spectral-norm, the largest sigma(W) of D's raw
   * weights (each layer computes with W / sigma(W); a sigma that keeps growing means the raw weights do).
   */
  sampleFigures(D: tfl.LayersModel): Record<string, number> {
    const norms = spectralNorms(D);
    return norms.length ? { sn_sigma_max: Math.max(...norms.map((n) => n.sigma)) } : {};
  }

  state(): QualityState {
    return this.ada ? { ada: this.ada.toJSON() } : {};
  }

  restore(q: QualityState | undefined): void {
    if (this.ada && q?.ada) this.ada = AdaptiveAugment.fromJSON(q.ada, { target: this.adaTarget });
  }
}

/** Copies the EMA of G into `sampler`, with BatchNorm statistics of its own (model/standing.ts). */
export function standingEmaSampler(ema: Ema, sampler: tfl.LayersModel, arch: ArchSpec, classes: number, seed: number): void {
  ema.copyTo(sampler);
  standingGeneratorStatistics(sampler, arch, classes, seed);
}
