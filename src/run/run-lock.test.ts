// The lock of a run folder: one holder; a second is refused naming the holder (pid, host, since when); the
// lock of a process that is gone from this host is taken over with a note; another host's or a damaged lock is
// never taken; the lock file disappears with its release, and a stranger's is left alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunLock } from './run-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'dcgan-lock-'));
const path = join(dir, 'train.lock');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A pid no process has: a child's, once it has exited. */
const deadPid = () => Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());
const holder = (pid: number, host = hostname()) => writeFileSync(path, JSON.stringify({ pid, host, startedAt: '2026-01-02T03:04:05.000Z' }));

describe('RunLock', () => {
  it('holds the run for one holder, records pid, host and start, and is gone once released', () => {
    const lock = RunLock.acquire(path, dir);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(lock.note).toBeUndefined();
    expect(() => RunLock.acquire(path, dir)).toThrow(new RegExp(`${dir} is being trained by this process on this machine since .*train\\.lock`));
    lock.release();
    expect(existsSync(path)).toBe(false);
    lock.release(); // twice is harmless
  });

  it("refuses a live process's lock, naming it", () => {
    // This test's parent (vitest) is alive and is not this process.
    holder(process.ppid);
    expect(() => RunLock.acquire(path, dir)).toThrow(new RegExp(`being trained by process ${process.ppid} on this machine since 2026-01-02T03:04:05.000Z \\(${path}\\); .*kill -INT ${process.ppid}`));
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.ppid);
  });

  it("takes over the lock of a process that is gone, with a note; never another host's or a damaged one", () => {
    const dead = deadPid();
    holder(dead);
    const lock = RunLock.acquire(path, dir);
    expect(lock.note).toBe(`took over ${path}: process ${dead}, which held it since 2026-01-02T03:04:05.000Z, is no longer running`);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    lock.release();

    holder(dead, 'elsewhere');
    expect(() => RunLock.acquire(path, dir)).toThrow(new RegExp(`being trained by process ${dead} on host elsewhere since .*; wait for it to end, or, if it is no longer running, delete ${path}`));
    writeFileSync(path, '{"pid": ');
    expect(() => RunLock.acquire(path, dir)).toThrow(/train\.lock is not a lock this dcgan wrote; if no trainer is running on .*, delete it/);
    rmSync(path);
  });

  it('leaves a lock that is no longer its own', () => {
    const lock = RunLock.acquire(path, dir);
    holder(process.ppid);
    lock.release();
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.ppid);
    rmSync(path);
  });
});
