// Two "hosts" on one machine: two network namespaces joined by a veth pair, one rank in each, the
// rendezvous and the collectives over the veth, Gloo bound by interface name and by address. The test makes
// the namespaces and always deletes them; it needs root (ip netns), and skips saying so otherwise.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addon, bundle, start, stopAll, workerEnv, type Proc } from '../../src/testing/dist-helpers.js';
import { loadDist } from '../../src/dist/native.js';
import { bin } from '../helpers.js';

function canMakeNamespaces(): string | null {
  if (process.getuid?.() !== 0) return 'not root: ip netns needs it';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  } catch {
    return 'the ip command (iproute2) is missing or cannot list network namespaces';
  }
  return null;
}

const cannot = canMakeNamespaces();
const available = existsSync(addon) && loadDist().ok;
if (cannot) console.warn(`skipping the two-host tests: ${cannot}`);

// Names unique to this run (interface names have at most 15 characters); a subnet of 10.0.0.0/8 that
// nothing here routes.
const tag = (process.pid % 100000).toString(36);
const ns = [`dcgan-${tag}-a`, `dcgan-${tag}-b`];
const veth = [`dcv${tag}a`, `dcv${tag}b`];
const net = `10.${200 + (process.pid % 50)}.${process.pid % 250}`;
const addr = [`${net}.1`, `${net}.2`];
let worker = '', launcher = '';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
}

function teardown(): void {
  for (const n of ns) {
    try {
      ip('netns', 'del', n);
    } catch {
      // not there
    }
  }
}

function inHost(h: number, scenario: string, env: NodeJS.ProcessEnv): Proc {
  // `ip netns exec` execs node in place: the pid is node's.
  return start('ip', ['netns', 'exec', ns[h]!, process.execPath, worker, scenario], { env });
}

