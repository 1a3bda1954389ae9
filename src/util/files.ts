// Atomic writes: a file or folder appears complete or not at all (written under a temporary name in the
// same folder, then renamed), so an interrupted run never leaves a half-written checkpoint or output. A write
// that fails for a reason outside the program (disk full, read-only, permissions) is a WriteError naming
// the file; the temporary copy is removed, and what was there before is untouched.
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from './errors.js';
import { processAlive } from './processes.js';

let counter = 0;

function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${(counter++).toString(36)}`);
}

/** A temporary name of tempName(): `.NAME.tmp-PID-N`; the name and the writer's pid. */
const TEMP = /^\.(.+)\.tmp-(\d+)-[0-9a-z]+$/;

const WHY: Record<string, string> = {
  ENOSPC: 'the disk is full (ENOSPC)',
  EDQUOT: 'the disk quota is used up (EDQUOT)',
  EROFS: 'the file system is read-only (EROFS)',
  EACCES: 'permission denied (EACCES)',
  EPERM: 'permission denied (EPERM)',
  EIO: 'an I/O error (EIO)',
};

/** A file that could not be written for a reason outside the program; `file` is the file meant, not its temporary name. */
export class WriteError extends UserError {
  constructor(readonly file: string, readonly code: string) {
    super(`${file} could not be written: ${WHY[code] ?? code}`);
  }
}

/** `e` as a WriteError naming `file` when it is an environmental failure (disk full ...); anything else unchanged. */
export function writeFailure(e: unknown, file: string): unknown {
  if (e instanceof WriteError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  return code && code in WHY ? new WriteError(file, code) : e;
}

/** writeFileSync, whose failure names `path` (node's write errors do not). */
export function writeFileNamed(path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw writeFailure(e, path);
  }
}

/** Bytes per write() or read() call: Linux moves at most about 2 GiB per call, and smaller calls bound the memory a caller needs. */
const IO_CHUNK = 1 << 26;

/**
 * Writes the byte arrays `parts` back to back as the file `path`, each as it comes (a generator can make each
 * part only when it is needed, so the whole file never has to be in memory at once); failures name `path`.
 */
export function writeFileParts(path: string, parts: Iterable<Uint8Array>): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'w');
    for (const part of parts) {
      for (let at = 0; at < part.byteLength;) at += writeSync(fd, part, at, Math.min(IO_CHUNK, part.byteLength - at));
    }
  } catch (e) {
    throw writeFailure(e, path);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The bytes of the open file `fd` from `position`, `length` of them (fewer only at its end), in a Uint8Array
 * of its own (offset 0 in its own ArrayBuffer, so it can be viewed as a Float32Array).
 */
export function readFileRange(fd: number, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, out, got, Math.min(IO_CHUNK, length - got), position + got);
    if (n === 0) return out.subarray(0, got);
    got += n;
  }
  return out;
}

/**
 * The open file `fd`'s bytes as consecutive pieces of at most 64 MiB (for checksums of files of any size), up
 * to `size` (default: the file's size now).
 */
export function* fileChunks(fd: number, size = fstatSync(fd).size): Generator<Uint8Array> {
  for (let at = 0; at < size; at += IO_CHUNK) yield readFileRange(fd, at, Math.min(IO_CHUNK, size - at));
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempName(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw writeFailure(e, path);
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Rewrites an existing small file in place, without allocating a new one: the last resort when the disk is
 * full (a failure report must still reach progress.json). Not atomic; false when it failed too.
 */
export function overwriteInPlace(path: string, text: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r+');
    const bytes = Buffer.from(text);
    writeSync(fd, bytes, 0, bytes.length, 0);
    ftruncateSync(fd, bytes.length);
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Creates the folder `path` with `fill(tempFolder)` writing its contents, then renames it into place;
 * an existing folder of that name is replaced only once the new one is complete. A failed write inside
 * `fill` is reported under its final name (use writeFileNamed there).
 */
export function writeFolderAtomic(path: string, fill: (dir: string) => void): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempName(path);
  try {
    mkdirSync(tmp);
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
    const file = e instanceof WriteError && e.file.startsWith(tmp) ? path + e.file.slice(tmp.length) : path;
    throw writeFailure(e instanceof WriteError ? { code: e.code } : e, file);
  }
}

/**
 * Removes the temporary files and folders that interrupted atomic writes left in `dir` (a killed process's
 * `.NAME.tmp-PID-N`); those of a process still running are left alone. Returns the names removed.
 */
export function removeInterruptedWrites(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m) continue;
    if (processAlive(Number(m[2]))) continue; // a write in progress (this process's own included)
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
