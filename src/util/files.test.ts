// Atomic writes: a failed write leaves no temporary file and the old content; an environmental failure is a
// WriteError naming the file meant; leftovers of killed writers are removed, a live writer's are kept.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checksum, checksumOfParts } from './checksum.js';
import { fileChunks, overwriteInPlace, readFileRange, removeInterruptedWrites, writeFailure, WriteError, writeFileAtomic, writeFileParts, writeFolderAtomic } from './files.js';

const dir = mkdtempSync(join(tmpdir(), 'dcgan-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atomic writes', () => {
  it('a write that fails leaves the old file and no temporary one', () => {
    const path = join(dir, 'a.json');
    writeFileAtomic(path, 'old');
    // A folder in the way of the rename: the write fails after the temporary file was written.
    const blocked = join(dir, 'blocked');
    mkdirSync(join(blocked, 'child'), { recursive: true });
    expect(() => writeFileAtomic(blocked, 'new')).toThrow();
    expect(() => writeFolderAtomic(join(dir, 'folder'), () => { throw new Error('fill failed'); })).toThrow('fill failed');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'blocked']);
  });

  it('names the file meant when the disk is full (or read-only, or forbidden); other errors pass unchanged', () => {
    const full = writeFailure(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), '/runs/r/metrics.jsonl');
    expect(full).toBeInstanceOf(WriteError);
    expect((full as Error).message).toBe('/runs/r/metrics.jsonl could not be written: the disk is full (ENOSPC)');
    const other = new TypeError('a bug');
    expect(writeFailure(other, '/x')).toBe(other);
  });

  it('rewrites a small file in place (the last resort on a full disk)', () => {
    const path = join(dir, 'progress.json');
    writeFileSync(path, '{"status": "running", "padding": "xxxxxxxxxxxxxxxxxxxx"}');
    expect(overwriteInPlace(path, '{"status":"failed"}')).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('{"status":"failed"}');
    expect(overwriteInPlace(join(dir, 'missing.json'), '{}')).toBe(false);
  });

  it("removes what killed writers left, and keeps a live writer's", () => {
    const d = join(dir, 'run');
    mkdirSync(d);
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim();
    mkdirSync(join(d, `.generator.tmp-${dead}-0`));
    writeFileSync(join(d, `.generator.tmp-${dead}-0`, 'weights.bin'), 'x');
    writeFileSync(join(d, `.progress.json.tmp-${dead}-a`), '{');
    writeFileSync(join(d, `.metrics.jsonl.tmp-${process.pid}-1`), 'in progress');
    writeFileSync(join(d, '.hidden'), 'the user\'s');
    writeFileSync(join(d, 'config.json'), '{}');
    expect(removeInterruptedWrites(d).sort()).toEqual([`.generator.tmp-${dead}-0`, `.progress.json.tmp-${dead}-a`]);
    expect(readdirSync(d).sort()).toEqual(['.hidden', `.metrics.jsonl.tmp-${process.pid}-1`, 'config.json']);
    expect(removeInterruptedWrites(join(dir, 'no-such-folder'))).toEqual([]);
    expect(existsSync(d)).toBe(true);
  });
});

describe('files written and read in parts (checkpoints larger than one Buffer)', () => {
  it('writes parts back to back, reads any range, and checksums a file piece by piece as in one go', () => {
    // 70 MiB + 3 bytes crosses the 64 MiB write/read chunk, so the loops over partial writes and reads run.
    const big = new Uint8Array((70 << 20) + 3);
    for (let i = 0; i < big.length; i += 4093) big[i] = (i * 7) & 255;
    const small = Uint8Array.from([1, 2, 3]);
    const path = join(dir, 'parts.bin');
    let made = 0;
    writeFileParts(path, (function* () { made++; yield small; made++; yield big; })());
    expect(made).toBe(2);
    const whole = readFileSync(path);
    expect(whole.byteLength).toBe(small.length + big.length);
    const fd = openSync(path, 'r');
    try {
      expect(checksumOfParts(fileChunks(fd))).toBe(checksum(whole));
      const range = readFileRange(fd, 2, 5);
      expect([...range]).toEqual([3, ...big.subarray(0, 4)]);
      expect(range.byteOffset).toBe(0);
      // Past the end: the bytes there are, no more.
      expect(readFileRange(fd, whole.byteLength - 2, 10).byteLength).toBe(2);
    } finally {
      closeSync(fd);
    }
    rmSync(path);
  });
});
