// Smoke tests of what keeps a run folder whole (issue 12): one trainer per run (train.lock), --out that never
// mixes runs, a generator that is never older than the final checkpoint, checksums of every weight file,
// resume that falls back to (or is told) a checkpoint, a full disk reported in one line with nothing lost,
// no dead ends, interrupted writes cleaned up, and the small ones (negative numbers, unreadable images,
// exploding losses, serve --runs FILE). Tiny networks on fake data.
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dcgan, dcganAsync, tempDir, type CliResult } from './helpers.js';

const TINY = ['--data', 'fake:32x32x1', '--preset', 'dcgan64', '--image-size', '32', '--ngf', '4', '--ndf', '4', '--batch-size', '4', '--seed', '3'];
const STACK = /\n\s+at .+:\d+/;

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const sha256 = (path: string) => `sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
const step = (n: number) => `step-${String(n).padStart(7, '0')}`;

/** A failure: exit 1, no stack trace, and its last line (after any warnings) is one 'dcgan CMD: ...' line. */
function failsCleanly(r: CliResult, pattern: RegExp): void {
  expect(r.code, r.stdout + r.stderr).toBe(1);
  expect(r.stdout + r.stderr).not.toMatch(STACK);
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('warning: '));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

/** Flips 16 bytes in the middle of a file, keeping its size (damage only a checksum finds). */
function garble(path: string): void {
  const b = readFileSync(path);
  for (let k = (b.length >> 1) - 8; k < (b.length >> 1) + 8; k++) b[k] = b[k]! ^ 0xff;
  writeFileSync(path, b);
}

/** Waits (at most a minute) until `check` holds. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const root = tempDir('dcgan-runs-');
/** A finished run: 4 steps, checkpoints at 2 and 4, EMA. */
const done = join(root, 'done');

describe('run folders', () => {
  beforeAll(async () => {
    const r = await dcgan('train', ...TINY, '--max-steps', '4', '--checkpoint-every', '2', '--sample-every', '2', '--ema', '0.9', '--out', done);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('1: one trainer per run folder; a second refuses naming the holder; a dead holder\'s lock is taken over (7: and the run resumes from step 0)', async () => {
    const run = join(root, 'locked');
    const first = dcganAsync('train', ...TINY, '--max-steps', '100000', '--checkpoint-every', '100000', '--out', run);
    try {
      await until(() => existsSync(join(run, 'train.lock')) && existsSync(join(run, 'metrics.jsonl')), 'the first trainer to start');
      const lock = json(join(run, 'train.lock'));
      expect(lock).toMatchObject({ pid: first.pid, host: hostname() });
      const second = await dcgan('train', '--resume', run);
      failsCleanly(second, new RegExp(`is being trained by process ${first.pid} on this machine since .*train\\.lock.*kill -INT ${first.pid}`));
      const third = await dcgan('train', ...TINY, '--out', run);
      failsCleanly(third, /already holds a run/);
    } finally {
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
    }
    // Killed before its first checkpoint: the lock is stale, the run has no checkpoint.
    expect(existsSync(join(run, 'train.lock'))).toBe(true);
    expect(readdirSync(join(run, 'checkpoints'))).toEqual([]);
    const resumed = await dcgan('train', '--resume', run, '--max-steps', '2');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/took over .*train\.lock: process \d+, which held it since .*, is no longer running/);
    expect(resumed.stdout).toMatch(/has no checkpoint yet: training it from step 0/);
    expect(existsSync(join(run, 'train.lock'))).toBe(false);
    const steps = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
    expect(steps).toEqual([1, 2]);
  });

  it('2 (and 6: --out a file): --out refuses a folder holding parts of a run, a file, and a non-empty folder unless --force', async () => {
    const parts = join(root, 'parts');
    cpSync(join(done, 'checkpoints'), join(parts, 'checkpoints'), { recursive: true });
    failsCleanly(await dcgan('train', ...TINY, '--max-steps', '1', '--out', parts), /--out .*parts holds parts of another run \(checkpoints\) but no config\.json/);
    failsCleanly(await dcgan('train', ...TINY, '--max-steps', '1', '--out', parts, '--force'), /holds parts of another run/);
    expect(readdirSync(join(parts, 'checkpoints'))).toEqual([step(2), step(4)]);

    const file = join(root, 'a-file');
    writeFileSync(file, 'not a folder');
    failsCleanly(await dcgan('train', ...TINY, '--max-steps', '1', '--out', file), /--out .*a-file is a file, not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('not a folder');

    const mine = join(root, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'mine');
    failsCleanly(await dcgan('train', ...TINY, '--max-steps', '1', '--out', mine), /--out .*mine is not empty \(notes\.txt\).*--force/);
    const forced = await dcgan('train', ...TINY, '--max-steps', '1', '--out', mine, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(mine, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(mine, 'checkpoints', step(1)))).toBe(true);
  });

  it('3: a generator older than the final checkpoint is never sampled silently; resuming the finished run re-exports it', async () => {
    const older = join(root, 'older'), run = join(root, 'stale');
    expect((await dcgan('train', ...TINY, '--max-steps', '2', '--checkpoint-every', '2', '--ema', '0.9', '--out', older)).code).toBe(0);
    // As if killed after the final checkpoint, before the export: step 4's checkpoint, step 2's generator.
    cpSync(done, run, { recursive: true });
    rmSync(join(run, 'generator'), { recursive: true });
    cpSync(join(older, 'generator'), join(run, 'generator'), { recursive: true });
    const [fromCheckpoint, byDefault] = [join(root, 'c4.png'), join(root, 'default.png')];
    expect((await dcgan('sample', run, '--checkpoint', '4', '-n', '4', '--grid', fromCheckpoint)).code).toBe(0);
    const s = await dcgan('sample', run, '-n', '4', '--grid', byDefault);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(new RegExp(`from .*${step(4)} \\(EMA weights; newer than the exported generator of step 2\\)`));
    expect(readFileSync(byDefault).equals(readFileSync(fromCheckpoint))).toBe(true);

    const r = await dcgan('train', '--resume', run);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/re-exported .*generator: it was not the generator of the final step 4/);
    expect(((json(join(run, 'generator', 'model.json')).userDefinedMetadata as { dcgan: { step: number } }).dcgan.step)).toBe(4);
    const again = await dcgan('sample', run, '-n', '4', '--grid', byDefault);
    expect(again.stdout).toMatch(/from .*generator\/model\.json/);
    expect(readFileSync(byDefault).equals(readFileSync(fromCheckpoint))).toBe(true);
  });

  it('4: every weight file has a checksum in its metadata, checked on every load; a mismatch is one line naming the file', async () => {
    const ckpt = join(done, 'checkpoints', step(4));
    expect((json(join(ckpt, 'checkpoint.json')).checksums as Record<string, string>)['tensors.bin']).toBe(sha256(join(ckpt, 'tensors.bin')));
    const meta = json(join(done, 'generator', 'model.json')).userDefinedMetadata as { checksums: Record<string, string> };
    expect(meta.checksums['weights.bin']).toBe(sha256(join(done, 'generator', 'weights.bin')));

    const run = join(root, 'overwritten');
    cpSync(done, run, { recursive: true });
    garble(join(run, 'checkpoints', step(4), 'tensors.bin'));
    garble(join(run, 'generator', 'weights.bin'));
    failsCleanly(await dcgan('sample', run, '--checkpoint', '4', '-n', '2', '--grid', join(root, 'x.png')),
      new RegExp(`${step(4)}/tensors\\.bin: its checksum does not match the one in checkpoint\\.json`));
    // The exported generator is damaged too: sampling says so and uses the newest intact checkpoint.
    const s = await dcgan('sample', run, '-n', '2', '--grid', join(root, 'y.png'));
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/warning: .*generator\/weights\.bin: its checksum does not match/);
    expect(s.stderr).toMatch(new RegExp(`warning: .*${step(4)}/tensors\\.bin: its checksum does not match`));
    expect(s.stdout).toMatch(new RegExp(`from .*${step(2)} \\(EMA weights; in place of the damaged exported generator\\)`));
  });

  it('4, 5: --resume falls back to the newest intact checkpoint with a warning, and a diverging run names an intact one as the last good', async () => {
    const run = join(root, 'fallback');
    expect((await dcgan('train', ...TINY, '--max-steps', '3', '--checkpoint-every', '1', '--out', run)).code).toBe(0);
    garble(join(run, 'checkpoints', step(3), 'tensors.bin'));
    // Resumed with an absurd learning rate: step 3 again diverges (NaN).
    const r = await dcgan('train', '--resume', run, '--max-steps', '6', '--lr', '1e38');
    expect(r.stdout).toMatch(new RegExp(`warning: .*${step(3)}/tensors\\.bin: its checksum does not match .*; trying the checkpoint before it`));
    expect(r.stdout).toMatch(new RegExp(`resumed .* from .*${step(2)} \\(step 2`));
    expect(r.stdout).toMatch(new RegExp(`warning: set aside the checkpoints after step 2.*${step(3)}\\.superseded-`));
    failsCleanly(r, new RegExp(`training diverged at step 3: .* is NaN\\. The last good checkpoint is .*${step(2)};`));
    expect(json(join(run, 'progress.json'))).toMatchObject({ status: 'failed', step: 2 });
  });

  it('5: train --resume RUN --checkpoint STEP (or RUN/checkpoints/step-N) continues from that one, exactly', async () => {
    const run = join(root, 'chosen');
    cpSync(done, run, { recursive: true });
    const final = readFileSync(join(done, 'checkpoints', step(4), 'tensors.bin'));
    const r = await dcgan('train', '--resume', run, '--checkpoint', '2');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`resumed .* from .*${step(2)} \\(step 2`));
    expect(r.stdout).toMatch(/set aside the checkpoints after step 2/);
    // The two steps again: the same weights as the first time (exact resume).
    expect(readFileSync(join(run, 'checkpoints', step(4), 'tensors.bin')).equals(final)).toBe(true);
    expect(readdirSync(join(run, 'checkpoints')).filter((n) => n.startsWith(`${step(4)}.superseded-`))).toHaveLength(1);

    const byFolder = join(root, 'chosen-by-folder');
    cpSync(done, byFolder, { recursive: true });
    const f = await dcgan('train', '--resume', join(byFolder, 'checkpoints', step(2)));
    expect(f.code, f.stderr).toBe(0);
    expect(f.stdout).toMatch(new RegExp(`resumed ${byFolder} from .*${step(2)} \\(step 2`));
    failsCleanly(await dcgan('train', '--resume', run, '--checkpoint', '99'), /has no checkpoint of step 99; it has 2, 4/);
    failsCleanly(await dcgan('train', ...TINY, '--checkpoint', '2'), /--checkpoint 2 picks the checkpoint of a resumed run; add --resume RUN/);
  });

  // A small disk of its own: a tmpfs, which only root may mount.
  it.skipIf(process.getuid?.() !== 0)('6: a full disk is one line naming the file and the last complete checkpoint; progress says failed; nothing is lost', async () => {
    const disk = join(root, 'small-disk');
    mkdirSync(disk);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', disk]).status).toBe(0);
    try {
      const run = join(disk, 'run');
      const child = dcganAsync('train', ...TINY, '--max-steps', '100000', '--checkpoint-every', '5', '--sample-every', '5', '--out', run);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      await until(() => existsSync(join(run, 'checkpoints', step(5))), 'the first checkpoint');
      // Fill the disk: the trainer's next new page of a file fails.
      const fd = openSync(join(disk, 'filler'), 'w');
      try {
        for (const size of [1 << 20, 1 << 12]) {
          const chunk = Buffer.alloc(size, 1);
          for (;;) {
            try {
              writeSync(fd, chunk);
            } catch {
              break;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
      expect(await exited).toBe(1);
      expect(stderr).not.toMatch(STACK);
      const lines = stderr.trim().split('\n');
      expect(lines, stderr).toHaveLength(1);
      const m = /^dcgan train: (\S+) could not be written: the disk is full \(ENOSPC\); the last complete checkpoint is (\S+): free space \(or fix the folder\), then continue with dcgan train --resume (\S+)$/.exec(lines[0]!);
      expect(m, lines[0]).not.toBeNull();
      expect(m![1]!.startsWith(run)).toBe(true);
      expect(m![3]).toBe(run);
      const last = m![2]!;
      expect((json(join(last, 'checkpoint.json')).checksums as Record<string, string>)['tensors.bin']).toBe(sha256(join(last, 'tensors.bin')));
      expect(json(join(run, 'progress.json'))).toMatchObject({ status: 'failed', message: lines[0]!.replace('dcgan train: ', '') });
      const leftovers = readdirSync(run, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('.tmp-'));
      expect(leftovers).toEqual([]);
      // Space again: the run continues from there.
      rmSync(join(disk, 'filler'));
      const r = await dcgan('train', '--resume', run, '--max-steps', String(Number(/step-(\d+)/.exec(last)![1]) + 2));
      expect(r.code, r.stderr).toBe(0);
    } finally {
      spawnSync('umount', ['-l', disk]);
    }
  });

  it('7: a run rejected before its first step leaves nothing behind', async () => {
    const run = join(root, 'too-big');
    failsCleanly(await dcgan('train', '--data', 'fake:32x32x1', '--preset', 'dcgan64', '--ngf', '4', '--ndf', '4', '--image-size', '32', '--batch-size', '4096', '--out', run),
      /fewer than the batch size 4096/);
    expect(existsSync(run)).toBe(false);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    failsCleanly(await dcgan('train', '--data', 'fake:32x32x1', '--preset', 'dcgan64', '--ngf', '4', '--ndf', '4', '--image-size', '32', '--batch-size', '4096', '--out', empty),
      /fewer than the batch size/);
    expect(readdirSync(empty)).toEqual([]);
    // Then it starts as a new run (not "continue it with --resume").
    expect((await dcgan('train', ...TINY, '--max-steps', '1', '--out', run)).code).toBe(0);
  });

  it('9: what interrupted writes left is removed at the next start (a live writer\'s is kept)', async () => {
    const run = join(root, 'leftovers');
    cpSync(done, run, { recursive: true });
    // A pid that no process has: a child that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim();
    const left = [join(run, `.generator.tmp-${dead}-0`), join(run, 'checkpoints', `.${step(6)}.tmp-${dead}-1`), join(run, `.progress.json.tmp-${dead}-2`),
      join(run, 'samples', `.${step(6)}.png.tmp-${dead}-3`)];
    mkdirSync(left[0]!);
    writeFileSync(join(left[0]!, 'weights.bin'), Buffer.alloc(1 << 20));
    mkdirSync(left[1]!);
    writeFileSync(left[2]!, '{');
    writeFileSync(left[3]!, 'png');
    const live = join(run, `.metrics.jsonl.tmp-${process.pid}-0`);
    writeFileSync(live, 'being written');
    const r = await dcgan('train', '--resume', run);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/removed what interrupted writes left: .*\.generator\.tmp-/);
    for (const p of left) expect(existsSync(p), p).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it('10: negative numbers after a flag, an unreadable image, exploding losses, serve --runs FILE', async () => {
    failsCleanly(await dcgan('train', '--epochs', '-1', '--dry-run'), /^dcgan train: --epochs must be at least 1, got -1$/);
    failsCleanly(await dcgan('train', '--epochs', '0', '--dry-run'), /^dcgan train: --epochs must be at least 1, got 0$/);
    failsCleanly(await dcgan('sample', done, '--seed', '-3'), /^dcgan sample: --seed must be at least 0, got -3$/);

    const images = join(root, 'images');
    mkdirSync(images);
    for (let k = 0; k < 3; k++) cpSync(join(done, 'samples', step(2) + '.png'), join(images, `${k}.png`));
    chmodSync(images, 0o755);
    chmodSync(root, 0o755);
    writeFileSync(join(images, 'locked.png'), readFileSync(join(images, '0.png')));
    chmodSync(join(images, 'locked.png'), 0o000);
    // As root every file is readable: read as nobody (setpriv), as any other user directly.
    const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const r = spawnSync(asUser[0] ?? process.execPath, [...asUser.slice(1), ...(asUser.length ? [process.execPath] : []), join(__dirname, '..', 'bin', 'dcgan.js'),
      'data', 'inspect', images, '--strict', '--no-cache', '--image-size', '32'], { encoding: 'utf8', env: { ...process.env, DCGAN_THREADS: '1' } });
    failsCleanly({ code: r.status, stdout: r.stdout, stderr: r.stderr }, /locked\.png: cannot be read: permission denied \(EACCES\); fix its permissions or remove it/);

    const run = join(root, 'exploding');
    const e = await dcgan('train', ...TINY, '--max-steps', '3', '--lr', '1e9', '--out', run);
    expect(e.stdout + e.stderr).toMatch(/warning: step \d: the losses are exploding \(Loss_D .*\): the learning rate is far too high/);

    failsCleanly(await dcgan('serve', '--runs', join(root, 'a-file-to-serve'), '--port', '0'), /--runs .* no such folder/);
    writeFileSync(join(root, 'a-file-to-serve'), 'x');
    failsCleanly(await dcgan('serve', '--runs', join(root, 'a-file-to-serve'), '--port', '0'), /--runs .*a-file-to-serve is a file, not a folder/);
  });
});
