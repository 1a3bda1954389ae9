// The public API of dcgan: what a library user needs, re-exported from the modules that own it (the internals
// stay in their modules). Importing it makes the native `aten` backend TensorFlow.js's default when the addon
// is built, as @tensorflow/tfjs-node does; initEngine() still selects a backend and thread count explicitly.
import { registerAtenBackend } from './engine/index.js';

// The engine: the aten TensorFlow.js backend over libtorch.
export { initEngine, ATEN, type EngineInfo, type EngineOptions, type BackendName } from './engine/index.js';

// Data: datasets as NHWC floats in [-1, 1], seeded batches.
export { loadDataset, Batches, parseSpec, pixelStats, writePreviewGrid, FASHION_MNIST_CLASSES, CIFAR10_CLASSES, type LoadOptions, type ImageDataset, type Skipped, type Batch, type BatchState, type BatchesOptions, type ParsedSpec, type PixelStats, type Grid, type GridOptions } from './data/index.js';

// Models: the founding systems as presets, architectures as data, and the generator's browser export.
export { PRESETS, getPreset, presetNames, type Preset, type PresetKnobs, type PresetTraining, type ArchKnob } from './model/presets.js';
export { checkArch, ArchError, type ArchSpec, type LayerSpec, type LatentDistribution } from './model/spec.js';
export { buildGenerator, buildDiscriminator, type BuildOptions } from './model/build.js';
export { generatorInput, discriminatorInput } from './model/conditioning.js';
export { exportGenerator, type GeneratorMeta } from './model/export.js';

// A run: its knobs (one table), the resolved config, its folder and checkpoints.
export { KNOBS, type Knob, type KnobKey, type TrainOptions, type TrainConfig } from './run/knobs.js';
export { resolveConfig, ConfigError } from './run/config.js';
export { RunLayout } from './run/layout.js';
export { readCheckpoint, readCheckpointMeta, disposeCheckpoint, listCheckpoints, resolveCheckpoint, type Checkpoint, type CheckpointMeta } from './run/checkpoint.js';
export type { MetricsLine, Progress, RunStatus } from './run/run-folder.js';

// Training: the whole loop (train), or one GAN iteration and the optimizers for a loop of your own.
export { train, TrainingError, type TrainRequest, type TrainEvents, type TrainResult, type PeriodicEvaluator } from './train/trainer.js';
export { ganStep, type GanParts, type StepBatch, type StepFigures, type StepSettings } from './train/step.js';
export { makeOptimizer, Adam, SgdNesterov, type GanOptimizer, type OptimizerState } from './train/optimizers.js';

// Sampling and exploration: open a generator (a run, a checkpoint or an exported model.json) and use it.
export { openGenerator, type OpenedGenerator, type OpenOptions } from './sample/source.js';
export { sample, interpolate, traverse, arithmetic, large, type Generated, type Exemplar } from './sample/explore.js';
export { generate, generateData, type BnMode } from './sample/generate.js';
export { makeGrid, writePng, type RawImage } from './sample/grid.js';

// Evaluation: FID, KID, precision/recall, memorization, the discriminator probe, evaluation during training.
export { fid, kid, precisionRecall, classCoverage, featureStats, evaluateImages, evaluateSource, writeEvalOutputs, memorizationCheck, trainingEvaluator, probeRun, type GaussianStats, type KidOptions, type KidResult, type PrecisionRecall, type ClassCoverage, type FeatureNetwork, type Metrics, type EvalReport, type EvalSourceOptions, type Memorization, type TrainingEvaluatorOptions, type ProbeOptions, type ProbeReport, type ProbeResult } from './eval/index.js';

// The dashboard and explorer server.
export { startServer, listRuns, DEFAULT_HOST, DEFAULT_PORT, type ServeOptions, type RunningServer, type RunSummary, type RunSnapshot, type RunState, type ApiError } from './server/index.js';

export { UserError } from './util/errors.js';

const registration = registerAtenBackend();
if (!registration.ok) console.warn(`dcgan: ${registration.reason}; TensorFlow.js runs on its pure-JS cpu backend, hundreds of times slower`);
