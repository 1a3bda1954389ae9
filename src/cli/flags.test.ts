// Flags as data: parseFlags turns argv into typed values with errors that name the flag the user typed (a
// suggestion for a near miss, the bound for `--epochs -1`), usage() lists every flag under its group; and for
// `dcgan train`, every knob of the table is one flag, in its group, that parses back into the knob's own key.
import { describe, expect, it } from 'vitest';
import { thrownUserError as message } from '../testing/user-error.js';
import { flagOf, KNOB_KEYS, knob, KNOBS } from '../run/knobs.js';
import { command as train } from './commands/train.js';
import { parseFlags, usage, wantsHelp, type CommandSpec } from './flags.js';
import { knobFlags } from './knob-flags.js';

const SPEC = {
  name: 'demo',
  synopsis: 'SOURCE [flags]',
  about: 'A command made for this test.',
  positionals: { min: 1, max: 2, name: 'SOURCE' },
  flags: [
    { name: 'count', short: 'n', kind: 'int', min: 1, help: 'how many' },
    { name: 'epochs', kind: 'int', min: 1, metavar: 'N', group: 'training', help: 'passes over the data' },
    { name: 'lr-d', kind: 'number', gt: 0, metavar: 'X', group: 'training', help: "D's learning rate" },
    { name: 'beta1', kind: 'number', min: 0, lt: 1, group: 'training', help: "Adam's beta1" },
    { name: 'real-label', kind: 'number', gt: 0, max: 1, group: 'training', help: "D's target" },
    { name: 'optimizer', kind: 'choice', choices: ['adam', 'sgd-nesterov'], group: 'training', help: 'which' },
    { name: 'image-size', kind: 'size', metavar: 'N|HxW', group: 'data', help: 'image size' },
    { name: 'flip', kind: 'boolean', group: 'data', help: 'random flips' },
    { name: 'cache', kind: 'boolean', negatable: true, group: 'data', help: 'read and write no cache' },
  ],
  notes: 'Notes after the flags.',
} as const satisfies CommandSpec;

describe('parseFlags', () => {
  it('gives typed values keyed in camelCase, and the positionals', () => {
    const a = parseFlags(SPEC, ['src', '--epochs', '3', '--lr-d=2e-4', '-n', '7', '--optimizer', 'sgd-nesterov', '--image-size', '64x48', '--flip', '--no-cache']);
    expect(a.values).toEqual({ epochs: 3, lrD: 2e-4, count: 7, optimizer: 'sgd-nesterov', imageSize: [64, 48], flip: true, cache: false });
    expect(a.positionals).toEqual(['src']);
    expect(a.without(['epochs', 'flip'])).toEqual(['src', '--lr-d=2e-4', '-n', '7', '--optimizer', 'sgd-nesterov', '--image-size', '64x48', '--no-cache']);
  });

  it('an unknown flag is named, with the known flag it is closest to', () => {
    expect(message(() => parseFlags(SPEC, ['s', '--epoch', '3']))).toBe("Unknown option '--epoch' (did you mean --epochs?). Run `dcgan demo --help` for the flags.");
    expect(message(() => parseFlags(SPEC, ['s', '--lr-g', '1']))).toBe("Unknown option '--lr-g' (did you mean --lr-d?). Run `dcgan demo --help` for the flags.");
    // Nothing near: no guess.
    expect(message(() => parseFlags(SPEC, ['s', '--resolution', '64']))).toBe("Unknown option '--resolution'. Run `dcgan demo --help` for the flags.");
    expect(message(() => parseFlags(SPEC, ['s', '-x']))).toBe("Unknown option '-x'. Run `dcgan demo --help` for the flags.");
  });

  it('`--epochs -1` is the number -1, rejected with the bound (not node\'s "ambiguous" message)', () => {
    expect(message(() => parseFlags(SPEC, ['s', '--epochs', '-1']))).toBe('--epochs must be at least 1, got -1');
    expect(message(() => parseFlags(SPEC, ['s', '--epochs=-1']))).toBe('--epochs must be at least 1, got -1');
    expect(message(() => parseFlags(SPEC, ['s', '-n', '-2']))).toBe('--count must be at least 1, got -2');
    expect(message(() => parseFlags(SPEC, ['s', '--lr-d', '-.5']))).toBe('--lr-d must be greater than 0, got -0.5');
    // A negative number is a value only after a flag that takes one.
    expect(message(() => parseFlags(SPEC, ['s', '--flip', '-1']))).toMatch(/^Unknown option '-1'/);
  });

  it('each kind of bound gives its message, naming the flag as typed', () => {
    expect(message(() => parseFlags(SPEC, ['s', '--epochs', '0']))).toBe('--epochs must be at least 1, got 0');
    expect(message(() => parseFlags(SPEC, ['s', '--real-label', '1.5']))).toBe('--real-label must be at most 1, got 1.5');
    expect(message(() => parseFlags(SPEC, ['s', '--lr-d', '0']))).toBe('--lr-d must be greater than 0, got 0');
    expect(message(() => parseFlags(SPEC, ['s', '--beta1', '1']))).toBe('--beta1 must be less than 1, got 1');
    expect(message(() => parseFlags(SPEC, ['s', '--epochs', '1.5']))).toBe('--epochs must be an integer >= 1, got 1.5');
    expect(message(() => parseFlags(SPEC, ['s', '--epochs', 'many']))).toBe("--epochs must be an integer >= 1, got 'many'");
    expect(message(() => parseFlags(SPEC, ['s', '--optimizer', 'sgd']))).toBe("--optimizer must be one of adam, sgd-nesterov, got 'sgd'");
    expect(message(() => parseFlags(SPEC, ['s', '--image-size', '64x']))).toMatch(/^--image-size must be N or HxW/);
  });

  it('a missing value, too many or too few positionals: one line with the fix', () => {
    expect(message(() => parseFlags(SPEC, ['s', '--epochs']))).toMatch(/--epochs.*argument missing\. Run `dcgan demo --help` for the flags\.$/);
    expect(message(() => parseFlags(SPEC, ['a', 'b', 'c']))).toBe("unexpected argument 'c'. Run `dcgan demo --help` for the usage.");
    expect(message(() => parseFlags(SPEC, []))).toBe('give SOURCE: dcgan demo SOURCE [flags]');
    expect(message(() => parseFlags({ ...SPEC, positionals: undefined }, ['stray']))).toBe("unexpected argument 'stray' (flags start with --). Run `dcgan demo --help` for the usage.");
  });

  it('wantsHelp sees --help and -h anywhere', () => {
    expect(wantsHelp(['x', '--help'])).toBe(true);
    expect(wantsHelp(['-h'])).toBe(true);
    expect(wantsHelp(['--helpful'])).toBe(false);
  });
});

