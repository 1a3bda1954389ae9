// Typed values and their bounds: one vocabulary for the knob table, every command's flags and the config
// files, so that text is parsed, a value checked and a bad one reported the same way everywhere.
import { UserError } from './errors.js';

export type ValueKind = 'int' | 'number' | 'string' | 'path' | 'boolean' | 'choice' | 'size' | 'rgb' | 'ints';

/** What a value may be. Bounds: `min`/`max` inclusive, `gt`/`lt` exclusive. */
export interface ValueSpec {
  kind: ValueKind;
  choices?: readonly (string | number)[];
  min?: number;
  max?: number;
  gt?: number;
  lt?: number;
}

/** The value a spec describes, as TypeScript sees it. */
export type ValueOf<S> =
  S extends { kind: 'int' | 'number' } ? number
    : S extends { kind: 'boolean' } ? boolean
      : S extends { kind: 'choice'; choices: readonly (infer C)[] } ? C
        : S extends { kind: 'size' } ? [number, number]
          : S extends { kind: 'rgb' } ? [number, number, number]
            : S extends { kind: 'ints' } ? number[]
              : string;

/** The largest image side accepted anywhere (a bigger one is a typo, not a wish). */
export const MAX_SIDE = 4096;

function range(s: ValueSpec): string {
  const lo = s.gt !== undefined ? `(${s.gt}` : s.min !== undefined ? `[${s.min}` : undefined;
  const hi = s.lt !== undefined ? `${s.lt})` : s.max !== undefined ? `${s.max}]` : undefined;
  if (lo && hi) return ` in ${lo}, ${hi}`;
  if (lo) return s.gt !== undefined ? ` > ${s.gt}` : ` >= ${s.min}`;
  if (hi) return s.lt !== undefined ? ` < ${s.lt}` : ` <= ${s.max}`;
  return '';
}

/** 'a number in (0, 1]', 'an integer >= 1', 'one of adam, sgd-nesterov' ... */
export function describeValue(s: ValueSpec): string {
  switch (s.kind) {
    case 'int': return `an integer${range(s)}`;
    case 'number': return `a number${range(s)}`;
    case 'boolean': return 'true or false';
    case 'choice': return `one of ${(s.choices ?? []).join(', ')}`;
    case 'size': return `N or HxW (height x width, 1..${MAX_SIDE}), e.g. 64 or 64x48`;
    case 'rgb': return 'white, black, gray, #rrggbb or r,g,b with values 0..255';
    case 'ints': return `a comma-separated list of integers${range(s)}`;
    default: return 'a non-empty string';
  }
}

/** The bound `v` breaks ('at most 65535' ...), or null when it is in range. */
function broken(s: ValueSpec, v: number): string | null {
  if (s.min !== undefined && v < s.min) return `at least ${s.min}`;
  if (s.max !== undefined && v > s.max) return `at most ${s.max}`;
  if (s.gt !== undefined && !(v > s.gt)) return `greater than ${s.gt}`;
  if (s.lt !== undefined && !(v < s.lt)) return `less than ${s.lt}`;
  return null;
}

const inRange = (s: ValueSpec, v: number) => broken(s, v) === null;

function bad(name: string, s: ValueSpec, got: string): UserError {
  return new UserError(`${name} must be ${describeValue(s)}, got ${got}`);
}

/** Checks a value given in code or read from a file; `name` is how the message names it. */
export function checkValue(s: ValueSpec, value: unknown, name: string): void {
  const fail = () => bad(name, s, JSON.stringify(value) ?? String(value));
  switch (s.kind) {
    case 'int':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value) || (s.kind === 'int' && !Number.isInteger(value))) throw fail();
      const bound = broken(s, value);
      if (bound) throw new UserError(`${name} must be ${bound}, got ${value}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw fail();
      return;
    case 'choice':
      if (!(s.choices ?? []).includes(value as string | number)) throw fail();
      return;
    case 'size':
      if (!Array.isArray(value) || value.length !== 2 || !value.every((d) => Number.isInteger(d) && d >= 1 && d <= MAX_SIDE)) throw fail();
      return;
    case 'rgb':
      if (!Array.isArray(value) || value.length !== 3 || !value.every((d) => Number.isInteger(d) && d >= 0 && d <= 255)) throw fail();
      return;
    case 'ints':
      if (!Array.isArray(value) || value.length === 0 || !value.every((d) => Number.isInteger(d) && inRange(s, d))) throw fail();
      return;
    default:
      if (typeof value !== 'string' || !value) throw fail();
  }
}

/** Parses flag text into the value `s` describes, and checks it; `name` is how the message names it. */
export function parseValue(s: ValueSpec, text: string, name: string): unknown {
  let value: unknown;
  switch (s.kind) {
    case 'int':
    case 'number':
      value = text.trim() === '' ? NaN : Number(text);
      break;
    case 'boolean':
      value = text === 'true' ? true : text === 'false' ? false : text;
      break;
    case 'choice':
      value = (s.choices ?? []).find((c) => String(c) === text) ?? text;
      break;
    case 'size':
      return parseSize(text, name);
    case 'rgb':
      return parseBackground(text, name);
    case 'ints':
      value = text.split(',').map((t) => t.trim()).filter(Boolean).map((t) => Number(t));
      break;
    default:
      value = text;
  }
  if ((s.kind === 'int' || s.kind === 'number') && typeof value === 'number' && Number.isFinite(value)) {
    checkValue(s, value, name);
    return value;
  }
  try {
    checkValue(s, value, name);
  } catch {
    throw bad(name, s, `'${text}'`);
  }
  return value;
}

/** '64' -> [64, 64]; '64x48' or '64,48' -> [64, 48] (height x width). */
export function parseSize(text: string, name = '--image-size'): [number, number] {
  const m = /^\s*(\d+)(?:\s*[x,]\s*(\d+))?\s*$/i.exec(text);
  const h = Number(m?.[1]), w = Number(m?.[2] ?? m?.[1]);
  if (!m || !(h >= 1 && h <= MAX_SIDE && w >= 1 && w <= MAX_SIDE)) throw bad(name, { kind: 'size' }, `'${text}'`);
  return [h, w];
}

const NAMED: Record<string, [number, number, number]> = { white: [255, 255, 255], black: [0, 0, 0], gray: [128, 128, 128], grey: [128, 128, 128] };

/** 'white', 'black', 'gray', '#rrggbb', '#rgb' or 'r,g,b' (0..255) -> [r, g, b]. */
export function parseBackground(text: string, name = '--background'): [number, number, number] {
  const t = text.trim().toLowerCase();
  const named = NAMED[t];
  if (named) return [...named];
  let m = /^#?([0-9a-f]{6})$/.exec(t);
  if (m) {
    const v = parseInt(m[1]!, 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  m = /^#([0-9a-f]{3})$/.exec(t);
  if (m) return [...m[1]!].map((d) => parseInt(d + d, 16)) as [number, number, number];
  const parts = t.split(',').map((x) => Number(x.trim()));
  if (parts.length === 3 && parts.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)) return parts as [number, number, number];
  throw bad(name, { kind: 'rgb' }, `'${text}'`);
}
