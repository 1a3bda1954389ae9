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
import { joinJob, launch, resolveDist, watchLauncher, type DistFlags } from '../../dist/index.js';
import { DataParallel, LeadFailed, shardSize } from '../../train/data-parallel.js';

// Launch flags: they start processes (torchrun's), they are not part of a run's config. --sync-bn is a knob.
const DIST_FLAGS: readonly Flag[] = [
  { name: 'nproc', kind: 'int', min: 1, metavar: 'N', group: 'distributed', help: 'data-parallel: N worker processes on this machine (threads per worker: cores / N unless --threads)' },
  { name: 'nnodes', kind: 'int', min: 1, metavar: 'M', group: 'distributed', help: 'data-parallel across M machines: run the same command on each, with --node-rank and --master' },
  { name: 'node-rank', kind: 'int', min: 0, metavar: 'R', group: 'distributed', help: "this machine's index, 0 to M - 1 (0: the one at --master, which writes the run folder)" },
  { name: 'master', kind: 'string', metavar: 'HOST:PORT', group: 'distributed', help: 'where node 0 hosts the rendezvous (default port 29500); every machine must reach it' },
  { name: 'dist-interface', kind: 'string', metavar: 'NAME|IP', group: 'distributed', help: 'the interface or address the workers bind here (default: the route to --master; also GLOO_SOCKET_IFNAME)' },
  { name: 'dist-timeout', kind: 'number', gt: 0, metavar: 'SECONDS', group: 'distributed', help: 'a peer that does not answer (or join) within this long fails the job (default 180)' },
];

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
  flags: [...knobFlags(), ...DIST_FLAGS, ...COMMAND_FLAGS],
}, async (args) => {
  const v = args.values as Record<string, unknown>;
  // --serve: this same command runs in a child process while this one serves the dashboard.
  if (v.serve) {
    const resume = v.resume as string | undefined;
    const run = (v.out as string | undefined) ?? (resume && (runOfCheckpoint(resume) ?? resume));
    return trainAndServe(args.without(['serve', 'host', 'port']), { host: v.host as string | undefined, port: v.port as number | undefined, run });
  }
  const str = (x: unknown) => (x === undefined ? undefined : String(x));
  const distFlags: DistFlags = {
    nproc: str(v.nproc), nnodes: str(v.nnodes), nodeRank: str(v.nodeRank), master: str(v.master),
    distInterface: str(v.distInterface), distTimeout: str(v.distTimeout), threads: str(v.threads),
  };
  const mode = resolveDist(distFlags, process.env);
  if (mode.mode === 'launch') {
    // A bad split is said once, here, rather than by every worker.
    if (v.batchSize !== undefined) shardSize(v.batchSize as number, mode.plan.world);
    // torchrun's role: start this machine's workers (this same command; they know from their environment
    // that they are workers), supervise them, and exit with their outcome.
    return (await launch({ plan: mode.plan, command: [process.execPath, ...process.argv.slice(1)] })).exitCode;
  }
  let dp: DataParallel | undefined;
  let unwatch = () => undefined as void;
  if (mode.mode === 'worker') {
    // c10d logs through glog on stderr; failures are reported in one line instead (our launcher sets it too).
    process.env.GLOG_minloglevel ??= '3';
    unwatch = watchLauncher(mode.worker);
    dp = new DataParallel(await joinJob(mode.worker));
  }
  const lead = !dp || dp.lead;
  const options: Record<string, unknown> = {};
  for (const key of KNOB_KEYS) if (v[key] !== undefined) options[key] = v[key];
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(signal === 'SIGTERM' ? 143 : 130);
    if (lead) console.error(`\nstopping after this step (a checkpoint is written); ${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit at once`);
    controller.abort();
  };
  // Workers are stopped by their launcher with SIGTERM: every rank stops after the same step.
  const signals: NodeJS.Signals[] = dp ? ['SIGINT', 'SIGTERM'] : ['SIGINT'];
  for (const sig of signals) process.on(sig, onSignal);
  const con = new ConsoleProgress(process.stdout, (options.logEvery as number | undefined) ?? 50);
  let failed = true;
  try {
    const r = await train({
      ...(options as TrainOptions), resume: v.resume as string | undefined, checkpoint: v.checkpoint as string | undefined, force: v.force === true,
      signal: controller.signal, source: 'cli',
      evaluator: (cfg) => trainingEvaluator(cfg, { onMessage: (m) => con.message(m) }),
    }, lead ? {
      onStep: (line, view) => con.update({ ...view, line }),
      onWarning: (m) => con.message(`warning: ${oneLine(m)}`),
      onMessage: (m) => con.message(m),
    } : {}, dp);
    con.finish();
    failed = false;
    if (!lead) return r.status === 'done' ? 0 : 130;
    const f = r.last;
    console.log(`${r.status === 'done' ? 'done' : 'stopped'}: ${r.step}/${r.totalSteps} steps on ${r.engine.backend} in ${r.run}` +
      (f ? `\n  Loss_D ${f.lossD.toFixed(4)}  Loss_G ${f.lossG.toFixed(4)}  D(x) ${f.dx.toFixed(4)}  D(G(z)) ${f.dgz1.toFixed(4)}` : '') +
      `\n  samples: ${r.run}/samples   generator (TF.js): ${r.run}/generator/model.json` +
      (r.status === 'stopped' ? `\n  continue with: dcgan train --resume ${r.run}` : ''));
    return r.status === 'done' ? 0 : 130;
  } catch (e) {
    // Rank 0 says why it could not start; the other ranks only exit.
    if (e instanceof LeadFailed) return 1;
    throw e;
  } finally {
    con.finish();
    for (const sig of signals) process.off(sig, onSignal);
    if (dp) {
      // A failed rank closes its connections at once: the others fail within seconds instead of at their timeout.
      if (failed) dp.group.abort('this rank failed');
      await dp.group.destroy();
    }
    unwatch();
  }
});