describe('usage', () => {
  it('lists the usage line, what the command does, each flag under its group heading, and the notes', () => {
    const text = usage(SPEC);
    const lines = text.split('\n');
    expect(lines[0]).toBe('usage: dcgan demo SOURCE [flags]');
    expect(text).toContain('A command made for this test.');
    expect(lines.filter((l) => ['training', 'data'].includes(l))).toEqual(['training', 'data']);
    expect(text).toMatch(/^ {2}--epochs N +passes over the data$/m);
    expect(text).toMatch(/^ {2}-n, --count X +how many$/m);
    expect(text).toMatch(/^ {2}--optimizer adam\|sgd-nesterov\n? +which$/m);
    expect(text).toMatch(/^ {2}--no-cache +read and write no cache$/m);
    expect(text).toMatch(/^ {2}-h, --help +this text$/m);
    expect(lines[lines.length - 1]).toBe('Notes after the flags.');
    // The ungrouped flag first, without a heading; each grouped one under its own.
    expect(groupOfFlags(text)).toMatchObject({ count: '', epochs: 'training', 'lr-d': 'training', 'image-size': 'data', 'no-cache': 'data' });
  });
});

/** flag (without dashes) -> the group heading it is listed under in a usage text ('' before any heading). */
function groupOfFlags(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let group = '';
  for (const line of text.split('\n')) {
    if (/^[a-z][a-z ]*$/.test(line)) group = line;
    const m = /^ {2}(?:-[a-z], )?--([a-z0-9-]+)/.exec(line);
    if (m) out[m[1]!] = group;
  }
  return out;
}

describe('dcgan train: one flag per knob (src/run/knobs.ts)', () => {
  const text = usage(train.spec);
  const groups = groupOfFlags(text);

  it('--help lists every knob\'s flag under the knob\'s group, with its help line', () => {
    for (const key of KNOB_KEYS) {
      const k = knob(key);
      const flag = k.negatable ? `no-${flagOf(key)}` : flagOf(key);
      expect(groups[flag], `--${flag} (${key})`).toBe(k.group);
      // The help's first words are on the flag's line (long help wraps onto the next lines).
      expect(text, key).toContain(k.help.split(' ').slice(0, 3).join(' '));
    }
    // Fixed defaults are shown; computed ones are described by the help itself.
    expect(text).toMatch(/--epochs N +passes over the data \(default 5\)/);
    expect(text).toContain(`--resume DIR`);
  });

  it('--<flag> <value> parses back into the knob\'s own key, for every knob', () => {
    for (const key of KNOB_KEYS) {
      const k = knob(key);
      const [argv, want] = sample(key);
      const parsed = parseFlags(train.spec, argv).values as Record<string, unknown>;
      expect(parsed, `${argv.join(' ')} -> ${key}`).toEqual({ [key]: want });
      if (k.kind === 'int' || k.kind === 'number') {
        // And its bound is the knob's, named by the flag.
        const lowest = k.min ?? k.gt;
        if (lowest !== undefined) expect(message(() => parseFlags(train.spec, [`--${flagOf(key)}`, String(lowest - 1)])), key).toMatch(new RegExp(`^--${flagOf(key)} must be `));
      }
    }
    expect(knobFlags()).toHaveLength(KNOB_KEYS.length);
  });

  it('--ngf and --nz are flags of the model group; --lr sets both rates (its help says so)', () => {
    expect(groups).toMatchObject({ nz: 'model', ngf: 'model', ndf: 'model', lr: 'training', 'lr-d': 'training', resume: 'run folder' });
    expect(KNOBS.lr.help).toMatch(/both/);
  });
});

/** A flag and its value for a knob, and the value parseFlags should give. */
function sample(key: (typeof KNOB_KEYS)[number]): [string[], unknown] {
  const k = knob(key), flag = `--${flagOf(key)}`;
  switch (k.kind) {
    case 'boolean':
      return k.negatable ? [[`--no-${flagOf(key)}`], false] : [[flag], true];
    case 'int': {
      const v = (k.min ?? 0) + 2;
      return [[flag, String(v)], v];
    }
    case 'number': {
      const lo = k.min ?? k.gt ?? 0, hi = k.max ?? k.lt ?? lo + 1;
      const v = (lo + hi) / 2;
      return [[flag, String(v)], v];
    }
    case 'choice': {
      const c = k.choices![k.choices!.length - 1]!;
      return [[flag, String(c)], c];
    }
    case 'size':
      return [[flag, '32x48'], [32, 48]];
    case 'rgb':
      return [[flag, '#102030'], [16, 32, 48]];
    case 'ints':
      return [[flag, '1,2'], [1, 2]];
    default:
      return [[`${flag}=some/value`], 'some/value'];
  }
}
