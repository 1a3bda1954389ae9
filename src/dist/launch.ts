// The launcher: starts this machine's workers with torchrun's environment contract, supervises them, and
// stops them all when one dies or when the launcher itself is told to stop. No worker outlives it.
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { workerEnvFor, type LaunchPlan } from './config.js';

/** Time a local rank 0 gets to start its rendezvous store, beyond --dist-timeout (process start-up). */
const STORE_START_ALLOWANCE_MS = 30_000;

/** Rank 0, started with MASTER_PORT=0 by us, tells the port its store got through this IPC message. */
export interface ListeningMessage {
  dcganDist: 'listening';
  port: number;
}

export type WorkerOutput = 'inherit' | 'prefix' | ((rank: number, stream: 'stdout' | 'stderr', line: string) => void);

export interface LaunchOptions {
  plan: LaunchPlan;
  /** The worker command, [file, ...args]: the same program on every worker (e.g. node bin/dcgan.js train ...). */
  command: readonly string[];
  /** The workers' base environment (default process.env); the contract's variables are set over it. */
  env?: Record<string, string | undefined>;
  /** Workers' stdout and stderr: inherited (default), prefixed with "[rank N] ", or given to a function. */
  output?: WorkerOutput;
  /** After SIGTERM, how long a worker has to exit before SIGKILL (ms, default 5000). */
  killGraceMs?: number;
  /** The launcher's own lines (default: stderr, prefixed "dcgan: "). */
  log?: (line: string) => void;
  /** Stop the workers on SIGINT, SIGTERM and SIGHUP to the launcher (default true). */
  handleSignals?: boolean;
  /** Called with each worker once spawned. */
  onSpawn?: (w: { rank: number; localRank: number; pid: number }) => void;
}

export interface WorkerExit {
  rank: number;
  localRank: number;
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LaunchResult {
  /** 0 when every worker exited with 0; 1 when one failed; 128 + n when the launcher got signal n. */
  exitCode: number;
  workers: WorkerExit[];
  /** The one line said about the failure (also logged). */
  failure?: string;
}

interface Running {
  rank: number;
  localRank: number;
  child: ChildProcess;
  exit?: WorkerExit;
  exited: Promise<WorkerExit>;
}

const SIGNAL_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

function killGroup(pid: number, signal: NodeJS.Signals): void {
  // Each worker leads its own process group (detached): this reaches whatever it started, too.
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function pipeLines(stream: NodeJS.ReadableStream, emit: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const l of lines) emit(l);
  });
  stream.on('end', () => {
    if (rest) emit(rest);
  });
}

