#!/usr/bin/env node
// The tests again as a machine without AVX-512 would run them: ATen, oneDNN and OpenBLAS restricted to AVX2
// (float results differ between instruction sets, so a threshold that holds only on one machine fails here
// rather than on a user's). First checks, with `dcgan info`, that the restriction took effect; then runs the
// unit tests, tfjs-core's conformance suite (every kernel against its expected values, 10 s) and the smoke tests
// whose assertions rest on trained numbers (the other smoke tests compare a machine with itself: byte-identical
// resume, same seed, same output). Needs `npm run build` (CI's `npm install` does it).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The restriction (docs/engine-notes: "Machines differ"). */
const AVX2 = { ATEN_CPU_CAPABILITY: 'avx2', DNNL_MAX_CPU_ISA: 'AVX2', OPENBLAS_CORETYPE: 'Haswell' };
/** Smoke tests with thresholds on trained numbers (FID, accuracies, browser vs CLI pixels). */
const NUMERIC_SMOKE = ['test/eval.test.ts', 'test/web/explorer.test.ts'];
/** OpenBLAS's core types that use AVX-512. */
const OPENBLAS_AVX512 = /SkylakeX|Cooperlake|SapphireRapids/i;

function cpuOf(env) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'dcgan.js'), 'info', '--json'], { cwd: root, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dcgan info failed: ${r.stderr.trim()}`);
  const info = JSON.parse(r.stdout);
  if (info.backend !== 'aten' || !info.cpu) throw new Error(`dcgan info reports no native engine (backend ${info.backend}); build it (npm run build:native)`);
  return info.cpu;
}

const show = (c) => `ATen ${c.aten}, oneDNN ${c.onednn}, OpenBLAS ${c.openblas}`;

function run(command, args, env) {
  console.log(`\n[test:avx2] ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { cwd: root, env, stdio: 'inherit' }).status ?? 1;
}

const env = { ...process.env, ...AVX2 };
const native = cpuOf(process.env), restricted = cpuOf(env);
console.log(`[test:avx2] this machine: ${show(native)}; restricted: ${show(restricted)}`);
const leaks = [/AVX512/i.test(restricted.aten) && 'ATen', /avx512/i.test(restricted.onednn) && 'oneDNN', OPENBLAS_AVX512.test(restricted.openblas) && 'OpenBLAS'].filter(Boolean);
if (leaks.length) {
  console.error(`[test:avx2] the restriction did not take effect: ${leaks.join(', ')} still use AVX-512 (${show(restricted)})`);
  process.exit(1);
}
const failed = [
  run('npx', ['vitest', 'run', '--project', 'unit'], env),
  run(process.execPath, ['conformance/run.mjs'], env),
  run('npx', ['vitest', 'run', '--project', 'smoke', ...NUMERIC_SMOKE], env),
].some((s) => s !== 0);
process.exit(failed ? 1 : 0);
