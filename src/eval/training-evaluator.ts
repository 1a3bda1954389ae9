// The evaluator `dcgan train --eval-every N` passes to the trainer: every N steps, FID, KID, precision/recall
// (and class coverage) of a fixed set of latent vectors' images; the trainer logs them to metrics.jsonl and
// keeps the best-by-FID checkpoint.
import type { TrainConfig } from '../run/config.js';
import type { PeriodicEvaluator } from '../train/session.js';
import { checkFeatureSource, openEvalContext, type EvalContext, type EvalDataOptions } from './eval-context.js';
import { evaluateImages } from './evaluate.js';

export interface TrainingEvaluatorOptions {
  /** Generated images per evaluation (default 2,000: cheap enough to run often; FID's bias grows as it shrinks). */
  samples?: number;
  /** The seed of their latent vectors: the same images' latents every time, so evaluations compare. */
  seed?: number;
  /** A TF.js layers model as the feature network (see EvalDataOptions). */
  features?: string;
  featuresLayer?: string;
  featuresRange?: [number, number];
  /** KID subsets (default 20: a tenth of the time of torch-fidelity's 100, and still a stable mean). */
  kidSubsets?: number;
  cacheDir?: string;
  onMessage?(line: string): void;
}

export class TrainingEvaluator implements PeriodicEvaluator {
  private ctx?: Promise<EvalContext>;

  constructor(readonly data: EvalDataOptions, readonly conditional: boolean, readonly options: TrainingEvaluatorOptions = {}) {
    checkFeatureSource(data.data, data.features, '--eval-features');
  }

  async evaluate(generate: (n: number, seed: number) => Float32Array, step: number): Promise<Record<string, number>> {
    this.ctx ??= openEvalContext(this.data);
    const { net, ref, real } = await this.ctx;
    const n = this.options.samples ?? 2000;
    const t0 = performance.now();
    const images = generate(n, this.options.seed ?? 12345);
    const classes = net.classNames?.length ?? 0;
    const requested = this.conditional && classes ? Int32Array.from({ length: n }, (_, i) => i % classes) : undefined;
    const r = evaluateImages(images, n, { height: real.height, width: real.width, channels: real.channels }, net, ref, {
      kidSubsets: this.options.kidSubsets ?? 20, requested,
    });
    const m = r.metrics;
    this.options.onMessage?.(`eval at step ${step}: FID ${m.fid.toFixed(3)}  KID ${m.kid.toFixed(4)}  precision ${m.precision.toFixed(3)}  recall ${m.recall.toFixed(3)}` +
      `${m.coverage !== undefined ? `  coverage ${m.coverage.toFixed(2)}` : ''} (${n} samples, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as Record<string, number>;
  }

  async dispose(): Promise<void> {
    if (this.ctx) (await this.ctx).dispose();
  }
}

/**
 * The evaluator of a training run (train({ evaluator: trainingEvaluator })): the data, image size and channels
 * of its resolved config, evalSamples images each time, evalFeatures as the feature network when set.
 * Checks up front that a feature network exists for the data.
 */
export function trainingEvaluator(cfg: TrainConfig, options: TrainingEvaluatorOptions = {}): TrainingEvaluator {
  const [h, w] = cfg.imageSize;
  const data = cfg.dryRun ? `fake:${h}x${w}x${cfg.channels ?? 3}` : cfg.data;
  return new TrainingEvaluator({
    data, dataDir: cfg.dataDir, size: cfg.imageSize, channels: cfg.channels, count: cfg.dryRun ? cfg.batchSize * 2 : undefined,
    features: options.features ?? cfg.evalFeatures, featuresLayer: options.featuresLayer, featuresRange: options.featuresRange,
    cacheDir: options.cacheDir ?? cfg.cacheDir, onMessage: options.onMessage,
  }, cfg.conditional, { samples: cfg.evalSamples, ...options });
}
