// The sample-quality metrics of a set of generated images against a real reference, through one feature
// network: FID, KID, precision/recall (k = 3) and, for a classifier, class coverage.
import { classCoverage, type ClassCoverage } from './coverage.js';
import type { FeatureNetwork, ImageShape } from './feature-network.js';
import { fid } from './fid.js';
import { kid } from './kid.js';
import { precisionRecall } from './precision-recall.js';
import type { RealReference } from './real-stats.js';
import { featureStats } from './statistics.js';

export interface MetricOptions {
  /** KID subsets and their size (torch-fidelity: 100 x 1,000; the size is capped by the smaller set). */
  kidSubsets?: number;
  kidSubsetSize?: number;
  /** k of the k-NN manifolds (3). */
  k?: number;
  /** Conditional generators: the class each image was generated for. */
  requested?: Int32Array;
  seed?: number;
}

export interface Metrics {
  fid: number;
  kid: number;
  kidStd: number;
  precision: number;
  recall: number;
  /** Classifier feature networks only. */
  coverage?: number;
  classKL?: number;
  /** Conditional generators only: share classified as the requested class. */
  classAccuracy?: number;
}

export interface MetricDetails {
  metrics: Metrics;
  /** How the metrics were computed: sample counts, KID subsets, k. */
  counts: { generated: number; realStats: number; realSubset: number; kidSubsets: number; kidSubsetSize: number; precisionRecall: number; k: number };
  classes?: ClassCoverage;
}

/** The metrics of n generated images (NHWC in [-1, 1]). */
export function evaluateImages(images: Float32Array, n: number, shape: ImageShape, net: FeatureNetwork, ref: RealReference, options: MetricOptions = {}): MetricDetails {
  const d = net.dim;
  const { features, probs } = net.extract(images, n, shape);
  const value = fid(featureStats(features, d), ref.stats);
  const k = kid(features, ref.features, d, { subsets: options.kidSubsets ?? 100, subsetSize: options.kidSubsetSize ?? 1000, seed: options.seed ?? 2020 });
  // The k-NN radii shrink as sets grow: both sides get the same number of vectors.
  const m = Math.min(n, ref.subset);
  const kNn = options.k ?? 3;
  const pr = precisionRecall(ref.features.subarray(0, m * d), features.subarray(0, m * d), d, kNn);
  const metrics: Metrics = { fid: value, kid: k.mean, kidStd: k.std, precision: pr.precision, recall: pr.recall };
  let classes: ClassCoverage | undefined;
  if (probs && net.classNames && ref.classShares) {
    classes = classCoverage(probs, n, ref.classShares, net.classNames, options.requested);
    metrics.coverage = classes.coverage;
    metrics.classKL = classes.kl;
    if (classes.accuracy !== undefined) metrics.classAccuracy = classes.accuracy;
  }
  return {
    metrics,
    counts: { generated: n, realStats: ref.stats.n, realSubset: ref.subset, kidSubsets: k.subsets, kidSubsetSize: k.subsetSize, precisionRecall: m, k: kNn },
    classes,
  };
}
