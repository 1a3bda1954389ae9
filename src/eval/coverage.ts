// Class coverage of generated images, for a feature network that is a classifier: which classes the
// generator produces and how often, against the classes' shares among real images (classified the same way).
import { argMax } from './real-stats.js';

export interface ClassCoverage {
  /** Share of classes produced at least a quarter as often as among real images. */
  coverage: number;
  /** The classes below that. */
  missing: string[];
  /** KL(generated || real) of the predicted class distributions, in nats (0: the same mix of classes). */
  kl: number;
  /** Predicted class shares of the generated and of the real images, by class. */
  generated: Record<string, number>;
  real: Record<string, number>;
  /** Conditional generators: share of images classified as the class they were asked for. */
  accuracy?: number;
}

/** A class counts as covered when its generated share is at least this fraction of its real share. */
export const COVERED_FRACTION = 0.25;

/**
 * Coverage from the generated images' class probabilities (n x classes) and the real class shares;
 * `requested` (conditional generators) gives the class each image was generated for.
 */
export function classCoverage(probs: Float32Array, n: number, realShares: ArrayLike<number>, classNames: string[], requested?: Int32Array): ClassCoverage {
  const K = classNames.length;
  const counts = new Float64Array(K);
  let right = 0;
  for (let i = 0; i < n; i++) {
    const k = argMax(probs, i * K, K);
    counts[k] = counts[k]! + 1;
    if (requested && requested[i] === k) right++;
  }
  const gen = counts.map((c) => c / n);
  const missing: string[] = [];
  let kl = 0;
  for (let k = 0; k < K; k++) {
    const p = gen[k]!, q = realShares[k]!;
    if (p < COVERED_FRACTION * q) missing.push(classNames[k]!);
    // A class absent from the real predictions is given a share of half an image, so the KL stays finite.
    if (p > 0) kl += p * Math.log(p / Math.max(q, 0.5 / n));
  }
  const byName = (v: ArrayLike<number>) => Object.fromEntries(classNames.map((name, k) => [name, v[k]!]));
  return {
    coverage: (K - missing.length) / K, missing, kl, generated: byName(gen), real: byName(realShares),
    accuracy: requested ? right / n : undefined,
  };
}
