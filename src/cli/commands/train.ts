// dcgan train: flags (one per knob of run/knobs.ts) -> TrainOptions -> train(); the console shows progress,
// Ctrl-C stops cleanly.
import { trainingEvaluator } from '../../eval/training-evaluator.js';
import { runOfCheckpoint } from '../../run/checkpoint.js';
import { flagOf, knob, KNOB_KEYS, type TrainOptions } from '../../run/knobs.js';
import { ConsoleProgress } from '../../train/console.js';
import { train } from '../../train/trainer.js';
import { defineCommand } from '../command.js';
import type { Flag } from '../flags.js';
import { knobFlags } from '../knob-flags.js';
import { SERVE_FLAGS, trainAndServe } from '../train-serve.js';
import { oneLine } from '../../util/errors.js';

const COMMAND_FLAGS: readonly Flag[] = [
  { name: 'resume', kind: 'path', metavar: 'DIR', group: 'run folder', help: 'continue a run (DIR, or one of its checkpoints/step-* folders) from its newest intact checkpoint (options marked as resumable may change)' },
  { name: 'checkpoint', kind: 'string', metavar: 'latest|best|STEP', group: 'run folder', help: 'with --resume: the checkpoint to continue from (the ones after it are set aside)' },
  { name: 'force', kind: 'boolean', group: 'run folder', help: '--out may be a folder that holds other files (never one holding parts of a run)' },
  { name: 'serve', kind: 'boolean', group: 'dashboard', help: 'train in a child process and serve the live dashboard and explorer (dcgan serve --help)' },
  ...SERVE_FLAGS,
];

export const command = defineCommand({
  name: 'train',
  synopsis: '[--data SPEC] [--preset NAME | --arch FILE] [flags]',
  about: 'Trains a DCGAN and writes a run folder (config.json, metrics.jsonl, samples/, checkpoints/, generator/, progress.json). ' +
    "Defaults come from the preset (its source's batch size, learning rate, Adam betas). With --resume, these may be given again " +
    `with new values: ${KNOB_KEYS.filter((k) => knob(k).resumable).map((k) => `--${flagOf(k)}`).join(', ')}; the rest come from the run's config.json.`,
  flags: [...knobFlags(), ...COMMAND_FLAGS],
}, async (args) => {
  const v = args.values as Record<string, unknown>;
  // --serve: this same command runs in a child process while this one serves the dashboard.
  if (v.serve) {
    const resume = v.resume as string | undefined;
    const run = (v.out as string | undefined) ?? (resume && (runOfCheckpoint(resume) ?? resume));
    return trainAndServe(args.without(['serve', 'host', 'port']), { host: v.host as string | undefined, port: v.port as number | undefined, run });
  }
  const options: Record<string, unknown> = {};
  for (const key of KNOB_KEYS) if (v[key] !== undefined) options[key] = v[key];
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    console.error('\nstopping after this step (a checkpoint is written); Ctrl-C again to quit at once');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const con = new ConsoleProgress(process.stdout, (options.logEvery as number | undefined) ?? 50);
  try {
    const r = await train({
      ...(options as TrainOptions), resume: v.resume as string | undefined, checkpoint: v.checkpoint as string | undefined, force: v.force === true,
      signal: controller.signal, source: 'cli',
      evaluator: (cfg) => trainingEvaluator(cfg, { onMessage: (m) => con.message(m) }),
    }, {
      onStep: (line, view) => con.update({ ...view, line }),
      onWarning: (m) => con.message(`warning: ${oneLine(m)}`),
      onMessage: (m) => con.message(m),
    });
    con.finish();
    const f = r.last;
    console.log(`${r.status === 'done' ? 'done' : 'stopped'}: ${r.step}/${r.totalSteps} steps on ${r.engine.backend} in ${r.run}` +
      (f ? `\n  Loss_D ${f.lossD.toFixed(4)}  Loss_G ${f.lossG.toFixed(4)}  D(x) ${f.dx.toFixed(4)}  D(G(z)) ${f.dgz1.toFixed(4)}` : '') +
      `\n  samples: ${r.run}/samples   generator (TF.js): ${r.run}/generator/model.json` +
      (r.status === 'stopped' ? `\n  continue with: dcgan train --resume ${r.run}` : ''));
    return r.status === 'done' ? 0 : 130;
  } finally {
    con.finish();
    process.off('SIGINT', onSigint);
  }
});