describe.skipIf(cannot !== null || !available)('two hosts (network namespaces joined by a veth pair)', () => {
  beforeAll(() => {
    worker = bundle('dist-worker');
    launcher = bundle('dist-launcher');
    teardown();
    ip('netns', 'add', ns[0]!);
    ip('netns', 'add', ns[1]!);
    ip('link', 'add', veth[0]!, 'netns', ns[0]!, 'type', 'veth', 'peer', 'name', veth[1]!, 'netns', ns[1]!);
    for (const h of [0, 1]) {
      ip('-n', ns[h]!, 'addr', 'add', `${addr[h]}/24`, 'dev', veth[h]!);
      ip('-n', ns[h]!, 'link', 'set', veth[h]!, 'up');
      ip('-n', ns[h]!, 'link', 'set', 'lo', 'up');
    }
  });
  afterEach(() => stopAll());
  afterAll(() => teardown());

  it('rendezvous and all-reduce across the veth, Gloo bound by interface name and by route to the master', async () => {
    const port = '29500';  // each namespace has its own ports
    const p0 = inHost(0, 'collectives', workerEnv(0, 2, 0, { MASTER_ADDR: addr[0]!, MASTER_PORT: port, DCGAN_DIST_INTERFACE: veth[0]!, DCGAN_DIST_TIMEOUT: '20' }));
    await p0.event('listening');
    // Rank 1 names no device: it binds the address it reaches the master from.
    const p1 = inHost(1, 'collectives', workerEnv(1, 2, 0, { MASTER_ADDR: addr[0]!, MASTER_PORT: port, DCGAN_DIST_TIMEOUT: '20' }));
    for (const p of [p0, p1]) {
      const res = await p.event('collectives', 30_000);
      expect(res.sum).toEqual([[3, 30, -6], [2, 2, 2, 2]]);
      expect((res.peers as { address: string }[]).map((x) => x.address)).toEqual(addr);
    }
    expect((await p0.event('joined')).device).toBe(veth[0]);
    expect((await p1.event('joined')).device).toBe(addr[1]);
    for (const p of [p0, p1]) expect((await p.exit()).code).toBe(0);
  });

  it('launches a job of two machines with --nnodes 2 --node-rank R --master HOST:PORT --dist-interface', async () => {
    const launchers = [0, 1].map((h) => start('ip', ['netns', 'exec', ns[h]!, process.execPath, launcher, worker, 'collectives',
      '--nnodes', '2', '--node-rank', String(h), '--nproc', '1', '--master', `${addr[0]}:29502`, '--dist-interface', veth[h]!, '--dist-timeout', '30'],
    { env: { ...process.env, DCGAN_ADDON: addon } }));
    for (const l of launchers) {
      const result = await l.event('result', 60_000);
      expect(result.exitCode).toBe(0);
      const lines = l.events.filter((e) => e.event === 'output').map((e) => {
        try {
          return JSON.parse(e.line as string) as Record<string, unknown>;
        } catch {
          return {};
        }
      });
      const res = lines.find((x) => x.event === 'collectives')!;
      expect(res.sum).toEqual([[3, 30, -6], [2, 2, 2, 2]]);
      expect((res.peers as { address: string }[]).map((x) => x.address)).toEqual(addr);
    }
  });

  it('trains a few steps with dcgan train --nnodes 2 across the veth; node 0 alone writes the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dcgan-hosts-train-'));
    const outs = [join(dir, 'node0'), join(dir, 'node1')];
    const nodes = [0, 1].map((h) => start('ip', ['netns', 'exec', ns[h]!, process.execPath, bin, 'train', '--data', 'fake:28x28x1', '--batch-size', '8',
      '--max-steps', '3', '--sample-every', '1000', '--out', outs[h]!, '--nnodes', '2', '--node-rank', String(h), '--nproc', '1',
      '--master', `${addr[0]}:29503`, '--dist-interface', veth[h]!, '--dist-timeout', '30'], { env: { ...process.env, DCGAN_THREADS: '1' } }));
    for (const n of nodes) expect((await n.exit(90_000)).code, n.stderr).toBe(0);
    const progress = JSON.parse(readFileSync(join(outs[0]!, 'progress.json'), 'utf8')) as { status: string; step: number; distributed: { world: number; ranks: unknown[] } };
    expect(progress).toMatchObject({ status: 'done', step: 3, distributed: { world: 2 } });
    expect(progress.distributed.ranks).toHaveLength(2);
    expect(existsSync(outs[1]!)).toBe(false);
  });

  it('a host lost mid-training stops the other within seconds, naming it; the job resumes across both hosts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dcgan-hosts-kill-'));
    const run = join(dir, 'run');
    const node = (h: number, port: number, extra: string[]) => start('ip', ['netns', 'exec', ns[h]!, process.execPath, bin, 'train', '--data', 'fake:28x28x1',
      '--batch-size', '8', '--sample-every', '1000', '--checkpoint-every', '2', '--nnodes', '2', '--node-rank', String(h), '--nproc', '1',
      '--master', `${addr[0]}:${port}`, '--dist-interface', veth[h]!, '--dist-timeout', '30', ...extra], { env: { ...process.env, DCGAN_THREADS: '1' } });
    const first = [node(0, 29504, ['--max-steps', '100000', '--out', run]), node(1, 29504, ['--max-steps', '100000', '--out', join(dir, 'unused')])];
    const deadline = Date.now() + 90_000;
    while (!existsSync(join(run, 'checkpoints', 'step-0000002'))) {
      if (Date.now() > deadline) throw new Error(`no checkpoint: ${first[0]!.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // The whole second host goes: its launcher and, with it, its worker.
    const killedAt = Date.now();
    process.kill(first[1]!.pid, 'SIGKILL');
    expect((await first[0]!.exit(30_000)).code).toBe(1);
    // A closed connection is seen at once (no timeout involved); 15 s bounds start-up noise on a loaded machine.
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    expect(first[0]!.stderr).toMatch(/rank 1/);
    const progress = JSON.parse(readFileSync(join(run, 'progress.json'), 'utf8')) as { status: string; step: number };
    expect(progress.status).toBe('failed');
    // Resumed on both hosts: node 0 from the run folder, node 1 learns the run from it.
    const again = [node(0, 29505, ['--resume', run, '--max-steps', String(progress.step + 2)]), node(1, 29505, ['--max-steps', String(progress.step + 2), '--out', join(dir, 'unused')])];
    for (const n of again) expect((await n.exit(90_000)).code, n.stderr).toBe(0);
    const done = JSON.parse(readFileSync(join(run, 'progress.json'), 'utf8')) as { status: string; step: number; distributed: { world: number } };
    expect(done).toMatchObject({ status: 'done', step: progress.step + 2, distributed: { world: 2 } });
    expect(existsSync(join(dir, 'unused'))).toBe(false);
  });

  it('names the lost host\'s rank and address when its worker is killed', async () => {
    const env = (r: number) => workerEnv(r, 2, 0, { MASTER_ADDR: addr[0]!, MASTER_PORT: '29501', DCGAN_DIST_INTERFACE: addr[r]!, DCGAN_DIST_TIMEOUT: '60' });
    const p0 = inHost(0, 'loop', env(0));
    await p0.event('listening');
    const p1 = inHost(1, 'loop', env(1));
    await Promise.all([p0.event('looping'), p1.event('looping')]);
    process.kill(p1.pid, 'SIGKILL');
    const failed = await p0.event('failed', 15_000);
    expect(failed.kind).toBe('closed');
    expect(failed.message).toMatch(new RegExp(`^allreduce \\(rank 0 of 2\\): connection to rank 1 \\([^,]+, ${addr[1]!.replace(/\./g, '\\.')}\\) closed`));
    expect((await p0.exit()).code).toBe(0);
  });
});
