// dcgan probe: flags -> probeRun(); prints the linear probe's test accuracy on trained-D features, random-D
// features and raw pixels, and writes probe.json.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initEngine } from '../../engine/index.js';
import { probeRun, type ProbeReport } from '../../eval/probe.js';
import { writeJsonAtomic } from '../../files.js';
import { choice, flag, num, parse, str } from '../args.js';
import type { Command } from '../main.js';
import { sourceArg } from '../sample-common.js';

const USAGE = `usage: dcgan probe RUN [--labels N] [--checkpoint latest|best|STEP] [flags]

The paper's discriminator probe (Radford et al. 2015, 5.1): D's conv features, max-pooled to 4x4 per layer
and concatenated, feed an L2-regularised linear classifier (multinomial logistic regression, strength by
cross-validation) trained on a few balanced labels of the train split; accuracy on the whole test split,
beside the same probe on D at its initialisation (random weights) and on raw pixels. Needs labelled data
with a test split (mnist, fashion-mnist, cifar10). Writes RUN/probe.json.

RUN: a run folder or a checkpoint folder
  --labels N            labelled train images, balanced over the classes (default 1000)
  --repeats R           average over R labelled subsets (default 1)
  --seed N              seed of the labelled subset (default 0)
  --checkpoint latest|best|STEP   (default latest)
  --test-limit N        score only the first N test images
  --out FILE            (default RUN/probe.json)
  --backend aten|cpu    --threads N`;

/** The report as a table for the console. */
export function formatProbe(r: ProbeReport): string {
  const lines = [`${r.checkpoint} (step ${r.step}), ${r.data} at ${r.image.join('x')}: ${r.labels} labels (${r.perClass} per class), ${r.testImages} test images`];
  for (const x of r.results) {
    const spread = r.repeats > 1 ? ` ± ${(100 * x.std).toFixed(2)}` : '';
    lines.push(`  ${x.features.padEnd(10)} ${String(x.dim).padStart(6)} features   test accuracy ${(100 * x.accuracy).toFixed(2)} %${spread}   (lambda ${x.lambda}, cv ${(100 * x.cvAccuracy).toFixed(1)} %)`);
  }
  return lines.join('\n');
}

export const command: Command = {
  async run(argv) {
    const p = parse('probe', argv, {
      labels: { type: 'string' }, repeats: { type: 'string' }, seed: { type: 'string' }, checkpoint: { type: 'string' },
      'test-limit': { type: 'string' }, out: { type: 'string', short: 'o' }, backend: { type: 'string' }, threads: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    }, true);
    if (flag(p, 'help')) {
      console.log(USAGE);
      return 0;
    }
    const run = sourceArg(p, 'probe');
    const int = (name: string, min = 1) => num(p, name, { integer: true, min });
    await initEngine({ backend: choice(p, 'backend', ['aten', 'cpu'] as const), threads: int('threads') });
    const report = await probeRun(run, {
      labels: int('labels', 2), repeats: int('repeats'), seed: int('seed', 0), checkpoint: str(p, 'checkpoint'),
      testLimit: int('test-limit'), onMessage: (line) => console.log(line),
    });
    console.log(formatProbe(report));
    const out = str(p, 'out') ?? join(existsSync(join(run, 'checkpoint.json')) ? '.' : run, 'probe.json');
    writeJsonAtomic(out, report);
    console.log(`wrote ${out} (${report.seconds.toFixed(0)} s)`);
    return 0;
  },
};