/** Starts the plan's workers on this machine and resolves when all have exited. Never rejects for a worker's failure. */
export async function launch(options: LaunchOptions): Promise<LaunchResult> {
  const { plan } = options;
  const host = hostname();
  const grace = options.killGraceMs ?? 5000;
  const log = options.log ?? ((line: string) => process.stderr.write(`dcgan: ${line}\n`));
  const output = options.output ?? 'inherit';
  const base = options.env ?? process.env;
  const workers: Running[] = [];
  let failure: string | undefined;
  let signalled: NodeJS.Signals | undefined;
  let stopping: Promise<void> | undefined;
  let wake: () => void = () => undefined;

  const spawnWorker = (localRank: number, port: number, ipc: boolean): Running => {
    const rank = plan.nodeRank * plan.nproc + localRank;
    const env = { ...base, ...workerEnvFor(plan, localRank, port) };
    // c10d logs through glog to stderr; the workers report failures themselves, in one line.
    env.GLOG_minloglevel ??= '3';
    const piped = output !== 'inherit';
    const child = spawn(options.command[0]!, options.command.slice(1), {
      env,
      detached: true,
      stdio: ['ignore', piped ? 'pipe' : 'inherit', piped ? 'pipe' : 'inherit', ...(ipc ? ['ipc' as const] : [])],
    });
    if (piped) {
      const emit = typeof output === 'function' ? output : (r: number, s: 'stdout' | 'stderr', line: string) => (s === 'stdout' ? process.stdout : process.stderr).write(`[rank ${r}] ${line}\n`);
      pipeLines(child.stdout!, (l) => emit(rank, 'stdout', l));
      pipeLines(child.stderr!, (l) => emit(rank, 'stderr', l));
    }
    const w: Running = {
      rank, localRank, child,
      exited: new Promise((resolve) => {
        child.once('error', (e) => {
          w.exit ??= { rank, localRank, pid: child.pid ?? -1, code: 127, signal: null };
          if (!failure && !signalled) {
            failure = `cannot start rank ${rank} on ${host}: ${e.message}`;
            log(failure);
            void stopAll();
          }
          resolve(w.exit);
          wake();
        });
        child.once('exit', (code, signal) => {
          w.exit ??= { rank, localRank, pid: child.pid ?? -1, code, signal };
          if (child.pid) killGroup(child.pid, 'SIGKILL');  // whatever it left behind in its group
          resolve(w.exit);
          wake();
        });
      }),
    };
    workers.push(w);
    if (child.pid) options.onSpawn?.({ rank, localRank, pid: child.pid });
    return w;
  };

  const running = () => workers.filter((w) => !w.exit);

  // SIGTERM to every worker's group, SIGKILL to those still there after the grace.
  const stopAll = (): Promise<void> => {
    stopping ??= (async () => {
      const alive = running();
      for (const w of alive) if (w.child.pid) killGroup(w.child.pid, 'SIGTERM');
      const all = Promise.all(alive.map((w) => w.exited));
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([all.then(() => false), new Promise<boolean>((r) => { timer = setTimeout(() => r(true), grace); })]);
      clearTimeout(timer);
      if (late) {
        for (const w of running()) if (w.child.pid) killGroup(w.child.pid, 'SIGKILL');
        await all;
      }
    })();
    return stopping;
  };

  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) {
      // A second signal: no more grace.
      for (const w of running()) if (w.child.pid) killGroup(w.child.pid, 'SIGKILL');
      return;
    }
    signalled = sig;
    log(`${sig}: stopping ${running().length} worker${running().length === 1 ? '' : 's'}`);
    void stopAll();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  if (options.handleSignals !== false) for (const s of signals) process.on(s, onSignal);

  const describe = (e: WorkerExit) =>
    `rank ${e.rank} on ${host} (pid ${e.pid}) ${e.code !== null ? `exited with code ${e.code}` : `was killed by ${e.signal}`}`;

  try {
    let port = plan.master.port;
    let first = 0;
    if (port === 0 && plan.storeFile === undefined) {
      // Rank 0 lets the system pick its store's port and reports it; then the others start with it.
      const w0 = spawnWorker(0, 0, true);
      // Rank 0 is a local process that loads Node, TF.js and the engine before its store listens: that
      // start-up (seconds, more on a loaded machine) is not a peer's answer, so it gets time beyond --dist-timeout.
      const storeStartMs = plan.timeoutMs + STORE_START_ALLOWANCE_MS;
      first = 1;
      const got = await new Promise<number | WorkerExit | 'timeout'>((resolve) => {
        const timer = setTimeout(() => resolve('timeout'), storeStartMs);
        w0.child.on('message', (m: Partial<ListeningMessage>) => {
          if (m?.dcganDist === 'listening' && typeof m.port === 'number') {
            clearTimeout(timer);
            resolve(m.port);
          }
        });
        void w0.exited.then((e) => {
          clearTimeout(timer);
          resolve(e);
        });
        wake = () => { if (signalled) { clearTimeout(timer); resolve('timeout'); } };
      });
      if (typeof got !== 'number') {
        if (!signalled && !failure) {
          failure = got === 'timeout' ? `rank 0 on ${host} did not start its rendezvous store within ${storeStartMs / 1000} s` : describe(got);
          log(failure);
        }
        await stopAll();
      } else {
        port = got;
      }
    }
    if (!failure && !signalled) for (let l = first; l < plan.nproc; l++) spawnWorker(l, port, false);

    // Supervise: the first worker to fail stops the rest.
    while (running().length > 0) {
      await new Promise<void>((r) => {
        wake = r;
        if (running().length === 0) r();
      });
      const bad = workers.find((w) => w.exit && (w.exit.code !== 0 || w.exit.signal !== null));
      if (bad && !failure && !signalled) {
        const others = running().length;
        failure = `${describe(bad.exit!)}${others > 0 ? `; stopping the other ${others} worker${others === 1 ? '' : 's'} on this machine` : ''}`;
        log(failure);
        void stopAll();
      }
    }
    if (stopping) await stopping;
  } finally {
    if (options.handleSignals !== false) for (const s of signals) process.off(s, onSignal);
  }
  const exits = workers.map((w) => w.exit!);
  const exitCode = signalled ? 128 + (SIGNAL_CODES[signalled] ?? 15) : failure || exits.some((e) => e.code !== 0 || e.signal) ? 1 : 0;
  return { exitCode, workers: exits.sort((a, b) => a.rank - b.rank), failure };
}
