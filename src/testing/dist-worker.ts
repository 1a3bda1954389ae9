// A worker process for the distributed tests (bundled by dist-helpers.ts): joins a process group from the
// torchrun environment and plays one scenario, reporting JSON lines on stdout.
//   node dist-worker.cjs SCENARIO
import { workerFromEnv } from '../dist/config.js';
import { DistError } from '../dist/errors.js';
import type { ProcessGroup } from '../dist/group.js';
import { loadDist } from '../dist/native.js';
import { joinJob, watchLauncher } from '../dist/worker.js';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';

const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function failure(e: unknown): Record<string, unknown> {
  const d = e instanceof DistError ? e : null;
  return { message: (e as Error).message, kind: d?.kind, peer: d?.peer, lost: d?.lost, name: (e as Error).name };
}

async function join(): Promise<ProcessGroup> {
  const worker = workerFromEnv(process.env);
  watchLauncher(worker, 200);
  return joinJob(worker, { onListening: (port) => say({ event: 'listening', port }) });
}

async function collectives(g: ProcessGroup): Promise<void> {
  const { aten } = loadDist() as Extract<ReturnType<typeof loadDist>, { ok: true }>;
  const r = g.rank, w = g.world;
  // Integers as floats: sums and halves of small integers are exact in float32.
  const a = aten.upload(new Float32Array([r + 1, 10 * (r + 1), -3]), [3], 'float32');
  const b = aten.upload(new Float32Array([2 * r, 2 * r, 2 * r, 2 * r]), [2, 2], 'float32');
  const i = aten.upload(new Int32Array([r, 1000000 + r]), [2], 'int32');
  const sum = (await g.allreduceHandles([a, b], 'sum'))!;
  const avg = (await g.allreduceHandles([a, b], 'avg'))!;
  const max = (await g.allreduceHandles([a], 'max'))!;
  const isum = (await g.allreduceHandles([i], 'sum'))!;
  await g.allreduceHandles([b], 'sum', true);  // in place
  const c = aten.upload(new Float32Array([2 * r + 1, -4 * r]), [2], 'float32');
  await g.allreduceHandles([c], 'avg', true);  // in place, divided where it is
  const bc = (await g.broadcastHandles([a, b], w - 1))!;
  const values = await g.allreduceValues(new Float32Array([r, 0.5]), 'sum');
  const sync = g.allreduceValuesSync(new Float32Array([r + 1]), 'max');
  const gathered = await g.allgather({ rank: r, host: g.peers[r]!.hostname });
  await g.barrier();
  const dl = (h: number) => Array.from(aten.download(h));
  say({
    event: 'collectives',
    sum: sum.map(dl), sumShape: aten.shapeOf(sum[1]!), avg: avg.map(dl), max: max.map(dl), isum: isum.map(dl), inPlace: dl(b), avgInPlace: dl(c),
    broadcast: bc.map(dl), values: Array.from(values), sync: Array.from(sync), gathered,
    peers: g.peers.map((p) => ({ rank: p.rank, address: p.address, meta: p.meta })),
  });
  for (const h of [a, b, c, i, ...sum, ...avg, ...max, ...isum, ...bc]) aten.release(h);
  say({ event: 'live', tensors: aten.liveTensors() });
}

// Collectives on TF.js tensors of the aten backend: values, shapes, and no tensor leaked.
async function tensors(g: ProcessGroup): Promise<void> {
  const { initEngine } = await import('../engine/index.js');
  await initEngine({ backend: 'aten', threads: 1 });
  const xs = [tf.tensor2d([[g.rank, 1], [2, 3]]), tf.tensor1d([g.rank * 4, 8, 12])];
  const before = tf.memory().numTensors;
  const avg = await g.allreduce(xs, 'avg');
  const bc = await g.broadcast(xs, 0);
  const result = { avg: avg.map((t) => t.arraySync()), shapes: avg.map((t) => t.shape), bc: bc.map((t) => t.arraySync()), inputs: xs.map((t) => t.arraySync()) };
  tf.dispose([...avg, ...bc]);
  say({ event: 'tensors', ...result, grew: tf.memory().numTensors - before });
}

