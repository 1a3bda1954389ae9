// TEMPORARY (issue 13, phase 1 measurements; reverted before merge): the quality options read from the
// DCGAN_EXPERIMENT environment variable as JSON, until phase 2 makes them knobs of the config table.
import type { ArchSpec } from '../model/spec.js';
import { AdaptiveAugment } from './ada.js';
import { DiffAugment, parseAugmentSpec } from './augment.js';
import { makeGanLoss, type LossName } from './losses.js';
import type { Rng } from './rng.js';
import type { StepSettings } from './step.js';

export interface Experiment {
  loss?: LossName;
  augment?: string;
  /** Fixed augmentation probability (default 1), or ADA's target when `ada` is set. */
  p?: number;
  ada?: number;
  adaSpeed?: number;
  r1?: number;
  r1Every?: number;
  snD?: boolean;
  snG?: boolean;
  /** Remove D's batch norm layers (SNGAN's D has none). */
  noBnD?: boolean;
}

export function readExperiment(): Experiment {
  const raw = process.env.DCGAN_EXPERIMENT;
  return raw ? JSON.parse(raw) as Experiment : {};
}

export function experimentArch(arch: ArchSpec, e: Experiment): ArchSpec {
  return e.noBnD ? { ...arch, discriminator: arch.discriminator.filter((l) => l.type !== 'batchNorm') } : arch;
}

export class ExperimentState {
  readonly ada?: AdaptiveAugment;
  constructor(readonly e: Experiment) {
    if (e.ada !== undefined) this.ada = new AdaptiveAugment({ target: e.ada, speedImages: e.adaSpeed });
  }

  settings(base: StepSettings, arch: ArchSpec, rng: Rng): StepSettings {
    const e = this.e;
    return {
      ...base,
      loss: makeGanLoss(e.loss ?? 'bce', arch.dOutput, arch.name),
      augment: e.augment ? { pipe: new DiffAugment(parseAugmentSpec(e.augment)), rng, p: e.p ?? 1 } : undefined,
      r1: e.r1 ? { gamma: e.r1, every: e.r1Every ?? 16 } : undefined,
    };
  }

  before(s: StepSettings): void {
    if (this.ada && s.augment) s.augment.p = this.ada.p;
  }

  after(f: { realSigns: number; realCount: number; r1: number }, line: Record<string, number | undefined>): void {
    if (this.ada) {
      this.ada.step(f.realSigns, f.realCount);
      line.ada_p = this.ada.p;
      if (Number.isFinite(this.ada.rt)) line.ada_rt = this.ada.rt;
    }
    line.sign_real = f.realSigns / f.realCount;
    if (Number.isFinite(f.r1)) line.r1 = f.r1;
  }
}
