// `dcgan train --serve`: the training runs in a child process (the same `dcgan train` command without
// --serve), so the server's event loop only ever serves; the child's progress.json carries its pid, which
// is how the server finds the run folder it writes.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readProgress } from './run-files.js';
import { listRuns, runDir } from './runs-folder.js';

export interface TrainingProcess {
  pid: number;
  /** The child's exit code (128 + signal number when a signal ended it). */
  exited: Promise<number>;
  readonly running: boolean;
  /** Asks the trainer to stop after its current step, writing a checkpoint (SIGINT, as Ctrl-C does). */
  stop(): void;
}

/** The dcgan command line of this package. */
export function defaultBin(): string {
  return join(__dirname, '..', '..', 'bin', 'dcgan.js');
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/**
 * Starts `dcgan train ...trainArgs` with the console inherited. The child gets its own process group, so a
 * Ctrl-C at the terminal reaches only the server's process, which passes it on once through stop().
 */
export function startTrainingProcess(trainArgs: string[], opts: { bin?: string; env?: NodeJS.ProcessEnv } = {}): TrainingProcess {
  const child = spawn(process.execPath, [opts.bin ?? defaultBin(), 'train', ...trainArgs], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: opts.env ?? process.env,
    detached: true,
  });
  let running = true;
  const exited = new Promise<number>((resolvePromise) => {
    child.once('error', () => { running = false; resolvePromise(1); });
    child.once('exit', (code, signal) => {
      running = false;
      resolvePromise(code ?? 128 + (signal ? SIGNALS[signal] ?? 0 : 0));
    });
  });
  return {
    pid: child.pid ?? -1,
    exited,
    get running() { return running; },
    stop() {
      if (running) child.kill('SIGINT');
    },
  };
}

/**
 * The name of the run in `runsDir` written by process `pid`: `expected` (the --out / --resume folder's name)
 * once it exists, else the run whose progress.json names that pid. Polls until found or `until` settles.
 */
export async function findRunOf(runsDir: string, pid: number, until: Promise<unknown>, expected?: string, intervalMs = 200): Promise<string | null> {
  let over = false;
  void until.finally(() => { over = true; });
  for (;;) {
    if (expected) {
      const dir = await runDir(runsDir, expected);
      if (dir && (await readProgress(dir))?.pid === pid) return expected;
    } else {
      for (const r of await listRuns(runsDir)) {
        const dir = await runDir(runsDir, r.name);
        if (dir && (await readProgress(dir))?.pid === pid) return r.name;
      }
    }
    if (over) return null;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
