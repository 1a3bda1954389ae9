// dcgan probe: flags -> probeRun(); prints the linear probe's test accuracy on trained-D features, random-D
// features and raw pixels, and writes probe.json.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initEngine } from '../../engine/index.js';
import { probeRun, type ProbeReport } from '../../eval/probe.js';
import { writeJsonAtomic } from '../../util/files.js';
import { CHECKPOINT_FILES, RUN_FILES } from '../../run/layout.js';
import { defineCommand } from '../command.js';
import { ENGINE_FLAGS, outFlag } from '../sample-common.js';

/** The report as a table for the console. */
export function formatProbe(r: ProbeReport): string {
  const lines = [`${r.checkpoint} (step ${r.step}), ${r.data} at ${r.image.join('x')}: ${r.labels} labels (${r.perClass} per class), ${r.testImages} test images`];
  for (const x of r.results) {
    const spread = r.repeats > 1 ? ` ± ${(100 * x.std).toFixed(2)}` : '';
    lines.push(`  ${x.features.padEnd(10)} ${String(x.dim).padStart(6)} features   test accuracy ${(100 * x.accuracy).toFixed(2)} %${spread}   (lambda ${x.lambda}, cv ${(100 * x.cvAccuracy).toFixed(1)} %)`);
  }
  return lines.join('\n');
}

export const command = defineCommand({
  name: 'probe',
  synopsis: 'RUN [--labels N] [--checkpoint latest|best|STEP] [flags]',
  about: "The paper's discriminator probe (Radford et al. 2015, 5.1): D's conv features, max-pooled to 4x4 per layer and " +
    'concatenated, feed an L2-regularised linear classifier (multinomial logistic regression, strength by cross-validation) trained ' +
    'on a few balanced labels of the train split; accuracy on the whole test split, beside the same probe on D at its ' +
    'initialisation (random weights) and on raw pixels. Needs labelled data with a test split (mnist, fashion-mnist, cifar10). ' +
    'Writes RUN/probe.json. RUN: a run folder or a checkpoint folder.',
  positionals: { min: 1, max: 1, name: 'the run (a run folder or a checkpoint folder)' },
  flags: [
    { name: 'labels', kind: 'int', min: 2, metavar: 'N', group: 'probe', help: 'labelled train images, balanced over the classes (default 1000)' },
    { name: 'repeats', kind: 'int', min: 1, metavar: 'R', group: 'probe', help: 'average over R labelled subsets (default 1)' },
    { name: 'seed', kind: 'int', min: 0, metavar: 'N', group: 'probe', help: 'seed of the labelled subset (default 0)' },
    { name: 'checkpoint', kind: 'string', metavar: 'latest|best|STEP', group: 'probe', help: 'which checkpoint (default latest)' },
    { name: 'test-limit', kind: 'int', min: 1, metavar: 'N', group: 'probe', help: 'score only the first N test images' },
    outFlag('FILE', 'the report (default RUN/probe.json)'),
    ...ENGINE_FLAGS,
  ],
}, async ({ values: v, positionals }) => {
  const run = positionals[0]!;
  await initEngine({ backend: v.backend, threads: v.threads });
  const report = await probeRun(run, {
    labels: v.labels, repeats: v.repeats, seed: v.seed, checkpoint: v.checkpoint, testLimit: v.testLimit, onMessage: (line) => console.log(line),
  });
  console.log(formatProbe(report));
  const out = v.out ?? join(existsSync(join(run, CHECKPOINT_FILES.record)) ? '.' : run, RUN_FILES.probeReport);
  writeJsonAtomic(out, report);
  console.log(`wrote ${out} (${report.seconds.toFixed(0)} s)`);
  return 0;
});
