// A command's flags declared once, as data: the parser (node's parseArgs, strict), the typed values, the
// errors that name the flag and the fix, and the --help text all come from the same list.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../util/errors.js';
import { parseValue, type ValueOf, type ValueSpec } from '../util/values.js';

export interface Flag extends ValueSpec {
  /** The long name, without the dashes. */
  name: string;
  short?: string;
  /** What --help shows as the value (N, FILE ...). */
  metavar?: string;
  /** One line for --help. */
  help: string;
  /** The heading it is listed under in --help. */
  group?: string;
  /** A boolean that is on by default: the flag is --no-<name>, and gives false. */
  negatable?: boolean;
}

export interface CommandSpec {
  /** The command's name (dcgan <name>). */
  name: string;
  /** What follows the name in the usage line, e.g. 'SOURCE [-n N] [flags]'. */
  synopsis: string;
  /** What the command does, a paragraph. */
  about: string;
  flags: readonly Flag[];
  /** How many positional arguments it takes (default none), and what they are called in messages. */
  positionals?: { min: number; max: number; name: string };
  /** Text after the flags. */
  notes?: string;
}

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

/** The parsed values of a list of flags, keyed by their names in camelCase (no-grid -> noGrid). */
export type FlagValues<F extends readonly Flag[]> = { [K in F[number] as Camel<K['name']>]?: ValueOf<K> };

export interface ParsedArgs<F extends readonly Flag[]> {
  values: FlagValues<F>;
  positionals: string[];
  /** argv without the given flags (and their values), for handing the rest to another process. */
  without(names: readonly string[]): string[];
}

const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const optionName = (f: Flag) => (f.negatable ? `no-${f.name}` : f.name);
const isNumberText = (t: string) => /^-(\d|\.\d)/.test(t);

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return d[b.length]!;
}

/** ' (did you mean --lr-d?)' for a flag one or two edits away from a known one. */
function suggestion(unknown: string, spec: CommandSpec): string {
  const best = spec.flags.map(optionName).map((n) => ({ n, d: editDistance(unknown, n) })).sort((a, b) => a.d - b.d)[0];
  return best && best.d <= Math.max(1, Math.floor(unknown.length / 4)) ? ` (did you mean --${best.n}?)` : '';
}

/**
 * Parses argv against the spec. Errors are UserErrors naming the flag and the fix. A negative number after a
 * flag that takes a value is that value (`--epochs -1` is checked as -1, not taken for a flag).
 */
export function parseFlags<S extends CommandSpec>(spec: S, argv: readonly string[]): ParsedArgs<S['flags']> {
  const byOption = new Map(spec.flags.map((f) => [optionName(f), f]));
  const byShort = new Map(spec.flags.filter((f) => f.short).map((f) => [f.short!, f]));
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i]!;
    const f = t.startsWith('--') ? byOption.get(t.slice(2)) : t.length === 2 && t[0] === '-' ? byShort.get(t[1]!) : undefined;
    if (f && f.kind !== 'boolean' && i + 1 < argv.length && isNumberText(argv[i + 1]!)) {
      args.push(`--${f.name}=${argv[++i]}`);
    } else {
      args.push(t);
    }
  }
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const f of spec.flags) options[optionName(f)] = { type: f.kind === 'boolean' ? 'boolean' : 'string', ...(f.short ? { short: f.short } : {}) };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[]; tokens: { kind: string; name?: string; index: number; value?: string; inlineValue?: boolean }[] };
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true }) as typeof parsed;
  } catch (e) {
    const err = e as Error & { code?: string };
    const unknown = /Unknown option '--?([^']+)'/.exec(err.message)?.[1];
    const msg = unknown ? `Unknown option '${unknown.length === 1 ? '-' : '--'}${unknown}'${suggestion(unknown, spec)}` : err.message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UserError(`${msg}. Run \`dcgan ${spec.name} --help\` for the flags.`);
  }
  const values: Record<string, unknown> = {};
  for (const f of spec.flags) {
    const raw = parsed.values[optionName(f)];
    if (raw === undefined) continue;
    if (f.kind === 'boolean') values[camel(f.name)] = f.negatable ? false : true;
    else values[camel(f.name)] = parseValue(f, raw as string, `--${f.name}`);
  }
  const pos = spec.positionals ?? { min: 0, max: 0, name: '' };
  if (parsed.positionals.length > pos.max) {
    throw new UserError(`unexpected argument '${parsed.positionals[pos.max]}'${pos.max === 0 ? ' (flags start with --)' : ''}. Run \`dcgan ${spec.name} --help\` for the usage.`);
  }
  if (parsed.positionals.length < pos.min) throw new UserError(`give ${pos.name}: dcgan ${spec.name} ${spec.synopsis}`);
  const without = (names: readonly string[]) => {
    const drop = new Set<number>();
    for (const t of parsed.tokens) {
      if (t.kind !== 'option' || !names.includes(t.name!)) continue;
      drop.add(t.index);
      if (t.value !== undefined && !t.inlineValue) drop.add(t.index + 1);
    }
    return args.filter((_, i) => !drop.has(i));
  };
  return { values: values as FlagValues<S['flags']>, positionals: parsed.positionals, without };
}

/** Whether argv asks for the command's help. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

const WIDTH = 110, COLUMN = 24;

function wrap(text: string, indent: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && indent + line.length + 1 + w.length > WIDTH) {
      lines.push(line);
      line = w;
    } else {
      line = line ? `${line} ${w}` : w;
    }
  }
  if (line) lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

function flagLine(f: Flag): string {
  const value = f.kind === 'boolean' ? '' : ` ${f.metavar ?? (f.kind === 'choice' ? (f.choices ?? []).join('|') : 'X')}`;
  const left = `  ${f.short ? `-${f.short}, ` : ''}--${optionName(f)}${value}`;
  return left.length < COLUMN - 1 ? `${left.padEnd(COLUMN)}${wrap(f.help, COLUMN)}` : `${left}\n${' '.repeat(COLUMN)}${wrap(f.help, COLUMN)}`;
}

/** The --help text: usage line, what the command does, the flags by group, the notes. */
export function usage(spec: CommandSpec): string {
  const groups = new Map<string, Flag[]>();
  for (const f of spec.flags) {
    const g = f.group ?? '';
    groups.set(g, [...(groups.get(g) ?? []), f]);
  }
  const parts = [`usage: dcgan ${spec.name} ${spec.synopsis}`, '', wrap(spec.about, 0)];
  // Flags without a group come first without a heading, or under 'flags' when they follow a group.
  [...groups].forEach(([g, flags], i) => parts.push('', ...(g ? [g] : i > 0 ? ['flags'] : []), ...flags.map(flagLine)));
  parts.push(`  -h, --help`.padEnd(COLUMN) + 'this text');
  if (spec.notes) parts.push('', spec.notes);
  return parts.join('\n');
}
