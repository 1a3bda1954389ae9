// `dcgan train --serve`: the training runs in a child process (the same command line without the serve
// flags) while this process serves the runs folder its run goes to.
import { mkdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from '../server/server.js';
import { findRunOf, startTrainingProcess } from '../server/training-process.js';
import type { Flag } from './flags.js';
import { announce, nextSignal } from './serve-console.js';

/** The flags of the server, shared by `dcgan serve` and `dcgan train --serve`. */
export const SERVE_FLAGS = [
  { name: 'host', kind: 'string', metavar: 'H', group: 'dashboard', help: `address to listen on (default ${DEFAULT_HOST}: this machine only; 0.0.0.0 would share every file of the runs folder with the network)` },
  { name: 'port', kind: 'int', min: 0, max: 65535, metavar: 'N', group: 'dashboard', help: `port (default ${DEFAULT_PORT}; 0 picks a free one)` },
] as const satisfies readonly Flag[];

export interface TrainServeOptions {
  host?: string;
  port?: number;
  /** The run folder (--out or --resume), whose parent is served; default runs/. */
  run?: string;
}

/** Trains `childArgv` (train flags) in a child process and serves its runs folder until a signal. */
export async function trainAndServe(childArgv: string[], o: TrainServeOptions): Promise<number> {
  const host = o.host ?? DEFAULT_HOST;
  const runsDir = o.run ? dirname(resolve(o.run)) : resolve('runs');
  mkdirSync(runsDir, { recursive: true });
  const server = await startServer({ runsDir, host, port: o.port ?? DEFAULT_PORT });
  announce(server, host);
  const child = startTrainingProcess(childArgv);
  const stopChild = () => child.stop();
  process.once('exit', stopChild);
  console.log(`serving the runs in ${runsDir} at ${server.url}/ ; training in process ${child.pid}`);
  void findRunOf(runsDir, child.pid, child.exited, o.run ? basename(resolve(o.run)) : undefined).then((name) => {
    if (!name) return;
    const q = encodeURIComponent(name);
    console.log(`dashboard: ${server.url}/?run=${q}   explorer: ${server.url}/explorer?run=${q}`);
  });

  let code: number | undefined;
  void child.exited.then((c) => {
    code = c;
    console.log(`training ended (exit code ${c}); still serving at ${server.url}/  (Ctrl-C to stop)`);
  });
  for (;;) {
    const s = await Promise.race([nextSignal(), child.exited.then(() => null)]);
    if (s === null) {
      // Training ended on its own: serve until a signal.
      await nextSignal();
      break;
    }
    if (!child.running) break;
    child.stop();
    if (s === 'SIGTERM') {
      await child.exited;
      break;
    }
    console.error('stopping the training after this step (a checkpoint is written); the server goes on');
  }
  process.off('exit', stopChild);
  await server.close();
  return code ?? (await child.exited);
}
