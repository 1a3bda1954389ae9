// dcgan eval: flags -> evaluateSource(); prints FID, KID, precision/recall, class coverage and the
// memorization check, and writes eval.json and eval-nearest.png.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { initEngine } from '../../engine/index.js';
import { oneLine, UserError } from '../../util/errors.js';
import { evaluateSource, writeEvalOutputs, type EvalReport } from '../../eval/evaluate-source.js';
import { RUN_FILES, RunLayout } from '../../run/layout.js';
import { defineCommand } from '../command.js';
import { ENGINE_FLAGS, outFlag } from '../sample-common.js';

function pct(v: number): string {
  return `${(100 * v).toFixed(1)} %`;
}

/** The report as a few lines for the console. */
export function formatReport(r: EvalReport): string {
  const m = r.metrics, c = r.counts;
  const lines = [
    `${r.source}${r.step !== undefined ? ` (step ${r.step})` : ''} vs ${r.data} ${r.split} at ${r.image.join('x')}`,
    `features: ${r.featureNetwork.description}`,
    `FID        ${m.fid.toFixed(3)}   (${c.generated} generated vs ${c.realStats} real)`,
    `KID        ${m.kid.toFixed(5)} ± ${m.kidStd.toFixed(5)}   (${c.kidSubsets} subsets of ${c.kidSubsetSize})`,
    `precision  ${m.precision.toFixed(4)}   recall ${m.recall.toFixed(4)}   (k = ${c.k}, ${c.precisionRecall} vs ${c.precisionRecall})`,
  ];
  if (r.classes) {
    const names = Object.keys(r.classes.generated);
    lines.push(`coverage   ${r.classes.coverage.toFixed(2)} (${names.length - r.classes.missing.length}/${names.length} classes${r.classes.missing.length ? `; missing: ${r.classes.missing.join(', ')}` : ''})   class KL ${r.classes.kl.toFixed(4)} nats` +
      (r.classes.accuracy !== undefined ? `   asked-for class ${pct(r.classes.accuracy)}` : ''));
    lines.push(`  generated (real): ${names.map((k) => `${k} ${pct(r.classes!.generated[k]!)} (${pct(r.classes!.real[k]!)})`).join(', ')}`);
  }
  const mem = r.memorization;
  if (mem) {
    const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));
    lines.push(`memorization (RMS pixel distance, [-1, 1]): held-out -> nearest generated ${f(mem.heldOutToGenerated)}, ` +
      `held-out -> nearest train ${f(mem.heldOutToTrain)}, generated -> nearest train ${f(mem.generatedToTrain)}` +
      (mem.ratio !== null ? ` (ratio ${mem.ratio.toFixed(3)}; near copies ${pct(mem.nearCopies!)})` : ''));
  }
  return lines.join('\n');
}

const FEATURES = 'features (default: a classifier the project trains once per dataset: mnist, fashion-mnist, cifar10)';
const GENERATOR = 'generator (runs, checkpoints, exported generators)';

