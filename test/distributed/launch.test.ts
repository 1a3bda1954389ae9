// The launcher with real worker processes: the environment contract, a port handed from rank 0 to the
// others, and supervision: a killed worker stops the rest, a signalled or killed launcher leaves no orphans.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { addon, alive, bundle, gone, start, stopAll, type Proc } from '../../src/testing/dist-helpers.js';
import { loadDist } from '../../src/dist/native.js';

const available = existsSync(addon) && loadDist().ok;
let worker = '', launcher = '';
const leftovers: number[] = [];

beforeAll(() => {
  worker = bundle('dist-worker');
  launcher = bundle('dist-launcher');
});
afterEach(() => {
  stopAll(leftovers);
  leftovers.length = 0;
});

function startLauncher(scenario: string, flags: string[]): Proc {
  return start(process.execPath, [launcher, worker, scenario, ...flags], { env: { ...process.env, DCGAN_ADDON: addon } });
}

/** The workers' own JSON lines, as the launcher relayed them. */
function workerEvents(l: Proc, name: string): Record<string, unknown>[] {
  return l.events.filter((e) => e.event === 'output').flatMap((e) => {
    try {
      const inner = JSON.parse(e.line as string) as Record<string, unknown>;
      return inner.event === name ? [{ ...inner, rank: e.rank }] : [];
    } catch {
      return [];
    }
  });
}

async function holding(l: Proc, n: number): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + 20_000;
  while (workerEvents(l, 'holding').length < n) {
    if (Date.now() > deadline) throw new Error(`workers did not start: ${JSON.stringify(l.events)} ${l.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const hs = workerEvents(l, 'holding');
  for (const h of hs) leftovers.push(h.pid as number, h.grandchild as number);
  return hs;
}

describe('launcher', () => {
  it('gives each worker the torchrun environment and cores / N threads', async () => {
    const l = startLauncher('hold', ['--nproc', '2', '--master', '127.0.0.1:29999']);
    const hs = (await holding(l, 2)).sort((a, b) => (a.rank as number) - (b.rank as number));
    const threads = String(Math.max(1, Math.floor(availableParallelism() / 2)));
    expect(hs.map((h) => h.env)).toEqual([0, 1].map((r) => ({
      RANK: String(r), WORLD_SIZE: '2', LOCAL_RANK: String(r), LOCAL_WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '29999',
    })));
    expect(hs.map((h) => h.threads)).toEqual([threads, threads]);
    process.kill(l.pid, 'SIGTERM');
    expect((await l.exit()).code).toBe(128 + 15);
  });

  it('stops the other workers within seconds when one is killed, names it, exits non-zero, leaves no orphans', async () => {
    const l = startLauncher('hold', ['--nproc', '2', '--master', '127.0.0.1:29999', '--kill-grace', '3000']);
    const hs = await holding(l, 2);
    const victim = hs.find((h) => h.rank === 1)!;
    const killedAt = Date.now();
    process.kill(victim.pid as number, 'SIGKILL');
    const result = await l.event('result', 15_000);
    // SIGTERM ends an idle Node worker at once; the 3 s grace before SIGKILL bounds it otherwise.
    expect((result.at as number) - killedAt).toBeLessThan(8000);
    expect(result.exitCode).toBe(1);
    expect(result.failure).toMatch(new RegExp(`^rank 1 on \\S+ \\(pid ${victim.pid}\\) was killed by SIGKILL; stopping the other 1 worker on this machine$`));
    expect(l.stderr.trim().split('\n')).toEqual([`dcgan: ${result.failure as string}`]);
    expect((await l.exit()).code).toBe(1);
    // Workers and what they started (a grandchild each) are all gone.
    expect(await gone(hs.flatMap((h) => [h.pid as number, h.grandchild as number]), 3000)).toEqual([]);
  });

  it('stops every worker on SIGTERM and exits 143; a killed launcher takes its workers with it', async () => {
    const l = startLauncher('hold', ['--nproc', '2', '--master', '127.0.0.1:29999']);
    const hs = await holding(l, 2);
    process.kill(l.pid, 'SIGTERM');
    expect((await l.exit()).code).toBe(143);
    expect(await gone(hs.flatMap((h) => [h.pid as number, h.grandchild as number]), 3000)).toEqual([]);

    // SIGKILL cannot be handled: each worker notices its parent is gone (checked every 200 ms here) and
    // ends its process group.
    const k = startLauncher('hold', ['--nproc', '2', '--master', '127.0.0.1:29999']);
    const ks = await holding(k, 2);
    process.kill(k.pid, 'SIGKILL');
    await k.exit();
    expect(await gone(ks.flatMap((h) => [h.pid as number, h.grandchild as number]), 5000)).toEqual([]);
  });

  it.skipIf(!available)('hands rank 0\'s port to the others and runs a real job to exit 0', async () => {
    const l = startLauncher('collectives', ['--nproc', '2', '--dist-timeout', '30']);
    const result = await l.event('result', 60_000);
    expect(result.exitCode).toBe(0);
    const done = workerEvents(l, 'collectives');
    expect(done.map((d) => d.sum)).toEqual([[[3, 30, -6], [2, 2, 2, 2]], [[3, 30, -6], [2, 2, 2, 2]]]);
    expect((result.workers as { code: number }[]).map((w) => w.code)).toEqual([0, 0]);
    expect((await l.exit()).code).toBe(0);
    expect(alive(l.pid)).toBe(false);
  });
});
