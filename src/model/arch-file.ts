// Users' own architectures: a JSON file holding an ArchSpec (the same layer lists as the presets), for --arch.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { UserError } from '../util/errors.js';
import { checkArch, type ArchSpec } from './spec.js';

/** Reads and checks the ArchSpec in `path`; every problem is one line naming the file. */
export function readArchFile(path: string, flag = '--arch'): ArchSpec {
  if (!existsSync(path) || !statSync(path).isFile()) throw new UserError(`${flag} ${path}: no such file; give a JSON architecture (see the presets in src/model/presets.ts)`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`${flag} ${path}: not valid JSON (${(e as Error).message})`);
  }
  return checkArch(json, path);
}
