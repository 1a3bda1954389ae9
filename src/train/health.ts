// Training health: a NaN or Inf figure stops the run; exploding losses, D winning outright for long, or
// fixed-noise samples that all look alike (mode collapse), give one warning each.
import { TrainingError } from './run-data.js';
import type { StepFigures } from './step.js';

export const FIGURE_NAMES: Record<keyof StepFigures, string> = {
  lossD: 'Loss_D', lossG: 'Loss_G', dx: 'D(x)', dgz1: 'D(G(z))', dgz2: 'D(G(z)) after the D update',
};

export interface HealthSettings {
  /** Consecutive steps with D(G(z)) < 0.005 and Loss_D < 0.01 before warning. */
  dWinsSteps: number;
  /** Diversity (mean absolute deviation of the fixed-noise samples, pixel units of [-1, 1]) that is collapse. */
  collapseBelow: number;
  /** ... or this fraction of the first measured diversity. */
  collapseFraction: number;
  /**
   * A loss above this is exploding (default 100: a healthy GAN's losses stay below ~10, and a BCE loss of 100
   * means D gives its target a probability of e^-100; --lr 1e9 reaches 1e20 within a few steps).
   */
  explodeAbove?: number;
}

export const DEFAULT_HEALTH: HealthSettings = { dWinsSteps: 100, collapseBelow: 0.02, collapseFraction: 0.1, explodeAbove: 100 };

export class HealthMonitor {
  private dWinsFor = 0;
  private firstDiversity?: number;
  private readonly warned = new Set<string>();

  constructor(private readonly s: HealthSettings = DEFAULT_HEALTH) {}

  /** The name of the first figure that is not finite, if any (the run must stop). */
  nonFinite(f: StepFigures): string | undefined {
    // The four figures only: a step may report more (R1 is NaN on steps it does not run).
    for (const k of Object.keys(FIGURE_NAMES) as (keyof StepFigures)[]) if (!Number.isFinite(f[k])) return `${FIGURE_NAMES[k]} is ${f[k]}`;
    return undefined;
  }

  /** Checks step `step`'s figures: a TrainingError when one is not finite, else step()'s warning. */
  check(step: number, f: StepFigures): string | undefined {
    const bad = this.nonFinite(f);
    if (bad) throw new TrainingError(`training diverged at step ${step}: ${bad}`); // failure.ts adds what is safe
    return this.step(step, f);
  }

  /** Checks one step's figures; returns a warning the first time the losses explode, or D has won outright for long. */
  step(step: number, f: StepFigures): string | undefined {
    const limit = this.s.explodeAbove ?? 100;
    if (Math.abs(f.lossD) > limit || Math.abs(f.lossG) > limit) {
      const w = this.once('explode', `step ${step}: the losses are exploding (Loss_D ${f.lossD.toPrecision(3)}, Loss_G ${f.lossG.toPrecision(3)}; ` +
        `healthy ones stay below ~10): the learning rate is far too high. Stop (Ctrl-C) and continue with a lower one (--resume RUN --lr 0.0002).`);
      if (w) return w;
    }
    this.dWinsFor = f.dgz1 < 0.005 && f.lossD < 0.01 ? this.dWinsFor + 1 : 0;
    if (this.dWinsFor < this.s.dWinsSteps) return undefined;
    return this.once('dwins', `step ${step}: D has won outright for ${this.s.dWinsSteps} steps (D(G(z)) < 0.005, Loss_D < 0.01): G is not learning. ` +
      'Try one-sided label smoothing (--real-label 0.9), label noise (--label-noise 0.05), more G steps (--g-steps 2) or a lower D learning rate (--lr-d).');
  }

  /** Checks the diversity of a fixed-noise grid; returns a warning the first time it looks collapsed. */
  samples(step: number, diversity: number, where: string): string | undefined {
    const first = this.firstDiversity ??= diversity;
    if (!(diversity < this.s.collapseBelow || (step > 0 && first !== diversity && diversity < this.s.collapseFraction * first))) return undefined;
    return this.once('collapse', `step ${step}: the fixed-noise samples look alike (diversity ${diversity.toFixed(3)}, first ${first.toFixed(3)}): mode collapse? ` +
      `Look at ${where}; a lower learning rate or label smoothing may help.`);
  }

  private once(key: string, message: string): string | undefined {
    if (this.warned.has(key)) return undefined;
    this.warned.add(key);
    return message;
  }
}

/**
 * Mean absolute difference between the samples and their mean image, in pixel units of [-1, 1] (0: all
 * samples identical). A collapsed generator drives it towards 0.
 */
export function diversity(images: Float32Array, n: number): number {
  const size = images.length / n;
  const mean = new Float64Array(size);
  for (let k = 0; k < n; k++) for (let i = 0; i < size; i++) mean[i] = mean[i]! + images[k * size + i]! / n;
  let sum = 0;
  for (let k = 0; k < n; k++) for (let i = 0; i < size; i++) sum += Math.abs(images[k * size + i]! - mean[i]!);
  return sum / (n * size);
}
