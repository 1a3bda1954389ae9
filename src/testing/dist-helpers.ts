// Shared by the distributed tests (not part of the build): bundles the test worker and launcher scripts,
// starts real processes, reads their JSON lines, and stops every process they started by its PID.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const root = join(__dirname, '..', '..');
export const addon = join(root, 'build', 'Release', 'dcgan_aten.node');

/** Bundles src/testing/<name>.ts to build/dist-test/<name>.cjs (TF.js and the addon stay external). */
export function bundle(name: 'dist-worker' | 'dist-launcher'): string {
  const dir = join(root, 'build', 'dist-test');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}.cjs`);
  const r = buildSync({
    entryPoints: [join(root, 'src', 'testing', `${name}.ts`)], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    write: false, external: ['@tensorflow/*', '*.node', 'esbuild', 'sharp'], logLevel: 'warning',
  });
  // Test files bundle concurrently: write whole files only.
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, r.outputFiles[0]!.contents);
  renameSync(tmp, out);
  return out;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const started = new Set<ChildProcess>();

/** A process under test: its stdout's JSON lines as events, its stderr as text. */
export class Proc {
  readonly events: Record<string, unknown>[] = [];
  stderr = '';
  readonly exited: Promise<Exit>;
  private waiters: (() => void)[] = [];

  constructor(readonly child: ChildProcess) {
    started.add(child);
    let rest = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      const lines = (rest + d).split('\n');
      rest = lines.pop()!;
      for (const l of lines) {
        try {
          this.events.push({ ...(JSON.parse(l) as Record<string, unknown>), at: Date.now() });
        } catch {
          this.events.push({ event: 'text', text: l, at: Date.now() });
        }
      }
      for (const w of this.waiters) w();
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { this.stderr += d; });
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      started.delete(child);
      resolve({ code, signal });
      for (const w of this.waiters) w();
    }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The first event named `name`, waiting up to `ms`; rejects with what the process said otherwise. */
  async event(name: string, ms = 20_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const e = this.events.find((x) => x.event === name);
      if (e) return e;
      const left = deadline - Date.now();
      if (left <= 0 || this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`no '${name}' from pid ${this.pid} within ${ms} ms; events ${JSON.stringify(this.events)}; stderr: ${this.stderr.slice(-2000)}`);
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
      this.waiters = [];
    }
  }

  /** Waits up to `ms` for the process to exit. */
  async exit(ms = 20_000): Promise<Exit> {
    let t: NodeJS.Timeout | undefined;
    const r = await Promise.race([this.exited, new Promise<null>((res) => { t = setTimeout(() => res(null), ms); })]);
    clearTimeout(t);
    if (!r) throw new Error(`pid ${this.pid} did not exit within ${ms} ms; events ${JSON.stringify(this.events)}; stderr: ${this.stderr.slice(-2000)}`);
    return r;
  }
}

export function start(command: string, args: string[], options: SpawnOptions = {}): Proc {
  return new Proc(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options }));
}

/** The environment of one test worker: the torchrun contract for rank/world at port. */
export function workerEnv(rank: number, world: number, port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env, DCGAN_ADDON: addon, GLOG_minloglevel: '3', DCGAN_THREADS: '1', OMP_NUM_THREADS: '1',
    RANK: String(rank), WORLD_SIZE: String(world), LOCAL_RANK: String(rank), LOCAL_WORLD_SIZE: String(world),
    MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), DCGAN_DIST_WORKER: '1', ...extra,
  };
}

/** Starts `world` workers on loopback: rank 0 with port 0, the others once it reports its port. */
export async function startGroup(worker: string, scenario: string, world: number, extra: Record<string, string> = {}): Promise<Proc[]> {
  const p0 = start(process.execPath, [worker, scenario], { env: workerEnv(0, world, 0, extra) });
  const port = (await p0.event('listening')).port as number;
  const procs = [p0];
  for (let r = 1; r < world; r++) procs.push(start(process.execPath, [worker, scenario], { env: workerEnv(r, world, port, extra) }));
  return procs;
}

/** Whether a process exists (signal 0). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits up to `ms` for every pid to be gone; returns those still there. */
export async function gone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = pids.filter(alive);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGCONT + SIGKILL to every process the tests started that is still running (afterEach). */
export function stopAll(extraPids: number[] = []): void {
  for (const c of started) {
    if (c.pid === undefined) continue;
    try { process.kill(c.pid, 'SIGCONT'); } catch { /* gone */ }
    try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  for (const pid of extraPids) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
}
