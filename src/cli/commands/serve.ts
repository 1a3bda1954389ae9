// dcgan serve: the web dashboard and latent explorer over a runs folder. Also `dcgan train --serve`, which
// trains in a child process (the same command without --serve) while this process serves.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../../errors.js';
import { isLoopback } from '../../server/host-check.js';
import { DEFAULT_HOST, DEFAULT_PORT, startServer, type RunningServer } from '../../server/server.js';
import { findRunOf, startTrainingProcess } from '../../server/training-process.js';
import { webBuilt } from '../../server/web-assets.js';
import { flag, num, parse, str } from '../args.js';
import type { Command } from '../main.js';

const USAGE = `usage: dcgan serve [--runs DIR] [--host ${DEFAULT_HOST}] [--port N]
       dcgan train --serve [--host H] [--port N] [train flags]

Serves, read-only, a dashboard of the runs in DIR: their status, live loss curves (Loss_D, Loss_G, D(x),
D(G(z)), FID when logged), speed, progress and ETA, and the fixed-noise grids as training goes, scrubbable;
and a latent explorer that runs each run's exported generator in the browser with TensorFlow.js.
  --runs DIR     the runs folder, whose sub-folders are runs (default runs)
  --host H       address to listen on (default ${DEFAULT_HOST}: this machine only; 0.0.0.0 would share
                 every file of DIR with the network)
  --port N       port (default ${DEFAULT_PORT}; 0 picks a free one)

dcgan train --serve trains in a child process and serves the folder its run goes to (the parent of --out or
--resume, else runs/). Ctrl-C stops the training after its step, with a checkpoint, and keeps serving;
Ctrl-C once it has ended stops the server.`;

const SERVE_OPTIONS = { host: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

function announce(server: RunningServer, host: string): void {
  if (!webBuilt(server.webDir)) console.error(`warning: the web pages are not built (no ${server.webDir}); run \`npm run build\` in the dcgan package`);
  if (!isLoopback(host)) console.error(`warning: listening on ${host}: anyone who can reach this machine can read every file of ${server.runsDir}`);
}

/** Resolves on the first SIGINT or SIGTERM. */
function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolvePromise) => {
    const on = (s: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolvePromise(s);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export const command: Command = {
  async run(argv) {
    const p = parse('serve', argv, { ...SERVE_OPTIONS, runs: { type: 'string' } });
    if (flag(p, 'help')) {
      console.log(USAGE);
      return 0;
    }
    const runsDir = str(p, 'runs') ?? 'runs';
    const host = str(p, 'host') ?? DEFAULT_HOST;
    const port = num(p, 'port', { integer: true, min: 0, max: 65535 }) ?? DEFAULT_PORT;
    if (!existsSync(runsDir) || !statSync(runsDir).isDirectory()) {
      throw new UserError(`--runs ${runsDir}: no such folder; train a run first (dcgan train --out ${join(runsDir, 'NAME')}) or pass the folder your runs are in`);
    }
    if (existsSync(join(runsDir, 'config.json'))) {
      throw new UserError(`--runs ${runsDir} is one run's folder; serve the folder it is in: --runs ${dirname(resolve(runsDir))}`);
    }
    const server = await startServer({ runsDir, host, port });
    announce(server, host);
    console.log(`serving the runs in ${server.runsDir} at ${server.url}/  (Ctrl-C to stop)`);
    await nextSignal();
    await server.close();
    return 0;
  },
};

/** `dcgan train ... --serve [--host H] [--port N]`: train in a child process and serve its runs folder. */
export async function trainAndServe(argv: string[]): Promise<number> {
  const { tokens } = parseArgs({
    args: argv, strict: false, allowPositionals: true, tokens: true,
    options: { ...SERVE_OPTIONS, serve: { type: 'boolean' }, out: { type: 'string' }, resume: { type: 'string' } },
  });
  const drop = new Set<number>();
  const values: Record<string, string | undefined> = {};
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (typeof t.value === 'string') values[t.name] = t.value;
    if (t.name === 'serve' || t.name === 'host' || t.name === 'port') {
      drop.add(t.index);
      if (t.value !== undefined && !t.inlineValue) drop.add(t.index + 1);
    }
  }
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) {
    console.log(USAGE);
    return 0;
  }
  const host = values.host ?? DEFAULT_HOST;
  const port = num({ values: { port: values.port }, positionals: [] }, 'port', { integer: true, min: 0, max: 65535 }) ?? DEFAULT_PORT;
  const runFolder = values.out ?? values.resume;
  const runsDir = runFolder ? dirname(resolve(runFolder)) : resolve('runs');
  mkdirSync(runsDir, { recursive: true });

  const server = await startServer({ runsDir, host, port });
  announce(server, host);
  const child = startTrainingProcess(argv.filter((_, i) => !drop.has(i)));
  const stopChild = () => child.stop();
  process.once('exit', stopChild);
  console.log(`serving the runs in ${runsDir} at ${server.url}/ ; training in process ${child.pid}`);
  void findRunOf(runsDir, child.pid, child.exited, runFolder ? basename(resolve(runFolder)) : undefined).then((name) => {
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
