// Parses a request's raw target (req.url) strictly: the path as decoded segments, the query as parameters.
// Anything ambiguous (bad percent-encoding, dot segments, encoded slashes, NUL) is a 400, before any file
// system access, so traversal attempts such as /runs/..%2f..%2fetc/passwd never reach a path join.
import { HttpError, badRequest } from './http-error.js';

export interface RequestTarget {
  /** Decoded path segments: '/runs/a%20b/x.png' -> ['runs', 'a b', 'x.png']. A trailing '/' is dropped. */
  segments: string[];
  query: URLSearchParams;
}

/** Longest request target accepted (414 beyond). */
export const MAX_TARGET_LENGTH = 4096;

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw badRequest(`malformed percent-encoding in the ${what}`);
  }
}

export function parseTarget(raw: string | undefined): RequestTarget {
  if (!raw || !raw.startsWith('/')) throw badRequest('the request target must be a path starting with /');
  if (raw.length > MAX_TARGET_LENGTH) throw new HttpError(414, `request target longer than ${MAX_TARGET_LENGTH} characters`);
  const q = raw.indexOf('?');
  const rawPath = q < 0 ? raw : raw.slice(0, q);
  const rawQuery = q < 0 ? '' : raw.slice(q + 1);

  const parts = rawPath.slice(1).split('/');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  const segments = parts.length === 1 && parts[0] === '' ? [] : parts.map((p) => {
    if (p === '') throw badRequest('empty path segment (//)');
    const s = decode(p, 'path');
    if (s === '.' || s === '..') throw badRequest('dot segments (. and ..) are not allowed in paths');
    if (/[/\\\0]/.test(s)) throw badRequest('encoded slashes, backslashes and NUL are not allowed in path segments');
    return s;
  });

  for (const pair of rawQuery.split('&')) {
    for (const part of pair.split('=')) decode(part.replace(/\+/g, ' '), 'query');
  }
  return { segments, query: new URLSearchParams(rawQuery) };
}
