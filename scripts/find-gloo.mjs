#!/usr/bin/env node
// Whether the native engine can build its distributed part: Gloo's headers (Debian: libgloo-dev) beside
// libtorch's c10d headers, and libgloo to link. Prints 1 or 0 (binding.gyp builds native/dist_group.cc on 1).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findLibtorch } from './find-libtorch.mjs';

/** @returns {{ ok: boolean, reason?: string }} */
export function findGloo(env = process.env) {
  if (env.DCGAN_NO_GLOO === '1') return { ok: false, reason: 'DCGAN_NO_GLOO=1 is set' };
  const torch = findLibtorch(env);
  if (!torch) return { ok: false, reason: 'libtorch was not found' };
  const includes = [...torch.include, '/usr/include', '/usr/local/include'];
  if (!includes.some((d) => existsSync(join(d, 'torch', 'csrc', 'distributed', 'c10d', 'ProcessGroupGloo.hpp')))) {
    return { ok: false, reason: "libtorch's c10d headers are missing" };
  }
  if (!includes.some((d) => existsSync(join(d, 'gloo', 'config.h')))) {
    return { ok: false, reason: "Gloo's headers are missing (apt-get install libgloo-dev)" };
  }
  const libDirs = [torch.lib, '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib', '/usr/local/lib'];
  const hasLib = libDirs.some((d) => existsSync(d) && readdirSync(d).some((f) => f === 'libgloo.so' || f === 'libgloo.a'));
  if (!hasLib) return { ok: false, reason: 'libgloo is missing (apt-get install libgloo-dev)' };
  return { ok: true };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const found = findGloo();
  if (process.argv[2] === 'why') console.log(found.ok ? 'found' : found.reason);
  else console.log(found.ok ? 1 : 0);
}