export const command = defineCommand({
  name: 'eval',
  synopsis: 'SOURCE [--data SPEC] [--features model.json] [-n N] [flags]',
  about: 'Measures generated images against real data: FID and KID (the formulae of pytorch-fid and torch-fidelity), precision and ' +
    'recall (k-NN manifolds, k = 3) and, with a built-in classifier, class coverage; then checks for memorization (nearest training ' +
    'images in pixel space). Prints the figures and writes eval.json and eval-nearest.png (generated samples beside their nearest ' +
    'training images). SOURCE: a run folder, a checkpoint folder, an exported generator (model.json), or a folder of images.',
  positionals: { min: 1, max: 1, name: 'what to evaluate (a run folder, a checkpoint folder, a model.json or a folder of images)' },
  flags: [
    { name: 'n', short: 'n', kind: 'int', min: 10, metavar: 'N', group: 'data', help: 'generated images (default 10000; a folder: at most N of its images)' },
    { name: 'data', kind: 'string', metavar: 'SPEC', group: 'data', help: "the real data (default: the run's; required for a folder or an exported generator)" },
    { name: 'data-dir', kind: 'path', metavar: 'DIR', group: 'data', help: "where fashion-mnist's IDX files are" },
    { name: 'image-size', kind: 'size', metavar: 'N|HxW', group: 'data', help: "a folder of images: the size to compare at (default: the real data's)" },
    { name: 'split', kind: 'choice', choices: ['train', 'test'], group: 'data', help: 'the real split the statistics come from (default train)' },
    { name: 'features', kind: 'path', metavar: 'FILE', group: FEATURES, help: 'a TF.js layers model.json instead (e.g. a converted InceptionV3)' },
    { name: 'features-layer', kind: 'string', metavar: 'NAME', group: FEATURES, help: "the layer whose output is the features (default: the model's output)" },
    { name: 'features-range', kind: 'string', metavar: 'LO,HI', group: FEATURES, help: 'the pixel range the model expects (default -1,1)' },
    { name: 'kid-subsets', kind: 'int', min: 1, metavar: 'N', group: 'metrics', help: 'KID subsets (default 100)' },
    { name: 'kid-subset-size', kind: 'int', min: 2, metavar: 'N', group: 'metrics', help: 'KID subset size (default 1000)' },
    { name: 'real-subset', kind: 'int', min: 10, metavar: 'N', group: 'metrics', help: 'real feature vectors kept for KID and precision/recall (default 10000)' },
    { name: 'memorization', kind: 'int', min: 1, metavar: 'N', group: 'metrics', help: 'generated and held-out images in the memorization check (default 1000)' },
    { name: 'no-memorization', kind: 'boolean', group: 'metrics', help: 'skip the memorization check' },
    { name: 'checkpoint', kind: 'string', metavar: 'latest|best|STEP', group: GENERATOR, help: "a run's checkpoint instead of its exported generator" },
    { name: 'weights', kind: 'choice', choices: ['ema', 'raw'], group: GENERATOR, help: 'from a checkpoint: the EMA weights (default when kept) or the raw ones' },
    { name: 'bn', kind: 'choice', choices: ['running', 'batch'], group: GENERATOR, help: 'BatchNorm statistics (default running)' },
    { name: 'seed', kind: 'int', min: 0, metavar: 'N', group: GENERATOR, help: 'the seed of the latent vectors (default 0)' },
    { name: 'batch', kind: 'int', min: 1, metavar: 'N', group: GENERATOR, help: 'images generated per call' },
    outFlag('DIR', 'where eval.json and eval-nearest.png go (default: the run folder, else the current folder)'),
    ...ENGINE_FLAGS,
  ],
}, async ({ values: v, positionals }) => {
  const source = positionals[0]!;
  const options = {
    n: v.n, data: v.data, dataDir: v.dataDir, size: v.imageSize, split: v.split, features: v.features, featuresLayer: v.featuresLayer,
    featuresRange: parseRange(v.featuresRange), kidSubsets: v.kidSubsets, kidSubsetSize: v.kidSubsetSize, realSubset: v.realSubset,
    memorization: !v.noMemorization, memorizationSamples: v.memorization, checkpoint: v.checkpoint, weights: v.weights, bn: v.bn,
    seed: v.seed, batch: v.batch, onMessage: (line: string) => console.log(line), onWarning: (line: string) => console.error(oneLine(line)),
  };
  if (options.features && !existsSync(options.features)) throw new UserError(`--features ${options.features}: no such file; give a TF.js layers model's model.json`);
  await initEngine({ backend: v.backend, threads: v.threads });
  const { report, sheet } = await evaluateSource(source, options);
  const run = new RunLayout(source);
  const isRun = statSync(source).isDirectory() && existsSync(run.configPath);
  const out = v.out ?? (isRun ? source : '.');
  console.log(formatReport(report));
  const written = await writeEvalOutputs(report, sheet, join(out, RUN_FILES.evalReport), join(out, RUN_FILES.evalNearest));
  console.log(`wrote ${written.join(', ')} (${report.seconds.toFixed(0)} s)`);
  return 0;
});

function parseRange(raw: string | undefined): [number, number] | undefined {
  if (raw === undefined) return undefined;
  const v = raw.split(',').map((s) => Number(s.trim()));
  if (v.length !== 2 || !v.every(Number.isFinite) || !(v[0]! < v[1]!)) throw new UserError(`--features-range must be LO,HI with LO < HI (e.g. -1,1 or 0,1 or 0,255), got '${raw}'`);
  return v as [number, number];
}
