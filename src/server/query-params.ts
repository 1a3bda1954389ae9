// Typed, checked readers of query parameters: an unknown, repeated or malformed parameter is a 400 naming it.
import { badRequest } from './http-error.js';

/** Rejects parameters other than `allowed` (a typo should not be silently ignored). */
export function allowOnly(query: URLSearchParams, allowed: readonly string[]): void {
  for (const name of query.keys()) {
    if (!allowed.includes(name)) {
      throw badRequest(`unknown query parameter '${name}'${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ' (this path takes none)'}`);
    }
  }
}

/** An integer parameter in [min, max]; `fallback` when absent. */
export function intParam(query: URLSearchParams, name: string, opts: { min: number; max: number; fallback: number }): number {
  const all = query.getAll(name);
  if (all.length === 0) return opts.fallback;
  if (all.length > 1) throw badRequest(`query parameter '${name}' given ${all.length} times`);
  const raw = all[0]!;
  if (!/^-?\d{1,16}$/.test(raw)) throw badRequest(`query parameter '${name}' must be an integer, got '${raw.slice(0, 40)}'`);
  const v = Number(raw);
  if (v < opts.min || v > opts.max) throw badRequest(`query parameter '${name}' must be in [${opts.min}, ${opts.max}], got ${v}`);
  return v;
}
