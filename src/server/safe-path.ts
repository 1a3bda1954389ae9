// Maps decoded path segments to a regular file inside a root folder, or fails with 4xx. Three fences: no
// hidden names (temporary files, .git), a lexical check that the joined path stays under the root, and a
// real-path check, so that a symbolic link cannot lead out of the root either; the API's readers use the
// same real-path check (realPathInside).
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { HttpError, notFound } from './http-error.js';

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The real path of the regular file `segments` names under `root`; 404 when absent, 403 when it leads outside. */
export async function resolveFileInside(root: string, segments: readonly string[]): Promise<string> {
  if (segments.length === 0) throw notFound();
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..' || /[/\\\0]/.test(s)) throw new HttpError(400, 'invalid path segment');
    if (s.startsWith('.')) throw notFound();
  }
  const base = resolve(root);
  const path = join(base, ...segments);
  if (!inside(base, path)) throw new HttpError(403, 'outside the served folder');
  let real: string, realRoot: string;
  try {
    [realRoot, real] = await Promise.all([realpath(base), realpath(path)]);
  } catch {
    throw notFound();
  }
  if (!inside(realRoot, real)) throw new HttpError(403, 'outside the served folder');
  const st = await stat(real).catch(() => null);
  if (!st?.isFile()) throw notFound();
  return real;
}

/** The real path of `path` when it lies inside `root` after every symbolic link is followed; null when not, or missing. */
export async function realPathInside(root: string, path: string): Promise<string | null> {
  try {
    const [realRoot, real] = await Promise.all([realpath(root), realpath(path)]);
    return inside(realRoot, real) ? real : null;
  } catch {
    return null;
  }
}
