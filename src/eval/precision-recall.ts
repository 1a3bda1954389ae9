// Improved precision and recall (Kynkäänniemi et al. 2019): each set's manifold is the union of balls reaching
// every feature vector's k-th nearest neighbour (k = 3); precision is the share of generated vectors inside the
// real manifold, recall the share of real vectors inside the generated one.
import { insideAnyBall, kthNeighbourDistances } from './nearest.js';

export interface PrecisionRecall {
  precision: number;
  recall: number;
  k: number;
  /** Real and generated vectors used (the k-NN radii depend on how many there are). */
  real: number;
  generated: number;
}

function share(flags: Uint8Array): number {
  let s = 0;
  for (const f of flags) s += f;
  return flags.length ? s / flags.length : 0;
}

/** Precision and recall of generated features against real ones (rows of d values). */
export function precisionRecall(real: Float32Array, generated: Float32Array, d: number, k = 3): PrecisionRecall {
  const nr = real.length / d, ng = generated.length / d;
  if (nr <= k || ng <= k) throw new Error(`precision/recall with k = ${k} needs more than ${k} real and generated vectors, got ${nr} and ${ng}`);
  const realRadius = kthNeighbourDistances(real, d, k);
  const genRadius = kthNeighbourDistances(generated, d, k);
  return {
    precision: share(insideAnyBall(generated, real, realRadius, d)),
    recall: share(insideAnyBall(real, generated, genRadius, d)),
    k, real: nr, generated: ng,
  };
}
