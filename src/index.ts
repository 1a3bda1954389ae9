// The public API of dcgan: everything a library user needs, re-exported from the modules that own it.
export { initEngine, registerAtenBackend, ATEN, AtenBackend, type EngineInfo, type EngineOptions, type BackendName } from './engine/index.js';
export { batchNormTrain } from './engine/custom-kernels.js';
export { checkArch, ArchError, type ArchSpec, type LayerSpec, type LatentDistribution } from './model/spec.js';
export { buildGenerator, buildDiscriminator, type BuildOptions } from './model/build.js';
export { PRESETS, getPreset, presetNames, type Preset, type PresetKnobs, type PresetTraining } from './model/presets.js';
export { DcganBatchNorm } from './model/layers/batch-norm.js';
export { layerWork, iterationMacs } from './model/flops.js';
export { ganStep, generatorInput, discriminatorInput, type GanParts, type StepBatch, type StepFigures, type StepSettings } from './train/step.js';
export { Adam, SgdNesterov, makeOptimizer, type GanOptimizer, type OptimizerState } from './train/optimizers.js';
export { valueAndGrads, minimize, record } from './train/gradients.js';
export { UserError } from './errors.js';
export { loadDataset, Batches, parseSpec, parseSize, parseBackground, pixelStats, previewGrid, writePreviewGrid, encodeIdx, encodeCifarBatch, CIFAR10_CLASSES, FASHION_MNIST_CLASSES, type LoadOptions, type ImageDataset, type Skipped, type DatasetStorage, type Batch, type BatchState, type BatchesOptions, type ParsedSpec, type PixelStats, type Grid, type GridOptions } from './data/index.js';
export { fid, kid, precisionRecall, classCoverage, featureStats, StatsAccumulator, symmetricEigen, evaluateImages, evaluateSource, writeEvalOutputs, memorizationCheck, realReference, openEvalContext, featureNetworkFor, userNetwork, datasetFeatureNetwork, loadOrTrainClassifier, TrainingEvaluator, trainingEvaluator, DiscriminatorFeatures, trainLinearProbe, predictLinear, probeRun, type GaussianStats, type KidOptions, type KidResult, type PrecisionRecall, type ClassCoverage, type FeatureNetwork, type RealReference, type Metrics, type MetricDetails, type EvalReport, type EvalSourceOptions, type EvalDataOptions, type Memorization, type ClassifierInfo, type TrainingEvaluatorOptions, type LinearModel, type ProbeOptions, type ProbeReport, type ProbeResult } from './eval/index.js';
export { startServer, startTrainingProcess, findRunOf, listRuns, DEFAULT_HOST, DEFAULT_PORT, type ServeOptions, type RunningServer, type TrainingProcess, type RunSummary, type RunSnapshot, type RunState, type RunEvents, type RunsListEvents, type MetricsPoint, type SampleRef, type GeneratorRef, type ApiError } from './server/index.js';
