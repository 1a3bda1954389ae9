// The Fréchet Inception Distance (Heusel et al. 2017) between two Gaussians fitted to features, with
// pytorch-fid's formula: |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr(sqrt(S1 S2)).
import { traceSqrtProduct, trace } from './matrix.js';
import type { GaussianStats } from './statistics.js';

/**
 * FID between two feature Gaussians. pytorch-fid takes scipy's sqrtm(S1 S2); here tr(sqrt(S1 S2)) comes from the
 * symmetric PSD matrix sqrt(S1) S2 sqrt(S1), which has the same eigenvalues, so no complex parts arise.
 */
export function fid(a: GaussianStats, b: GaussianStats): number {
  if (a.dim !== b.dim) throw new Error(`fid: the feature sets have different dimensions (${a.dim} and ${b.dim})`);
  const d = a.dim;
  let diff2 = 0;
  for (let j = 0; j < d; j++) diff2 += (a.mean[j]! - b.mean[j]!) ** 2;
  const value = diff2 + trace(a.cov, d) + trace(b.cov, d) - 2 * traceSqrtProduct(a.cov, b.cov, d);
  // Equal Gaussians give 0 up to rounding, which can land just below it.
  return Math.max(value, 0);
}
