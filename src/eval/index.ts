// The public surface of the eval module: sample-quality metrics, feature networks, real-data statistics,
// the memorization check, the training-time evaluator and the discriminator linear probe.
export { fid } from './fid.js';
export { kid, type KidOptions, type KidResult } from './kid.js';
export { precisionRecall, type PrecisionRecall } from './precision-recall.js';
export { classCoverage, COVERED_FRACTION, type ClassCoverage } from './coverage.js';
export { featureStats, StatsAccumulator, type GaussianStats } from './statistics.js';
export { symmetricEigen, type SymmetricEigen } from './symmetric-eigen.js';
export { sqrtPsd, traceSqrtProduct } from './matrix.js';
export { nearest, NearestTracker, kthNeighbourDistances } from './nearest.js';
export { buildClassifier, trainClassifier, testAccuracy, DEFAULT_RECIPE, type ClassifierRecipe } from './classifier.js';
export { loadOrTrainClassifier, datasetFeatureNetwork, classifierFamily, type ClassifierInfo, type ClassifierFamily, type ClassifierOptions } from './classifier-cache.js';
export { userNetwork, classifierNetwork, adaptImages, type FeatureNetwork, type Extracted, type UserNetworkOptions } from './feature-network.js';
export { realReference, type RealReference, type RealReferenceOptions } from './real-stats.js';
export { openEvalContext, featureNetworkFor, type EvalContext, type EvalDataOptions } from './eval-context.js';
export { evaluateImages, type Metrics, type MetricDetails, type MetricOptions } from './evaluate.js';
export { memorizationCheck, type Memorization, type MemorizationOptions } from './memorization.js';
export { evaluateSource, writeEvalOutputs, type EvalReport, type EvalSourceOptions } from './evaluate-source.js';
export { TrainingEvaluator, trainingEvaluator, type TrainingEvaluatorOptions } from './training-evaluator.js';
export { DiscriminatorFeatures, adaptiveMaxPool } from './discriminator-features.js';
export { trainLinearProbe, predictLinear, type LinearModel, type LinearProbeOptions } from './linear-probe.js';
export { probeRun, type ProbeOptions, type ProbeReport, type ProbeResult } from './probe.js';
