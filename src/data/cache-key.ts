// What a cache file is keyed by: the source files (path, size, mtime), the transform, and the versions that
// decide the decoded pixels. Any change gives a new key, so a stale cache is never read.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';

/** Bumped when the pixels this module produces for the same input change. */
const PIPELINE_VERSION = 1;

/** [path, size in bytes, mtime in ms] of one source file. */
export type FileStamp = [string, number, number];

export function stampFiles(paths: string[]): FileStamp[] {
  return paths.map((p) => {
    const s = statSync(p);
    return [p, s.size, Math.round(s.mtimeMs)];
  });
}

/** sha256 (hex) of everything that decides a dataset's pixels. */
export function cacheKey(parts: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify({ pipeline: PIPELINE_VERSION, ...parts })).digest('hex');
}

/** The cache file for a key: <dir>/<slug>-<first 16 hex of the key>.u8 */
export function cacheFilePath(dir: string, slug: string, key: string): string {
  return join(dir, `${slug}-${key.slice(0, 16)}.u8`);
}
