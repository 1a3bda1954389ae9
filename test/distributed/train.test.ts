// Data-parallel training end to end, with real processes and sockets on loopback: ranks that stay bitwise
// identical, 2 ranks with --sync-bn matching 1 process with the whole batch, exact resume, a killed worker,
// and a rendezvous nobody answers.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { addon, alive, bundle, gone, start, startGroup, stopAll, type Proc } from '../../src/testing/dist-helpers.js';
import { loadDist } from '../../src/dist/native.js';
import { newestIntactCheckpoint } from '../../src/run/checkpoint.js';
import { readTensorIndex } from '../../src/run/tensor-file.js';
import { bin, tempDir } from '../helpers.js';

const available = existsSync(addon) && loadDist().ok;
let worker = '';

beforeAll(() => {
  if (available) worker = bundle('dist-worker');
});
afterEach(() => stopAll());

/** Every float of a checkpoint's G and D weights (trainable and running statistics), by tensor name. */
function weights(dir: string): Map<string, Float32Array> {
  const index = readTensorIndex(dir);
  const bytes = readFileSync(index.binPath);
  const out = new Map<string, Float32Array>();
  for (const [name, e] of Object.entries(index.tensors)) {
    if (!/^[GD]\//.test(name)) continue;
    const n = e.shape.reduce((a, b) => a * b, 1);
    out.set(name, new Float32Array(bytes.buffer.slice(bytes.byteOffset + e.offset, bytes.byteOffset + e.offset + 4 * n)));
  }
  return out;
}

/** The largest absolute difference between two checkpoints' trainable weights (not the running statistics). */
function maxDiff(a: string, b: string): number {
  const wa = weights(a), wb = weights(b);
  let m = 0;
  for (const [name, x] of wa) {
    if (/moving_/.test(name)) continue;
    const y = wb.get(name)!;
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  }
  return m;
}

function bitwiseEqual(a: string, b: string): boolean {
  const wa = weights(a), wb = weights(b);
  return [...wa].every(([name, x]) => Buffer.compare(Buffer.from(x.buffer), Buffer.from(wb.get(name)!.buffer)) === 0);
}

/** Runs `dcgan train` to its end (the caller's flags after a small fake-data run's). */
async function trainRun(out: string, ...flags: string[]): Promise<Proc> {
  const p = start(process.execPath, [bin, 'train', '--data', 'fake:28x28x1', '--batch-size', '8', '--sample-every', '1000',
    '--out', out, ...flags], { env: { ...process.env, DCGAN_THREADS: '1' } });
  const e = await p.exit(120_000);
  if (e.code !== 0) throw new Error(`dcgan train ${flags.join(' ')} exited ${e.code ?? e.signal}: ${p.stderr}`);
  return p;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The worker processes a launcher started (its children), with their RANK. */
function workersOf(launcherPid: number): { pid: number; rank: number }[] {
  const out: { pid: number; rank: number }[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== launcherPid) continue;
      const rank = /(?:^|\0)RANK=(\d+)/.exec(readFileSync(`/proc/${d}/environ`, 'utf8'));
      if (rank) out.push({ pid: Number(d), rank: Number(rank[1]) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describe.skipIf(!available)('data-parallel training', () => {
  it('starts every rank from rank 0\'s weights and keeps them bitwise identical after every step, no tensor leaked', async () => {
    const procs = await startGroup(worker, 'train-steps', 2, { STEPS: '4' });
    for (const p of procs) await p.event('done', 60_000);
    const steps = procs.map((p) => p.events.filter((e) => e.event === 'step'));
    // Rank 1 built its models from another seed: only the broadcast makes them equal.
    expect(steps[0]![0]!.own).not.toBe(steps[1]![0]!.own);
    for (let s = 0; s <= 4; s++) {
      expect(steps[0]![s]!.digest, `step ${s}`).toBe(steps[1]![s]!.digest);
      // Each rank trained on its half of the global batch of 8.
      if (s > 0) expect(steps.map((r) => r[s]!.rows)).toEqual([4, 4]);
    }
    // The weights moved (the digests are of training weights, not of something constant).
    expect(steps[0]![4]!.digest).not.toBe(steps[0]![0]!.digest);
    // Same figures on every rank (averaged), and no tensor left behind by a step after the first.
    expect(steps[0]![4]!.lossD).toBe(steps[1]![4]!.lossD);
    for (const r of steps) expect(r.slice(2).map((e) => e.grew)).toEqual([0, 0, 0]);
    for (const p of procs) expect((await p.exit()).code).toBe(0);
  });

  it('2 ranks with --sync-bn and half the batch each end where 1 process with the whole batch does; resume is exact (and re-shards on another world size)', async () => {
    const dir = tempDir('dcgan-dist-train-');
    const one = join(dir, 'one'), sync = join(dir, 'sync'), own = join(dir, 'own'), cut = join(dir, 'cut');
    const last = 'checkpoints/step-0000004';
    // SGD, not Adam: Adam divides each gradient by its own RMS, so a weight whose true gradient is zero (one
    // feeding a BatchNorm along the normalised direction) moves by about +-lr whatever rounding noise its
    // gradient holds; sums taken in another order then show as differences of order lr. Plain momentum SGD
    // keeps rounding differences at rounding size.
    const sgd = ['--optimizer', 'sgd-nesterov'];
    await trainRun(one, '--max-steps', '4', '--checkpoint-every', '2', ...sgd);
    const p = await trainRun(sync, '--max-steps', '4', '--checkpoint-every', '2', '--nproc', '2', '--sync-bn', ...sgd);
    expect(p.events.map((e) => e.text).join('\n')).toMatch(/2 ranks \(4 images each, BatchNorm synchronized\)/);
    await trainRun(own, '--max-steps', '4', '--checkpoint-every', '2', '--nproc', '2', ...sgd);
    const synced = maxDiff(join(one, last), join(sync, last)), perRank = maxDiff(join(one, last), join(own, last));
    // The same math with float32 sums in another order: BatchNorm statistics and gradients summed as two
    // halves. Most weights then agree to ~1e-8 after a step (measured 7e-9 after one); a gradient that is a
    // cancelling sum of ~1e5 terms (a bias's) carries a relative error up to ~1e-3 of itself, and the GAN's
    // two players feed such differences back into each other: measured 7e-6 after 4 steps (AVX-512), so
    // 3e-5 leaves room for other kernels. The real difference of per-rank BatchNorm (statistics of 4 images,
    // not 8: another function) is ~1e-3 (measured 1e-3), which must stay far above that.
    expect(synced).toBeLessThan(3e-5);
    expect(perRank).toBeGreaterThan(10 * 3e-5);
    // Progress says who trained.
    const progress = JSON.parse(readFileSync(join(sync, 'progress.json'), 'utf8')) as { status: string; distributed: { world: number; hosts: string[]; ranks: unknown[] } };
    expect(progress.status).toBe('done');
    expect(progress.distributed.world).toBe(2);
    expect(progress.distributed.ranks).toHaveLength(2);
    // Stopped at step 2 and resumed on the same world size: the same weights, bit for bit.
    await trainRun(cut, '--max-steps', '2', '--nproc', '2', '--sync-bn', ...sgd);
    await trainRun(cut, '--resume', cut, '--max-steps', '4', '--nproc', '2');
    expect(bitwiseEqual(join(sync, last), join(cut, last))).toBe(true);
    // On another world size: the same global batch and order, re-sharded, and the run says so.
    const one2 = await trainRun(sync, '--resume', sync, '--max-steps', '5');
    expect(one2.events.map((e) => e.text).join('\n')).toMatch(/written by 2 ranks and this run has 1: the same global batch of 8 and data order, re-sharded/);
  });

  it('a killed worker stops the job within seconds, named; progress.json says failed; the last checkpoint is intact; no process left', async () => {
    const dir = tempDir('dcgan-dist-kill-'), out = join(dir, 'run');
    const l = start(process.execPath, [bin, 'train', '--data', 'fake:28x28x1', '--batch-size', '8', '--max-steps', '5000',
      '--checkpoint-every', '3', '--sample-every', '1000', '--out', out, '--nproc', '2'], { env: { ...process.env, DCGAN_THREADS: '1' } });
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(out, 'checkpoints', 'step-0000003'))) {
      if (Date.now() > deadline || !alive(l.pid)) throw new Error(`no checkpoint: ${l.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const ws = workersOf(l.pid);
    expect(ws.map((w) => w.rank).sort()).toEqual([0, 1]);
    const victim = ws.find((w) => w.rank === 1)!;
    const killedAt = Date.now();
    process.kill(victim.pid, 'SIGKILL');
    const exit = await l.exit(20_000);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(exit.code).toBe(1);
    expect(l.stderr).toMatch(new RegExp(`rank 1 on \\S+ \\(pid ${victim.pid}\\) was killed by SIGKILL`));
    expect(l.stderr).not.toMatch(/\n\s+at /);  // no stack trace
    const progress = JSON.parse(readFileSync(join(out, 'progress.json'), 'utf8')) as { status: string; message: string };
    expect(progress.status).toBe('failed');
    expect(progress.message).toMatch(/rank 1/);
    expect(newestIntactCheckpoint(join(out, 'checkpoints'))).toBeDefined();
    expect(await gone(ws.map((w) => w.pid), 3000)).toEqual([]);
  });

  it('a stopped (hung) worker is detected within --dist-timeout: named, progress.json failed, no process left', async () => {
    const dir = tempDir('dcgan-dist-hang-'), out = join(dir, 'run');
    const l = start(process.execPath, [bin, 'train', '--data', 'fake:28x28x1', '--batch-size', '8', '--max-steps', '5000',
      '--checkpoint-every', '3', '--sample-every', '1000', '--out', out, '--nproc', '2', '--dist-timeout', '3'], { env: { ...process.env, DCGAN_THREADS: '1' } });
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(out, 'checkpoints', 'step-0000003'))) {
      if (Date.now() > deadline || !alive(l.pid)) throw new Error(`no checkpoint: ${l.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const ws = workersOf(l.pid);
    const victim = ws.find((w) => w.rank === 1)!;
    const stoppedAt = Date.now();
    process.kill(victim.pid, 'SIGSTOP');
    const exit = await l.exit(30_000);
    // 3 s of timeout, then the launcher's 5 s grace before it SIGKILLs the stopped worker.
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    expect(exit.code).toBe(1);
    expect(l.stderr).toMatch(/rank 1 \(\S+, [\d.]+\) did not answer within 3 s/);
    const progress = JSON.parse(readFileSync(join(out, 'progress.json'), 'utf8')) as { status: string; message: string };
    expect(progress.status).toBe('failed');
    expect(progress.message).toMatch(/rank 1/);
    expect(newestIntactCheckpoint(join(out, 'checkpoints'))).toBeDefined();
    expect(await gone(ws.map((w) => w.pid), 3000)).toEqual([]);
  });

  it('Ctrl-C to the launcher stops every rank after the same step, with a checkpoint; exit 130', async () => {
    const dir = tempDir('dcgan-dist-stop-'), out = join(dir, 'run');
    const l = start(process.execPath, [bin, 'train', '--data', 'fake:28x28x1', '--batch-size', '8', '--max-steps', '5000',
      '--checkpoint-every', '2', '--sample-every', '1000', '--out', out, '--nproc', '2'], { env: { ...process.env, DCGAN_THREADS: '1' } });
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(out, 'checkpoints', 'step-0000002'))) {
      if (Date.now() > deadline || !alive(l.pid)) throw new Error(`no checkpoint: ${l.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const ws = workersOf(l.pid);
    process.kill(l.pid, 'SIGINT');
    expect((await l.exit(30_000)).code).toBe(130);
    const progress = JSON.parse(readFileSync(join(out, 'progress.json'), 'utf8')) as { status: string; step: number };
    expect(progress.status).toBe('stopped');
    expect(newestIntactCheckpoint(join(out, 'checkpoints'))).toBe(join(out, 'checkpoints', `step-${String(progress.step).padStart(7, '0')}`));
    expect(await gone(ws.map((w) => w.pid), 3000)).toEqual([]);
  });

  it('a worker whose rendezvous nobody answers fails within its timeout with one clear line', async () => {
    const port = await freePort();
    const dir = tempDir('dcgan-dist-rdzv-');
    const t0 = Date.now();
    const p = start(process.execPath, [bin, 'train', '--data', 'fake:28x28x1', '--batch-size', '8', '--max-steps', '2', '--out', join(dir, 'run')], {
      env: { ...process.env, RANK: '1', WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), DCGAN_DIST_TIMEOUT: '2', DCGAN_THREADS: '1' },
    });
    const exit = await p.exit(30_000);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(exit.code).toBe(1);
    const lines = p.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`rendezvous \\(rank 1 of 2\\).*127\\.0\\.0\\.1:${port}.*2 s`));
    expect(existsSync(join(dir, 'run'))).toBe(false);
  });

  it('a global batch that does not split across the ranks is one line listing the valid sizes', async () => {
    const dir = tempDir('dcgan-dist-split-');
    const p = start(process.execPath, [bin, 'train', '--data', 'fake:28x28x1', '--batch-size', '9', '--max-steps', '2', '--nproc', '2', '--out', join(dir, 'run')]);
    expect((await p.exit(30_000)).code).toBe(1);
    expect(p.stderr.trim().split('\n')).toEqual(['dcgan train: --batch-size 9 is the global batch and does not split evenly across 2 ranks; use a multiple of 2: 8 or 10']);
    expect(existsSync(join(dir, 'run'))).toBe(false);
  });
});
