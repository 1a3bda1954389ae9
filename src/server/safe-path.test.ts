// Unit tests of resolveFileInside: files inside the root are found; hidden names, folders, missing files and
// symbolic links that lead outside are refused.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from './http-error.js';
import { resolveFileInside } from './safe-path.js';

async function status(p: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof HttpError) return e.status;
    throw e;
  }
}

describe('resolveFileInside', () => {
  const base = mkdtempSync(join(tmpdir(), 'dcgan-safe-path-'));
  const root = join(base, 'runs');

  beforeAll(() => {
    mkdirSync(join(root, 'a', 'samples'), { recursive: true });
    writeFileSync(join(root, 'a', 'samples', 'step-0000001.png'), 'png');
    writeFileSync(join(root, 'a', '.progress.json.tmp-1'), '{}');
    writeFileSync(join(base, 'secret.txt'), 'secret');
    symlinkSync(join(base, 'secret.txt'), join(root, 'a', 'leak.txt'));
    symlinkSync(base, join(root, 'a', 'up'));
    symlinkSync(join(root, 'a', 'samples', 'step-0000001.png'), join(root, 'a', 'latest.png'));
  });

  it('finds a file inside the root, also through a link that stays inside', async () => {
    expect(await resolveFileInside(root, ['a', 'samples', 'step-0000001.png'])).toMatch(/step-0000001\.png$/);
    expect(await resolveFileInside(root, ['a', 'latest.png'])).toMatch(/step-0000001\.png$/);
  });

  it('refuses links out of the root (403), hidden names, folders and missing files (404), bad segments (400)', async () => {
    expect(await status(resolveFileInside(root, ['a', 'leak.txt']))).toBe(403);
    expect(await status(resolveFileInside(root, ['a', 'up', 'secret.txt']))).toBe(403);
    expect(await status(resolveFileInside(root, ['a', '.progress.json.tmp-1']))).toBe(404);
    expect(await status(resolveFileInside(root, ['a', 'samples']))).toBe(404);
    expect(await status(resolveFileInside(root, ['a', 'nope.png']))).toBe(404);
    expect(await status(resolveFileInside(root, []))).toBe(404);
    expect(await status(resolveFileInside(root, ['..', 'secret.txt']))).toBe(400);
    expect(await status(resolveFileInside(root, ['a/../../secret.txt']))).toBe(400);
    expect(await status(resolveFileInside(join(base, 'missing-root'), ['a']))).toBe(404);
  });
});