// Synchronized batch norm on half the batch each against one process's batch norm on the whole batch
// (the project's own kernel), forward and backward through the trainer's valueAndGrads.
async function syncbn(g: ProcessGroup): Promise<void> {
  const { initEngine } = await import('../engine/index.js');
  const { batchNormTrain } = await import('../engine/custom-kernels.js');
  const { valueAndGrads } = await import('../train/gradients.js');
  const { syncBatchNorm } = await import('../dist/sync-batch-norm.js');
  await initEngine({ backend: 'aten', threads: 1 });
  const [N, H, W, C] = [8, 3, 3, 4], per = N / g.world, eps = 1e-5;
  // The same pseudo-random batch on every rank (mean 3, so that a cancelling variance formula would show).
  let seed = 12345;
  const rand = (n: number, offset: number, scale: number) => Float32Array.from({ length: n }, () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return offset + scale * (seed / 2147483648 - 0.5);
  });
  const full = tf.tensor4d(rand(N * H * W * C, 3, 4), [N, H, W, C]);
  const weights = tf.tensor4d(rand(N * H * W * C, 0, 2), [N, H, W, C]);
  const gamma = tf.variable(tf.tensor1d(rand(C, 1, 0.5)), true, 'gamma');
  const beta = tf.variable(tf.tensor1d(rand(C, 0, 0.5)), true, 'beta');
  const slice = (t: tf.Tensor4D) => tf.slice(t, [g.rank * per, 0, 0, 0], [per, -1, -1, -1]);

  // One process, the whole batch: L = mean(y * weights).
  const xFull = tf.variable(full, true, 'xFull');
  const ref = valueAndGrads(() => {
    const r = batchNormTrain(xFull, gamma, beta, eps);
    tf.dispose([r.mean, r.variance]);
    return tf.mean(tf.mul(r.y, weights)) as tf.Scalar;
  }, [xFull, gamma, beta]);
  const yRef = tf.tidy(() => batchNormTrain(xFull, gamma, beta, eps).y);

  const step = () => {
    // This rank, its half: L_r = mean(y_r * weights_r); the job's loss is the ranks' average.
    const init = slice(full);
    const x = tf.variable(init, true, `x${g.rank}`);
    init.dispose();
    const wr = slice(weights);
    let y: tf.Tensor | undefined, count = 0;
    const mine = valueAndGrads(() => {
      const r = syncBatchNorm(g, x, gamma, beta, eps);
      y = tf.keep(r.y);
      count = r.count;
      tf.dispose([r.mean, r.variance]);
      return tf.mean(tf.mul(r.y, wr)) as tf.Scalar;
    }, [x, gamma, beta]);
    return { x, wr, y: y!, count, mine };
  };
  const first = step();
  const [dx, dGamma, dBeta] = first.mine.grads as [tf.Tensor, tf.Tensor, tf.Tensor];
  // DDP averages gamma's and beta's gradients across ranks; x's is the sum of the ranks' losses' (world x
  // the average's).
  const [dGammaAvg, dBetaAvg] = await g.allreduce([dGamma, dBeta], 'avg');
  const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
  const result = {
    count: first.count,
    y: maxDiff(first.y, slice(yRef as tf.Tensor4D)),
    dx: maxDiff(tf.div(dx, g.world), slice(ref.grads[0] as tf.Tensor4D)),
    dGamma: maxDiff(dGammaAvg!, ref.grads[1]!),
    dBeta: maxDiff(dBetaAvg!, ref.grads[2]!),
    gradScale: tf.tidy(() => tf.max(tf.abs(ref.grads[0]!)).dataSync()[0]),
  };
  tf.dispose([first.x, first.wr, first.y, first.mine.value, ...first.mine.grads, dGammaAvg!, dBetaAvg!]);
  // A second step leaves no tensor behind.
  const before = tf.memory().numTensors;
  const again = step();
  tf.dispose([again.x, again.wr, again.y, again.mine.value, ...again.mine.grads]);
  say({ event: 'syncbn', ...result, grew: tf.memory().numTensors - before });
}

