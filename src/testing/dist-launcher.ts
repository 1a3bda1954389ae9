// A launcher process for the distributed tests (bundled by dist-helpers.ts): `dcgan ... --nproc N` in
// miniature. Plans from its flags, launches the test worker with the given scenario, prints each worker's
// pid and the result as JSON lines, and exits with the launcher's code.
//   node dist-launcher.cjs WORKER_SCRIPT SCENARIO [--nproc N] [--nnodes M --node-rank R --master H:P] ...
import { parseArgs } from 'node:util';
import { resolveDist } from '../dist/config.js';
import { launch } from '../dist/launch.js';
import { UserError } from '../util/errors.js';

const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      nproc: { type: 'string' }, nnodes: { type: 'string' }, 'node-rank': { type: 'string' }, master: { type: 'string' },
      'dist-interface': { type: 'string' }, 'dist-timeout': { type: 'string' }, threads: { type: 'string' }, 'kill-grace': { type: 'string' },
    },
  });
  const [workerScript, scenario] = positionals as [string, string];
  let mode;
  try {
    mode = resolveDist({
      nproc: values.nproc, nnodes: values.nnodes, nodeRank: values['node-rank'], master: values.master,
      distInterface: values['dist-interface'], distTimeout: values['dist-timeout'], threads: values.threads,
    });
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`dcgan: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  if (mode.mode !== 'launch') throw new Error(`expected launch flags, got mode ${mode.mode}`);
  const result = await launch({
    plan: mode.plan,
    command: [process.execPath, workerScript, scenario],
    output: (rank, stream, line) => say({ event: 'output', rank, stream, line }),
    killGraceMs: values['kill-grace'] !== undefined ? Number(values['kill-grace']) : 3000,
    onSpawn: (w) => say({ event: 'spawned', ...w }),
  });
  say({ event: 'result', ...result });
  return result.exitCode;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exitCode = 70;
});
