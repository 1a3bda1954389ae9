// dcgan serve: the web dashboard and latent explorer over a runs folder (dcgan train --serve trains and serves).
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RunLayout } from '../../run/layout.js';
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from '../../server/server.js';
import { UserError } from '../../util/errors.js';
import { defineCommand } from '../command.js';
import { announce, nextSignal } from '../serve-console.js';
import { SERVE_FLAGS } from '../train-serve.js';

export const command = defineCommand({
  name: 'serve',
  synopsis: `[--runs DIR] [--host ${DEFAULT_HOST}] [--port N]`,
  about: 'Serves, read-only, a dashboard of the runs in DIR: their status, live loss curves (Loss_D, Loss_G, D(x), D(G(z)), FID when ' +
    'logged), speed, progress and ETA, and the fixed-noise grids as training goes, scrubbable; and a latent explorer that runs each ' +
    "run's exported generator in the browser with TensorFlow.js.",
  flags: [{ name: 'runs', kind: 'path', metavar: 'DIR', group: 'dashboard', help: 'the runs folder, whose sub-folders are runs (default runs)' }, ...SERVE_FLAGS],
  notes: 'dcgan train --serve [--host H] [--port N] [train flags] trains in a child process and serves the folder its run goes to (the\n' +
    'parent of --out or --resume, else runs/). Ctrl-C stops the training after its step, with a checkpoint, and keeps serving;\n' +
    'Ctrl-C once it has ended stops the server.',
}, async ({ values: v }) => {
  const runsDir = v.runs ?? 'runs';
  const host = v.host ?? DEFAULT_HOST;
  if (!existsSync(runsDir)) {
    throw new UserError(`--runs ${runsDir}: no such folder; train a run first (dcgan train --out ${join(runsDir, 'NAME')}) or pass the folder your runs are in`);
  }
  if (!statSync(runsDir).isDirectory()) throw new UserError(`--runs ${runsDir} is a file, not a folder; pass the folder your runs are in`);
  if (existsSync(new RunLayout(runsDir).configPath)) {
    throw new UserError(`--runs ${runsDir} is one run's folder; serve the folder it is in: --runs ${dirname(resolve(runsDir))}`);
  }
  const server = await startServer({ runsDir, host, port: v.port ?? DEFAULT_PORT });
  announce(server, host);
  console.log(`serving the runs in ${server.runsDir} at ${server.url}/  (Ctrl-C to stop)`);
  await nextSignal();
  await server.close();
  return 0;
});
