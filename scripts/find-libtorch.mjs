#!/usr/bin/env node
// Finds libtorch the way tch-rs does: LIBTORCH (or LIBTORCH_INCLUDE + LIBTORCH_LIB), then system paths,
// then the Python `torch` package. Used by install-native.mjs and binding.gyp.
//
//   node scripts/find-libtorch.mjs            prints the result as JSON
//   node scripts/find-libtorch.mjs include    prints the include directories, space-separated (for gyp)
//   node scripts/find-libtorch.mjs lib        prints the library directory
//   node scripts/find-libtorch.mjs cxxabi     prints 0 or 1 (_GLIBCXX_USE_CXX11_ABI)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** @typedef {{ include: string[], lib: string, cxxabi: 0 | 1, source: string }} Libtorch */

function fromRoots(includeRoot, libDir, source) {
  if (!existsSync(join(includeRoot, 'ATen', 'ATen.h'))) return null;
  if (!existsSync(join(libDir, 'libtorch_cpu.so')) && !existsSync(join(libDir, 'libtorch.so'))) return null;
  const include = [includeRoot];
  const api = join(includeRoot, 'torch', 'csrc', 'api', 'include');
  if (existsSync(api)) include.push(api);
  return { include, lib: libDir, cxxabi: abiFromCmake(libDir) ?? 1, source };
}

// TorchConfig.cmake records the libstdc++ ABI libtorch was built with; dependants must match it.
function abiFromCmake(libDir) {
  for (const f of [join(libDir, 'cmake', 'Torch', 'TorchConfig.cmake'), join(libDir, '..', 'share', 'cmake', 'Torch', 'TorchConfig.cmake')]) {
    if (!existsSync(f)) continue;
    const m = /_GLIBCXX_USE_CXX11_ABI=([01])/.exec(readFileSync(f, 'utf8'));
    if (m) return Number(m[1]);
  }
  return null;
}

function multiarch() {
  try {
    return execFileSync('gcc', ['-print-multiarch'], { encoding: 'utf8' }).trim();
  } catch {
    return 'x86_64-linux-gnu';
  }
}

function fromPython() {
  for (const py of ['/usr/bin/python3', 'python3', 'python']) {
    try {
      const out = execFileSync(py, ['-c', 'import os, torch; print(os.path.dirname(torch.__file__)); print(int(torch._C._GLIBCXX_USE_CXX11_ABI))'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const [dir, abi] = out.trim().split('\n');
      const found = fromRoots(join(dir, 'include'), join(dir, 'lib'), `python torch (${py}: ${dir})`);
      if (found) return { ...found, cxxabi: abi === '0' ? 0 : 1 };
    } catch {
      // not this interpreter
    }
  }
  return null;
}

/** @returns {Libtorch | null} */
export function findLibtorch(env = process.env) {
  if (env.LIBTORCH) {
    return fromRoots(join(env.LIBTORCH, 'include'), join(env.LIBTORCH, 'lib'), `LIBTORCH=${env.LIBTORCH}`);
  }
  if (env.LIBTORCH_INCLUDE && env.LIBTORCH_LIB) {
    return fromRoots(env.LIBTORCH_INCLUDE, env.LIBTORCH_LIB, 'LIBTORCH_INCLUDE/LIBTORCH_LIB');
  }
  const arch = multiarch();
  for (const [inc, lib] of [
    ['/usr/include', `/usr/lib/${arch}`],
    ['/usr/local/include', '/usr/local/lib'],
    ['/usr/include', '/usr/lib'],
  ]) {
    const found = fromRoots(inc, lib, `system (${lib})`);
    if (found) return found;
  }
  return fromPython();
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const found = findLibtorch();
  const what = process.argv[2];
  if (!found) {
    if (what) {
      console.error('libtorch not found: set LIBTORCH, or run: apt-get install -y libtorch-dev libopenblas0-pthread');
      process.exit(1);
    }
    console.log('null');
  } else if (what === 'include') console.log(found.include.join(' '));
  else if (what === 'lib') console.log(found.lib);
  else if (what === 'cxxabi') console.log(found.cxxabi);
  else console.log(JSON.stringify(found, null, 2));
}