// Collectives in a loop, a timer ticking beside them, until one fails (a peer killed or stopped by the
// test); bounded by `seconds`.
async function loop(g: ProcessGroup, seconds: number): Promise<void> {
  let ticks = 0;
  const timer = setInterval(() => { ticks++; }, 50);
  const end = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < end) {
    const t0 = Date.now(), ticks0 = ticks;
    try {
      await g.allreduceValues(new Float32Array([1]), 'sum');
    } catch (e) {
      say({ event: 'failed', ...failure(e), waitedMs: Date.now() - t0, ticksWhileWaiting: ticks - ticks0, iterations: n });
      clearInterval(timer);
      await g.destroy();
      say({ event: 'destroyed', groups: (loadDist() as { dist: { distGroups(): number } }).dist.distGroups() });
      return;
    }
    if (n++ === 0) say({ event: 'looping' });
    await sleep(10);
  }
  clearInterval(timer);
  say({ event: 'loop-ended', iterations: n });
}

// Rank 0 starts a collective rank 1 never joins, then aborts it; both destroy their group.
async function abort(g: ProcessGroup): Promise<void> {
  if (g.rank === 0) {
    const t0 = Date.now();
    const pending = g.allreduceValues(new Float32Array([1])).then(() => null, (e: unknown) => e);
    await sleep(300);
    const abortedAt = Date.now();
    g.abort('stopping for the test');
    const e = await pending;
    say({ event: 'aborted', ...failure(e), afterAbortMs: Date.now() - abortedAt, waitedMs: Date.now() - t0 });
    const later = await g.barrier().then(() => null, (x: unknown) => x);
    say({ event: 'later', ...failure(later) });
  } else {
    await sleep(1500);
  }
  const t = Date.now();
  await g.destroy();
  say({ event: 'destroyed', ms: Date.now() - t, groups: (loadDist() as { dist: { distGroups(): number } }).dist.distGroups() });
}

// Data-parallel GAN steps as the trainer runs them (DataParallel over this group, sharded batches, the GAN
// step with gradients averaged): rank 1 starts from other weights (rank 0's broadcast must replace them);
// after every step each rank reports a digest of all its weights and its live tensor count.
function digestOf(models: { weights: { read(): tf.Tensor }[] }[]): string {
  const h = createHash('sha256');
  for (const m of models) for (const w of m.weights) h.update(Buffer.from((w.read().dataSync() as Float32Array).buffer));
  return h.digest('hex');
}

