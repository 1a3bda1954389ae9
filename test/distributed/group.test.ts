// The process group with real processes and real sockets on loopback: collective values, a killed peer, a
// stopped peer, a rendezvous nobody answers, and an event loop that keeps running while a collective waits.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addon, bundle, startGroup, start, stopAll, workerEnv, type Proc } from '../../src/testing/dist-helpers.js';
import { loadDist } from '../../src/dist/native.js';

const available = existsSync(addon) && loadDist().ok;
let worker = '';

beforeAll(() => {
  if (available) worker = bundle('dist-worker');
});

it.runIf(process.env.DCGAN_REQUIRE_NATIVE === '1')('has a native engine built with Gloo (CI requires it)', () => {
  const load = loadDist();
  expect(load.ok ? 'ok' : load.reason).toBe('ok');
});

// One pair of processes plays the value scenarios in turn (collectives, TF.js tensors, sync batch norm).
describe.skipIf(!available)('collectives between 2 ranks on loopback', () => {
  let procs: Proc[] = [];
  beforeAll(async () => {
    procs = await startGroup(worker, 'all', 2);
  });
  afterAll(() => stopAll());

  it('all-reduces, broadcasts and gathers exact values', async () => {
    const results = await Promise.all(procs.map((p) => p.event('collectives')));
    for (const [r, res] of results.entries()) {
      // Rank r holds a = [r+1, 10(r+1), -3], b = 2r (2x2), i = [r, 1e6 + r]: every value below is an
      // integer or a half, exact in float32, so equality is exact.
      expect(res.sum).toEqual([[3, 30, -6], [2, 2, 2, 2]]);
      expect(res.sumShape).toEqual([2, 2]);
      expect(res.avg).toEqual([[1.5, 15, -3], [1, 1, 1, 1]]);
      expect(res.max).toEqual([[2, 20, -3]]);
      expect(res.isum).toEqual([[1, 2000001]]);
      expect(res.inPlace).toEqual([2, 2, 2, 2]);
      expect(res.avgInPlace).toEqual([2, -2]);
      // Broadcast from the last rank (1): its a and b as they were before b's in-place sum.
      expect(res.broadcast).toEqual([[2, 20, -3], [2, 2, 2, 2]]);
      expect(res.values).toEqual([1, 1]);
      expect(res.sync).toEqual([2]);
      expect((res.gathered as { rank: number }[]).map((g) => g.rank)).toEqual([0, 1]);
      expect((res.peers as { address: string; meta: { localRank: number } }[]).map((p) => [p.address, p.meta.localRank])).toEqual([['127.0.0.1', 0], ['127.0.0.1', 1]]);
      // Every tensor the scenario made was released (the table holds none of its handles).
      expect((await procs[r]!.event('live')).tensors).toBe(0);
    }
  });

  it('averages and broadcasts TF.js tensors without leaking any', async () => {
    for (const p of procs) {
      const res = await p.event('tensors', 60_000);
      expect(res.avg).toEqual([[[0.5, 1], [2, 3]], [2, 8, 12]]);
      expect(res.shapes).toEqual([[2, 2], [3]]);
      expect(res.bc).toEqual([[[0, 1], [2, 3]], [0, 8, 12]]);
      expect(res.grew).toBe(0);
    }
    // The inputs are unchanged (results are new tensors).
    expect(procs[1]!.events.find((e) => e.event === 'tensors')!.inputs).toEqual([[[1, 1], [2, 3]], [4, 8, 12]]);
  });

  it('synchronizes batch norm: 2 ranks with half the batch each match 1 process with all of it', async () => {
    for (const p of procs) {
      const res = await p.event('syncbn', 60_000);
      expect(res.count).toBe(8 * 3 * 3);  // positions per channel over both ranks
      // Float32 sums in another order (per rank, then combined): values of order 1 agree to ~1e-6; 1e-4
      // leaves room for AVX2 vs AVX-512 reduction orders.
      expect(res.y).toBeLessThan(1e-4);
      expect(res.dGamma).toBeLessThan(1e-5);
      expect(res.dBeta).toBeLessThan(1e-5);
      // x's gradient is ~4e-3 here (a mean over 288 values): compare relative to its scale.
      expect((res.dx as number) / (res.gradScale as number)).toBeLessThan(1e-4);
      expect(res.grew).toBe(0);
    }
    for (const p of procs) expect((await p.exit()).code).toBe(0);
  });
});

