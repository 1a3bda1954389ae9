// Atomic writes: a file or folder appears complete or not at all (written under a temporary name in the
// same folder, then renamed), so an interrupted run never leaves a half-written checkpoint or output.
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${(counter++).toString(36)}`);
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempName(path);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Creates the folder `path` with `fill(tempFolder)` writing its contents, then renames it into place;
 * an existing folder of that name is replaced only once the new one is complete.
 */
export function writeFolderAtomic(path: string, fill: (dir: string) => void): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempName(path);
  mkdirSync(tmp);
  try {
    fill(tmp);
    if (existsSync(path)) {
      const old = tempName(path);
      renameSync(path, old);
      renameSync(tmp, path);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, path);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
