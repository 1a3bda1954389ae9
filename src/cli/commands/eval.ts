// dcgan eval: flags -> evaluateSource(); prints FID, KID, precision/recall, class coverage and the
// memorization check, and writes eval.json and eval-nearest.png.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseSize } from '../../data/index.js';
import { initEngine } from '../../engine/index.js';
import { UserError } from '../../errors.js';
import { evaluateSource, writeEvalOutputs, type EvalReport } from '../../eval/evaluate-source.js';
import { choice, flag, num, parse, str } from '../args.js';
import type { Command } from '../main.js';
import { sourceArg } from '../sample-common.js';

const USAGE = `usage: dcgan eval SOURCE [--data SPEC] [--features model.json] [-n N] [flags]

Measures generated images against real data: FID and KID (the formulae of pytorch-fid and torch-fidelity),
precision and recall (k-NN manifolds, k = 3) and, with a built-in classifier, class coverage; then checks for
memorization (nearest training images in pixel space). Prints the figures and writes eval.json and
eval-nearest.png (generated samples beside their nearest training images).

SOURCE: a run folder, a checkpoint folder, an exported generator (model.json), or a folder of images
  -n N                  generated images (default 10000; a folder: at most N of its images)
  --data SPEC           the real data (default: the run's; required for a folder or an exported generator)
  --data-dir DIR        where fashion-mnist's IDX files are
  --image-size N|HxW    a folder of images: the size to compare at (default: the real data's)
  --split train|test    the real split the statistics come from (default train)
features (default: a classifier the project trains once per dataset: mnist, fashion-mnist, cifar10)
  --features FILE       a TF.js layers model.json instead (e.g. a converted InceptionV3)
  --features-layer NAME the layer whose output is the features (default: the model's output)
  --features-range LO,HI  the pixel range the model expects (default -1,1)
metrics
  --kid-subsets N       (default 100)    --kid-subset-size N  (default 1000)
  --real-subset N       real feature vectors kept for KID and precision/recall (default 10000)
  --memorization N      generated and held-out images in the memorization check (default 1000)
  --no-memorization
generator (runs, checkpoints, exported generators)
  --checkpoint latest|best|STEP   --weights ema|raw   --bn running|batch (default running)
  --seed N (default 0)   --batch N
output
  --out DIR             where eval.json and eval-nearest.png go (default: the run folder, else the current folder)
  --backend aten|cpu    --threads N`;

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

function parseRange(raw: string | undefined): [number, number] | undefined {
  if (raw === undefined) return undefined;
  const v = raw.split(',').map((s) => Number(s.trim()));
  if (v.length !== 2 || !v.every(Number.isFinite) || !(v[0]! < v[1]!)) throw new UserError(`--features-range must be LO,HI with LO < HI (e.g. -1,1 or 0,1 or 0,255), got '${raw}'`);
  return v as [number, number];
}

export const command: Command = {
  async run(argv) {
    const p = parse('eval', argv, {
      n: { type: 'string', short: 'n' }, data: { type: 'string' }, 'data-dir': { type: 'string' }, 'image-size': { type: 'string' },
      split: { type: 'string' }, features: { type: 'string' }, 'features-layer': { type: 'string' }, 'features-range': { type: 'string' },
      'kid-subsets': { type: 'string' }, 'kid-subset-size': { type: 'string' }, 'real-subset': { type: 'string' },
      memorization: { type: 'string' }, 'no-memorization': { type: 'boolean' }, checkpoint: { type: 'string' }, weights: { type: 'string' },
      bn: { type: 'string' }, seed: { type: 'string' }, batch: { type: 'string' }, out: { type: 'string', short: 'o' },
      backend: { type: 'string' }, threads: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    }, true);
    if (flag(p, 'help')) {
      console.log(USAGE);
      return 0;
    }
    const source = sourceArg(p, 'eval');
    const int = (name: string, min = 1) => num(p, name, { integer: true, min });
    const imageSize = str(p, 'image-size');
    const options = {
      n: int('n', 10), data: str(p, 'data'), dataDir: str(p, 'data-dir'), size: imageSize === undefined ? undefined : parseSize(imageSize, '--image-size'),
      split: choice(p, 'split', ['train', 'test'] as const), features: str(p, 'features'), featuresLayer: str(p, 'features-layer'),
      featuresRange: parseRange(str(p, 'features-range')), kidSubsets: int('kid-subsets'), kidSubsetSize: int('kid-subset-size', 2),
      realSubset: int('real-subset', 10), memorization: !flag(p, 'no-memorization'), memorizationSamples: int('memorization'),
      checkpoint: str(p, 'checkpoint'), weights: choice(p, 'weights', ['ema', 'raw'] as const), bn: choice(p, 'bn', ['running', 'batch'] as const),
      seed: int('seed', 0), batch: int('batch'), onMessage: (line: string) => console.log(line),
    };
    if (options.features && !existsSync(options.features)) throw new UserError(`--features ${options.features}: no such file; give a TF.js layers model's model.json`);
    await initEngine({ backend: choice(p, 'backend', ['aten', 'cpu'] as const), threads: int('threads') });
    const { report, sheet } = await evaluateSource(source, options);
    const isRun = statSync(source).isDirectory() && existsSync(join(source, 'config.json'));
    const out = str(p, 'out') ?? (isRun ? source : '.');
    console.log(formatReport(report));
    const written = await writeEvalOutputs(report, sheet, join(out, 'eval.json'), join(out, 'eval-nearest.png'));
    console.log(`wrote ${written.join(', ')} (${report.seconds.toFixed(0)} s)`);
    return 0;
  },
};