describe.skipIf(!available)('failures', () => {
  afterEach(() => stopAll());

  it('rejects the pending collective within seconds naming the peer when it is killed; the loop keeps running', async () => {
    const [p0, p1] = await startGroup(worker, 'loop', 2, { DCGAN_DIST_TIMEOUT: '60' }) as [Proc, Proc];
    await Promise.all([p0.event('looping'), p1.event('looping')]);
    const killedAt = Date.now();
    process.kill(p1.pid, 'SIGKILL');
    const failed = await p0.event('failed', 15_000);
    // The timeout is 60 s: a closed connection must be noticed long before it (a few seconds allow for a
    // loaded machine).
    expect((failed.at as number) - killedAt).toBeLessThan(10_000);
    expect(failed.kind).toBe('closed');
    expect(failed.peer).toBe(1);
    expect(failed.name).toBe('DistError');
    expect(failed.message).toMatch(/^allreduce \(rank 0 of 2\): connection to rank 1 \([^,]+, 127\.0\.0\.1\) closed/);
    expect((failed.message as string).split('\n')).toHaveLength(1);
    // The failed group is destroyed cleanly, and the process exits by itself.
    expect((await p0.event('destroyed')).groups).toBe(0);
    expect((await p0.exit()).code).toBe(0);
    expect(p0.stderr).not.toMatch(/core dumped|Aborted|terminate called/);
  });

  it('aborts a pending collective at once; the broken group refuses more and is destroyed cleanly', async () => {
    const [p0, p1] = await startGroup(worker, 'abort', 2, { DCGAN_DIST_TIMEOUT: '60' }) as [Proc, Proc];
    const aborted = await p0.event('aborted');
    expect(aborted.kind).toBe('aborted');
    expect(aborted.message).toBe('allreduce (rank 0 of 2): aborted (stopping for the test)');
    // The timeout is 60 s: the abort, not Gloo, ended the wait.
    expect(aborted.afterAbortMs).toBeLessThan(2000);
    expect((await p0.event('later')).message).toMatch(/^barrier \(rank 0 of 2\): the group failed earlier \(allreduce \(rank 0 of 2\): aborted/);
    for (const p of [p0, p1]) {
      expect((await p.event('destroyed')).groups).toBe(0);
      expect((await p.exit()).code).toBe(0);
    }
  });

  it('detects a stopped peer within the configured timeout, the event loop ticking meanwhile', async () => {
    // 2 s per collective; the rendezvous may take longer on a loaded machine.
    const [p0, p1] = await startGroup(worker, 'loop', 2, { DCGAN_DIST_TIMEOUT: '2', DCGAN_DIST_RDZV_TIMEOUT: '60' }) as [Proc, Proc];
    await Promise.all([p0.event('looping'), p1.event('looping')]);
    process.kill(p1.pid, 'SIGSTOP');
    const failed = await p0.event('failed', 20_000);
    expect(failed.kind).toBe('timeout');
    expect(failed.peer).toBe(1);
    expect(failed.message).toMatch(/^allreduce \(rank 0 of 2\): rank 1 \([^,]+, 127\.0\.0\.1\) did not answer within 2 s/);
    // Gloo ends the wait at the timeout (2 s); under 2 s + a margin for a loaded machine.
    expect(failed.waitedMs).toBeGreaterThanOrEqual(1900);
    expect(failed.waitedMs).toBeLessThan(8000);
    // A 50 ms timer kept firing while the collective waited: the event loop was never blocked (a third of
    // the ideal count allows for a loaded machine).
    expect(failed.ticksWhileWaiting).toBeGreaterThan((failed.waitedMs as number) / 50 / 3);
    expect((await p0.exit()).code).toBe(0);
    process.kill(p1.pid, 'SIGCONT');
  });

  it('names the lost rank on every survivor of 3, though the survivors also see each other give up', async () => {
    const procs = await startGroup(worker, 'loop', 3, { DCGAN_DIST_TIMEOUT: '60' });
    await Promise.all(procs.map((p) => p.event('looping')));
    const killedAt = Date.now();
    process.kill(procs[1]!.pid, 'SIGKILL');
    for (const r of [0, 2]) {
      const failed = await procs[r]!.event('failed', 20_000);
      // Detection is immediate; the roll call among survivors waits up to 2 s for the missing rank.
      expect((failed.at as number) - killedAt).toBeLessThan(10_000);
      expect(failed.peer).toBe(1);
      expect(failed.lost).toEqual([1]);
      expect(failed.message).toMatch(new RegExp(`^allreduce \\(rank ${r} of 3\\): connection to rank 1 \\([^,]+, 127\\.0\\.0\\.1\\) closed`));
    }
  });

  it('meets through a file store on a shared folder, and refuses a stale store file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dcgan-store-'));
    try {
      const file = join(dir, 'job-1.store');
      const env = (r: number) => workerEnv(r, 2, 0, { DCGAN_DIST_STORE: file, DCGAN_DIST_TIMEOUT: '30' });
      const procs = [0, 1].map((r) => start(process.execPath, [worker, 'collectives'], { env: env(r) }));
      for (const p of procs) expect((await p.event('collectives', 30_000)).sum).toEqual([[3, 30, -6], [2, 2, 2, 2]]);
      for (const p of procs) expect((await p.exit()).code).toBe(0);
      // A job whose rank 1 never came leaves its file behind; the next job on that path must not trust it.
      const stale = join(dir, 'job-2.store');
      const lone = start(process.execPath, [worker, 'collectives'], { env: workerEnv(0, 2, 0, { DCGAN_DIST_STORE: stale, DCGAN_DIST_TIMEOUT: '1' }) });
      expect((await lone.event('join-failed')).message).toMatch(/rank 1 did not join within 1 s/);
      const next = start(process.execPath, [worker, 'collectives'], { env: workerEnv(0, 2, 0, { DCGAN_DIST_STORE: stale, DCGAN_DIST_TIMEOUT: '5' }) });
      const failed = await next.event('join-failed');
      expect(failed.message).toMatch(/^rendezvous \(rank 0 of 2\): another process already joined as rank 0 \(the file store .*job-2\.store\): give every worker its own rank, and every job a fresh store$/);
      expect(failed.elapsedMs).toBeLessThan(4000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails a rendezvous nobody answers within its timeout, with a clear message', async () => {
    // Rank 1 of 2 at a port with no store: nothing listens on port 1 of loopback (a privileged port no
    // test or service here uses).
    const p = start(process.execPath, [worker, 'collectives'], { env: workerEnv(1, 2, 1, { DCGAN_DIST_TIMEOUT: '2' }) });
    const failed = await p.event('join-failed', 20_000);
    expect(failed.kind).toBe('rendezvous');
    expect(failed.message).toMatch(/^rendezvous \(rank 1 of 2\): no store answered at 127\.0\.0\.1:1 within 2 s \(rank 0 hosts it\): start rank 0/);
    expect((failed.message as string).split('\n')).toHaveLength(1);
    expect(failed.elapsedMs).toBeLessThan(8000);
    const exit = await p.exit();
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('names the ranks that never joined when rank 0 waits for them', async () => {
    const p = start(process.execPath, [worker, 'collectives'], { env: workerEnv(0, 3, 0, { DCGAN_DIST_TIMEOUT: '1.5' }) });
    const failed = await p.event('join-failed', 20_000);
    expect(failed.message).toMatch(/^rendezvous \(rank 0 of 3\): ranks 1, 2 did not join within 1\.5 s/);
    expect((await p.exit()).code).toBe(0);
  });
});
