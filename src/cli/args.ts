// Flag parsing shared by the commands: node's parseArgs with strict checking, turned into UserErrors that
// name the flag and the fix, and typed readers for numbers and choices.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Parses argv against `options`; unknown flags and missing values are UserErrors naming the command. */
export function parse(command: string, argv: string[], options: OptionSpec, allowPositionals = false): Parsed {
  try {
    const r = parseArgs({ args: argv, options, allowPositionals, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UserError(`${msg}. Run \`dcgan ${command} --help\` for the flags.`);
  }
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A numeric flag; `integer` and `min` are checked with an error naming the flag. */
export function num(p: Parsed, name: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
  const raw = str(p, name);
  if (raw === undefined) return undefined;
  const v = Number(raw);
  const kind = opts.integer ? 'an integer' : 'a number';
  if (!Number.isFinite(v) || (opts.integer && !Number.isInteger(v))) throw new UserError(`--${name} must be ${kind}, got '${raw}'`);
  if (opts.min !== undefined && v < opts.min) throw new UserError(`--${name} must be at least ${opts.min}, got ${v}`);
  if (opts.max !== undefined && v > opts.max) throw new UserError(`--${name} must be at most ${opts.max}, got ${v}`);
  return v;
}

export function choice<T extends string>(p: Parsed, name: string, choices: readonly T[]): T | undefined {
  const raw = str(p, name);
  if (raw === undefined) return undefined;
  if (!choices.includes(raw as T)) throw new UserError(`--${name} must be one of ${choices.join(', ')}, got '${raw}'`);
  return raw as T;
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}
