// The training loop: each step's batch and random draws, the GAN step, and the outputs due after it
// (metrics, fixed-noise grids, evaluation, checkpoints, the exported generator, progress). The run's state
// and what saves and restores it are run-state.ts; which run to train and its lock (session.ts), the
// checkpoint record (checkpointing.ts), progress.json (run-progress.ts), what a failure says (failure.ts) and
// D's targets (targets.ts) live beside it.
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../engine/index.js';
import { architectureOf, type TrainConfig } from '../run/config.js';
import { RunFolder, type MetricsLine, type RunStatus } from '../run/run-folder.js';
import { UserError } from '../util/errors.js';
import { startMessage } from './console.js';
import { LeadFailed, shardSize, type DataParallel } from './data-parallel.js';
import { runFailure } from './failure.js';
import { HealthMonitor } from './health.js';
import { exportIsCurrent, generateForEval } from './outputs.js';
import { RunProgress } from './run-progress.js';
import { RunState } from './run-state.js';
import { openRun, type OpenedRun, type TrainRequest } from './session.js';
import { ganStep, type StepFigures, type StepSettings, type StepSignals } from './step.js';
import { discriminatorTargets } from './targets.js';
import { loadRunData, type TrainEvents, type TrainResult } from './run-data.js';

export type { PeriodicEvaluator, TrainRequest } from './session.js';
export { DataParallel } from './data-parallel.js';
export { TrainingError, type TrainEvents, type TrainResult } from './run-data.js';

class Trainer extends RunState {
  private readonly healthMonitor = new HealthMonitor();
  /** Data-parallel runs: the step whose BatchNorm running statistics were last averaged across ranks. */
  private statsAveragedAt = -1;

  /** Opens the run (taking its lock) and builds everything; a new run rejected here leaves nothing behind. */
  static async create(session: OpenedRun, req: TrainRequest, events: TrainEvents, dp?: DataParallel): Promise<Trainer> {
    const { cfg, folder } = session;
    for (const note of session.notes) events.onMessage?.(note);
    const lead = !dp || dp.lead;
    let t: Trainer | undefined;
    try {
      const evaluator = cfg.evalEvery && lead ? req.evaluator?.(cfg) : undefined;
      if (cfg.evalEvery && lead && !evaluator) throw new UserError('evalEvery needs an evaluator: pass `evaluator: (cfg) => trainingEvaluator(cfg)` to train()');
      const engine = await initEngine({ backend: cfg.backend, threads: cfg.threads });
      if (engine.warning) events.onWarning?.(engine.warning);
      const ds = await loadRunData(cfg, events);
      const arch = architectureOf(cfg, ds.channels);
      const classes = cfg.conditional ? ds.classNames!.length : 0;
      t = new Trainer(cfg, folder, ds, arch, classes, engine, events, evaluator, dp);
      t.setUp(session);
      if (dp) await t.joinLead();
      return t;
    } catch (e) {
      await t?.dispose();
      const failure = runFailure(e, folder);
      session.abandon((failure as Error)?.message);
      throw failure;
    }
  }

  /** One iteration on the next batch: its figures. */
  private async iterate(settings: StepSettings): Promise<StepFigures & StepSignals> {
    const { cfg, arch, classes } = this;
    const B = cfg.batchSize, nz = arch.nz;
    const batch = await this.batches.next();
    this.epoch = batch.epoch;
    // The random draws are the whole job's (every rank's RNG stays in step); this process takes its rows.
    const b = this.localBatch, first = (this.dp?.rank ?? 0) * b;
    const z = Array.from({ length: cfg.gSteps }, () => tf.tensor2d(this.rng.latent(B * nz, arch.latent).subarray(first * nz, (first + b) * nz), [b, nz]));
    const targets = discriminatorTargets(B, cfg.realLabel, cfg.labelNoise, this.rng, { first, count: b });
    const real = tf.tensor4d(batch.images, batch.shape);
    const realLabels = classes && batch.labels ? tf.tensor1d(batch.labels, 'int32') : undefined;
    const fakeLabels = classes ? tf.tensor1d(Int32Array.from({ length: B }, () => this.rng.int(classes)).subarray(first, first + b), 'int32') : undefined;
    try {
      const step = this.step + 1;
      const run = () => ganStep({ ...this.parts, reduceGrads: this.dp?.reduceGrads }, { real, z, realTarget: targets.real, fakeTarget: targets.fake, realLabels, fakeLabels, step }, this.quality.settings(settings, this.rng));
      return this.dp ? this.dp.step(run) : run();
    } finally {
      tf.dispose([real, ...z, targets.real, targets.fake, ...(realLabels ? [realLabels] : []), ...(fakeLabels ? [fakeLabels] : [])]);
    }
  }

