// One writer per run folder: the trainer holds train.lock (layout.ts names it), which records its pid, host and
// start. Another trainer refuses, naming the holder; the lock of a process that is gone from this host is
// stale and is taken over with a note. The file is created atomically (a link of a complete temporary file),
// so a lock never exists half-written.
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../util/errors.js';
import { processAlive } from '../util/processes.js';

/** What train.lock holds. */
export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/** Locks this process holds, so that a second train() of the same run in one process is refused too. */
const held = new Set<string>();

let counter = 0;
const tempPath = (path: string) => join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${(counter++).toString(36)}`);

function readOwner(path: string): LockOwner | 'missing' | 'damaged' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'damaged';
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    return Number.isInteger(o.pid) && typeof o.host === 'string' && typeof o.startedAt === 'string' ? (o as LockOwner) : 'damaged';
  } catch {
    return 'damaged';
  }
}

/** Creates `path` holding `owner`, atomically; false when it exists. */
function create(path: string, owner: LockOwner): boolean {
  const tmp = tempPath(path);
  writeFileSync(tmp, `${JSON.stringify(owner)}\n`);
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

const same = (a: LockOwner, b: LockOwner) => a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;

/**
 * Moves the stale lock `path` (held by `stale`) out of the way. Two takers race safely: rename is atomic, and a
 * lock that is not the stale one any more (a live trainer's, taken meanwhile) is put back.
 */
function takeOver(path: string, stale: LockOwner): void {
  const aside = tempPath(path);
  try {
    renameSync(path, aside);
  } catch {
    return; // another process moved it first
  }
  const moved = readOwner(aside);
  if (typeof moved === 'object' && !same(moved, stale)) {
    try {
      linkSync(aside, path);
    } catch {
      // a third trainer holds it now; ours was stale anyway
    }
  }
  rmSync(aside, { force: true });
}

export class RunLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(readonly path: string, readonly owner: LockOwner, readonly note?: string) {
    held.add(path);
    process.once('exit', this.onExit);
  }

  /**
   * Takes the lock `path` of the run folder `runDir` for this process; a UserError naming the holder when
   * another trainer has it. `note` says when a stale lock was taken over.
   */
  static acquire(path: string, runDir: string): RunLock {
    const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
    let note: string | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (create(path, me)) return new RunLock(path, me, note);
      const owner = readOwner(path);
      if (owner === 'missing') continue;
      if (owner === 'damaged') {
        throw new UserError(`${path} is not a lock this dcgan wrote; if no trainer is running on ${runDir}, delete it and start again`);
      }
      const since = `since ${owner.startedAt} (${path})`;
      if (owner.host !== me.host) {
        throw new UserError(`${runDir} is being trained by process ${owner.pid} on host ${owner.host} ${since}; wait for it to end, or, if it is no longer running, delete ${path}`);
      }
      if (processAlive(owner.pid) && (owner.pid !== process.pid || held.has(path))) {
        const who = owner.pid === process.pid ? 'this process' : `process ${owner.pid}`;
        throw new UserError(`${runDir} is being trained by ${who} on this machine ${since}; wait for it to end or stop it (kill -INT ${owner.pid}), then continue with --resume`);
      }
      takeOver(path, owner);
      note = `took over ${path}: process ${owner.pid}, which held it ${since.replace(/ \(.*$/, '')}, is no longer running`;
    }
    throw new UserError(`${path}: other trainers keep taking this lock; make sure only one trainer runs on ${runDir}`);
  }

  /** Removes the lock, if it is still this process's. */
  release(): void {
    if (this.released) return;
    this.released = true;
    held.delete(this.path);
    process.off('exit', this.onExit);
    const owner = readOwner(this.path);
    if (typeof owner === 'object' && same(owner, this.owner)) rmSync(this.path, { force: true });
  }
}
