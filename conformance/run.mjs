#!/usr/bin/env node
// Runs tfjs-core's whole test suite against the aten backend, skipping only conformance/ignore-list.cjs's
// specs: bundles conformance/entry.cjs with esbuild (tfjs-core's dist files are ES modules with
// extension-less imports), then runs the bundle. Prints "N passed, N failed, N excluded"; exits non-zero
// on any failure. CONFORMANCE_BACKEND=cpu runs the same on TF.js's cpu backend (what the ignore list
// may contain: specs that fail there too).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'build', 'conformance', 'bundle.cjs');
await build({
  entryPoints: [join(root, 'conformance', 'entry.cjs')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // tfjs-core's package.json lists its files as side-effect free; the test files are nothing but side effects.
  ignoreAnnotations: true,
  // Resolve tfjs packages to their ES module builds, so the tests and the backend share one tfjs-core.
  mainFields: ['module', 'main'],
  external: ['jasmine', 'jasmine-core', '*.node'],
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, [outfile], { stdio: 'inherit', cwd: root, env: { DCGAN_THREADS: '2', DCGAN_ADDON: join(root, 'build', 'Release', 'dcgan_aten.node'), ...process.env } });
process.exit(r.status ?? 1);