  /**
   * Data-parallel runs: BatchNorm's running statistics averaged across ranks before anything reads them
   * (samples, evaluation, checkpoints, the export); every rank calls it at the same steps.
   */
  private async runningStats(): Promise<void> {
    if (!this.dp || this.statsAveragedAt === this.step) return;
    await this.dp.averageRunningStats(this.parts);
    this.statsAveragedAt = this.step;
  }

  async run(signal?: AbortSignal): Promise<TrainResult> {
    const { cfg, arch, evaluator, dp, lead } = this;
    const B = cfg.batchSize, total = this.totalSteps;
    const settings: StepSettings = { dOutput: arch.dOutput, dBatch: cfg.dBatch, gSteps: cfg.gSteps, classes: this.classes };
    this.sessionStart = performance.now();
    let status: RunStatus = 'running';
    const progress = lead ? new RunProgress(this.folder, B, total, this.totalEpochs) : undefined;
    const hosts = dp ? dp.peers.map((p) => p.hostname) : [];
    if (progress && dp) progress.distributed = { world: dp.world, hosts: dp.hosts, ranks: hosts.map((host, rank) => ({ rank, host, imgPerSec: 0 })) };
    const at = () => ({ step: this.step, epoch: this.epoch, last: this.last });
    if (this.step === 0 && lead) {
      const where = dp ? `\n  ${dp.world} ranks (${B / dp.world} images each${cfg.syncBn ? ', BatchNorm synchronized' : ''}) on ${dp.hosts.join(', ')}` : '';
      this.events.onMessage?.(startMessage(cfg, this.ds, this.engine, total, this.folder.dir) + where);
    }
    // Data-parallel: a stop asked of any rank is shared through each step's figures, so all stop together.
    let stopShared = false;
    const stopAsked = () => (dp ? stopShared : Boolean(signal?.aborted));
    try {
      progress?.write('running', at(), { now: true });
      // A finished run killed before its last export: the generator must match the final checkpoint.
      if (this.step >= total && lead && !exportIsCurrent(this.folder.generatorDir, this.step)) {
        await this.exportGenerator();
        this.events.onMessage?.(`re-exported ${this.folder.generatorDir}: it was not the generator of the final step ${this.step}`);
      }
      while (this.step < total) {
        if (stopAsked()) {
          status = 'stopped';
          break;
        }
        const t0 = performance.now();
        let f = await this.iterate(settings);
        let dt = (performance.now() - t0) / 1000;
        let imgPerSec = B / dt;
        if (dp) {
          const job = await dp.reduceFigures(f, dt, this.localBatch, Boolean(signal?.aborted));
          f = job.figures;
          stopShared = job.stop;
          imgPerSec = job.imgPerSec;
          dt = B / imgPerSec;
          if (progress?.distributed) progress.distributed.ranks = job.rankImgPerSec.map((v, rank) => ({ rank, host: hosts[rank] ?? '?', imgPerSec: v }));
        }
        const w = this.healthMonitor.check(this.step + 1, f); // a NaN throws (data-parallel: on every rank, the figures are the job's)
        if (w && lead) this.events.onWarning?.(w);
        this.parts.ema?.update();
        this.step++;
        this.last = { lossD: f.lossD, lossG: f.lossG, dx: f.dx, dgz1: f.dgz1, dgz2: f.dgz2 };
        progress?.stepTook(dt, imgPerSec);
        const line: MetricsLine = {
          step: this.step, epoch: this.epoch, Loss_D: f.lossD, Loss_G: f.lossG, 'D(x)': f.dx, 'D(G(z))': f.dgz1,
          'D(G(z))_2': f.dgz2, 'img/s': imgPerSec, seconds: this.seconds(), ...this.quality.afterStep(f),
        };
        const last = this.step === total || stopAsked();
        if (this.step % cfg.sampleEvery === 0 || last) {
          await this.runningStats();
          if (lead) {
            const s = await this.sampleGrid();
            progress!.latestSample = s.path;
            Object.assign(line, { diversity: s.diversity }, this.quality.sampleFigures(this.parts.D));
            const w = this.healthMonitor.samples(this.step, s.diversity, s.path);
            if (w) this.events.onWarning?.(w);
          }
        }
        let checkpointed = false;
        if (cfg.evalEvery && (this.step % cfg.evalEvery === 0 || last)) {
          await this.runningStats();
          // Rank 0 evaluates while the others wait at their next collective (within --dist-timeout).
          if (evaluator) {
            const m = await evaluator.evaluate((n, seed) => generateForEval(this.samplingModel(), this.arch, this.classes, n, seed), this.step);
            Object.assign(line, m);
            if (typeof m.fid === 'number' && m.fid < this.bestFid) {
              progress!.latestCheckpoint = this.keepBest(m.fid);
              checkpointed = true;
            }
          }
        }
        if (lead) this.folder.appendMetrics(line);
        if (this.step % cfg.checkpointEvery === 0 || last) {
          await this.runningStats();
          if (lead) {
            if (!checkpointed) progress!.latestCheckpoint = this.checkpoint();
            await this.exportGenerator();
          }
        }
        if (lead) this.events.onStep?.(line, { step: this.step, totalSteps: total, epoch: this.epoch, epochs: this.totalEpochs, etaSeconds: (total - this.step) * progress!.stepTime });
        progress?.write('running', at(), { now: Boolean(last) });
      }
      if (status === 'stopped' && lead && progress!.latestCheckpoint !== this.folder.checkpointDir(this.step)) {
        progress!.latestCheckpoint = this.checkpoint();
        await this.exportGenerator();
      }
      if (status !== 'stopped') status = 'done';
      // No rank leaves before rank 0 has written the end of the run.
      await dp?.barrier();
      progress?.write(status, at(), { message: status === 'stopped' ? `stopped at step ${this.step}; continue with --resume ${this.folder.dir}` : undefined });
    } catch (e) {
      const failure = runFailure(e, this.folder);
      progress?.fail(at(), (failure as Error)?.message ?? String(failure));
      throw failure;
    } finally {
      this.batches.close();
    }
    return { run: this.folder.dir, status, step: this.step, totalSteps: total, last: this.last, engine: this.engine };
  }
}