async function trainSteps(g: ProcessGroup): Promise<void> {
  const { initEngine } = await import('../engine/index.js');
  const { resolveConfig, architectureOf } = await import('../run/config.js');
  const { loadDataset, Batches } = await import('../data/index.js');
  const { buildGenerator, buildDiscriminator } = await import('../model/build.js');
  const { makeOptimizer } = await import('../train/optimizers.js');
  const { ganStep } = await import('../train/step.js');
  const { DataParallel } = await import('../train/data-parallel.js');
  const { Rng } = await import('../util/rng.js');
  await initEngine({ backend: 'aten', threads: 1 });
  const steps = Number(process.env.STEPS ?? 4), B = 8, b = B / g.world;
  const cfg = resolveConfig({ data: 'fake:28x28x1', batchSize: B, preset: 'dcgan28' });
  const ds = await loadDataset('fake:28x28x1', { count: 64, seed: 1 });
  const arch = architectureOf(cfg, 1);
  const seed = 1 + g.rank;  // different start on each rank
  const parts = {
    G: buildGenerator(arch, { seed, classes: 0 }), D: buildDiscriminator(arch, { seed, classes: 0 }),
    optG: makeOptimizer({ kind: 'adam', lr: 2e-4, beta1: 0.5, beta2: 0.999 }), optD: makeOptimizer({ kind: 'adam', lr: 2e-4, beta1: 0.5, beta2: 0.999 }),
  };
  const dp = new DataParallel(g);
  dp.attach([parts.G, parts.D], process.env.SYNC_BN === '1');
  const own = digestOf([parts.G, parts.D]);
  await dp.broadcastParts(parts);
  const batches = new Batches(ds, { batchSize: B, seed: 1, shard: { rank: g.rank, world: g.world } });
  const rng = new Rng(7);
  const digest = () => digestOf([parts.G, parts.D]);
  const settings = { dOutput: arch.dOutput, dBatch: 'separate' as const, gSteps: 1, classes: 0 };
  let before = 0;
  say({ event: 'step', step: 0, own, digest: digest(), tensors: tf.memory().numTensors });
  for (let s = 1; s <= steps; s++) {
    const batch = await batches.next();
    const z = rng.latent(B * arch.nz, arch.latent).subarray(g.rank * b * arch.nz, (g.rank + 1) * b * arch.nz);
    const real = tf.tensor4d(batch.images, batch.shape), zt = tf.tensor2d(z, [b, arch.nz]);
    const rt = tf.ones([b, 1]), ft = tf.zeros([b, 1]);
    const f = dp.step(() => ganStep({ ...parts, reduceGrads: dp.reduceGrads }, { real, z: [zt], realTarget: rt, fakeTarget: ft }, settings));
    tf.dispose([real, zt, rt, ft]);
    await dp.averageRunningStats(parts);
    const job = await dp.reduceFigures(f, 0.1, b, false);
    const tensors = tf.memory().numTensors;
    if (s === 1) before = tensors;
    say({ event: 'step', step: s, digest: digest(), tensors, grew: tensors - before, lossD: job.figures.lossD, rows: batch.shape[0] });
  }
  batches.close();
}

async function main(): Promise<void> {
  const scenario = process.argv[2] ?? 'collectives';
  if (scenario === 'hold') {
    // Launcher tests: no group; a grandchild in the same process group; lives until stopped (bounded).
    const worker = workerFromEnv(process.env);
    watchLauncher(worker, 200);
    const grandchild = spawn('sleep', ['60'], { stdio: 'ignore' });
    say({ event: 'holding', rank: worker.rank, pid: process.pid, grandchild: grandchild.pid, threads: process.env.DCGAN_THREADS, env: {
      RANK: process.env.RANK, WORLD_SIZE: process.env.WORLD_SIZE, LOCAL_RANK: process.env.LOCAL_RANK, LOCAL_WORLD_SIZE: process.env.LOCAL_WORLD_SIZE,
      MASTER_ADDR: process.env.MASTER_ADDR, MASTER_PORT: process.env.MASTER_PORT } });
    if (process.env.EXIT_AFTER_MS) {
      await sleep(Number(process.env.EXIT_AFTER_MS));
      process.exit(Number(process.env.EXIT_CODE ?? 0));
    }
    await sleep(60_000);
    return;
  }
  const t0 = Date.now();
  let g: ProcessGroup;
  try {
    g = await join();
  } catch (e) {
    say({ event: 'join-failed', ...failure(e), elapsedMs: Date.now() - t0 });
    return;
  }
  say({ event: 'joined', rank: g.rank, world: g.world, device: g.device });
  if (scenario === 'collectives') await collectives(g);
  else if (scenario === 'all') {
    // One group for the value tests: collectives, then TF.js tensors, then synchronized batch norm.
    await collectives(g);
    await tensors(g);
    await syncbn(g);
  }
  else if (scenario === 'loop') await loop(g, Number(process.env.LOOP_SECONDS ?? 30));
  else if (scenario === 'abort') await abort(g);
  else if (scenario === 'train-steps') await trainSteps(g);
  if (scenario !== 'loop' && scenario !== 'abort') await g.destroy();
  say({ event: 'done' });
}

main().catch((e) => {
  say({ event: 'crashed', message: (e as Error).stack });
  process.exitCode = 1;
});
