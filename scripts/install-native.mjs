#!/usr/bin/env node
// Builds the native engine (build/Release/dcgan_aten.node) against libtorch, at `npm install`.
//
// Where libtorch is missing it says how to get it; on Debian, as root, it installs
// `libtorch-dev libopenblas0-pthread` itself unless DCGAN_NO_APT=1. Without libtorch the project still works
// on TensorFlow.js's pure-JS `cpu` backend, far slower. DCGAN_REQUIRE_NATIVE=1 makes any failure fatal (CI).
// Flags: --force rebuilds even when the addon is newer than its sources.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibtorch } from './find-libtorch.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const addon = join(root, 'build', 'Release', 'dcgan_aten.node');
const required = process.env.DCGAN_REQUIRE_NATIVE === '1';
const APT_PACKAGES = ['libtorch-dev', 'libopenblas0-pthread'];

function say(msg) {
  console.log(`[dcgan] ${msg}`);
}

function giveUp(reason) {
  const lines = [
    `The native engine was not built: ${reason}`,
    'dcgan will run on TensorFlow.js\'s pure-JS "cpu" backend, which is hundreds of times slower.',
    'To build it: install libtorch, then run `npm run build:native`:',
    `  Debian/Ubuntu:  sudo apt-get install -y ${APT_PACKAGES.join(' ')}`,
    '  elsewhere:      download libtorch (CPU) from pytorch.org and set LIBTORCH=/path/to/libtorch,',
    '                  or `pip install torch` (found through the Python torch package).',
  ];
  console.warn(lines.map((l) => `[dcgan] ${l}`).join('\n'));
  process.exit(required ? 1 : 0);
}

function isDebianRoot() {
  return process.platform === 'linux' && existsSync('/etc/debian_version') && process.getuid?.() === 0;
}

function aptInstall(packages) {
  say(`installing ${packages.join(' ')} with apt-get (set DCGAN_NO_APT=1 to skip)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
  }
  return r.status === 0;
}

function newestSource() {
  let newest = 0;
  for (const dir of ['native', 'scripts']) {
    for (const f of readdirSync(join(root, dir))) newest = Math.max(newest, statSync(join(root, dir, f)).mtimeMs);
  }
  return Math.max(newest, statSync(join(root, 'binding.gyp')).mtimeMs);
}

function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(bundled)) return bundled;
  return null;
}

if (process.env.DCGAN_SKIP_NATIVE === '1') {
  say('DCGAN_SKIP_NATIVE=1: not building the native engine');
  process.exit(0);
}

const force = process.argv.includes('--force');
if (!force && existsSync(addon) && statSync(addon).mtimeMs > newestSource()) {
  say('native engine is up to date');
  process.exit(0);
}

let torch = findLibtorch();
const openblas = '/usr/lib/x86_64-linux-gnu/libopenblas.so.0';
const wantApt = isDebianRoot() && process.env.DCGAN_NO_APT !== '1';
if (!torch && wantApt && aptInstall(APT_PACKAGES)) torch = findLibtorch();
if (!torch) giveUp('libtorch was not found (looked at LIBTORCH, LIBTORCH_INCLUDE/LIBTORCH_LIB, /usr, /usr/local and the Python torch package)');
say(`libtorch: ${torch.source}`);
if (torch.source.startsWith('system') && existsSync('/etc/debian_version') && !existsSync(openblas)) {
  if (wantApt) aptInstall(['libopenblas0-pthread']);
  else say('warning: libopenblas0-pthread is not installed; Debian\'s torch then uses the reference BLAS, about 5x slower');
}

const gyp = nodeGyp();
if (!gyp) giveUp('node-gyp was not found (it ships with npm)');
const extra = [];
if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) extra.push('--nodedir=/usr');
say('building the native engine (about a minute)');
const t0 = Date.now();
const jobs = String(Math.max(1, (await import('node:os')).availableParallelism()));
const env = { ...process.env, JOBS: jobs };
// An earlier build's objects are reused (configure + build): only changed files compile, and the addon
// in use stays in place until the new one is linked. --force starts from scratch.
const steps = force || !existsSync(join(root, 'build', 'config.gypi')) ? [['rebuild', '--release']] : [['configure', '--release'], ['build', '--release']];
for (const step of steps) {
  const r = spawnSync(process.execPath, [gyp, ...step, ...extra], { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) giveUp('the C++ build failed (the compiler output above says why)');
}
say(`native engine built in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${addon}`);
try {
  execFileSync(process.execPath, ['-e', `require(${JSON.stringify(addon)})`], { stdio: 'pipe' });
} catch (e) {
  giveUp(`the built addon does not load: ${String(e.stderr ?? e).split('\n')[0]}`);
}