/**
 * Trains (or resumes) a DCGAN; see TrainOptions (run/knobs.ts) for every knob. The run folder is locked to
 * this trainer meanwhile; a new run that fails before its first step leaves nothing behind. With
 * `dataParallel`, this process is one rank of a data-parallel job (every rank calls train() with the same
 * request): rank 0 opens the run folder and writes it; the others learn the run's config from rank 0.
 */
export async function train(req: TrainRequest = {}, events: TrainEvents = {}, dataParallel?: DataParallel): Promise<TrainResult> {
  const dp = dataParallel?.world === 1 ? undefined : dataParallel;
  let session: OpenedRun;
  if (!dp) {
    session = openRun(req);
  } else if (dp.lead) {
    let opened: OpenedRun | undefined;
    try {
      opened = openRun(req);
      shardSize(opened.cfg.batchSize, dp.world);
    } catch (e) {
      opened?.abandon();
      await dp.fromLead({ error: (e as Error).message }).catch(() => undefined);
      throw e;
    }
    session = opened;
    await dp.fromLead({ cfg: session.cfg });
  } else {
    const got = await dp.fromLead<{ cfg?: TrainConfig; error?: string }>(undefined);
    if (!got.cfg) throw new LeadFailed(`rank ${dp.rank}: rank 0 could not start the run (${got.error ?? 'it said why'})`);
    session = followerSession(got.cfg);
  }
  const t = await Trainer.create(session, req, events, dp);
  try {
    return await t.run(req.signal);
  } catch (e) {
    if (t.isNewAndUntrained(session) && t.lead) session.abandon();
    throw e;
  } finally {
    await t.dispose();
    session.close();
  }
}

/** A data-parallel rank other than 0: the run's config from rank 0, and no hold on the run folder. */
function followerSession(cfg: TrainConfig): OpenedRun {
  return { cfg, folder: new RunFolder(cfg.out), notes: [], abandon: () => undefined, close: () => undefined };
}
