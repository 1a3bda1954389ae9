// Typed values and their bounds: every kind parses its text and checks its value, and each broken bound (min,
// max, gt, lt) and wrong type is one UserError line naming the value as the caller names it.
import { describe, expect, it } from 'vitest';
import { thrownUserError as message } from '../testing/user-error.js';
import { checkValue, describeValue, MAX_SIDE, parseBackground, parseSize, parseValue, type ValueSpec } from './values.js';

const INT: ValueSpec = { kind: 'int', min: 1 };
const PROB: ValueSpec = { kind: 'number', gt: 0, max: 1 };
const HALF_OPEN: ValueSpec = { kind: 'number', min: 0, lt: 0.5 };

describe('describeValue', () => {
  it('says what a value may be, bounds as intervals', () => {
    expect(describeValue(INT)).toBe('an integer >= 1');
    expect(describeValue(PROB)).toBe('a number in (0, 1]');
    expect(describeValue(HALF_OPEN)).toBe('a number in [0, 0.5)');
    expect(describeValue({ kind: 'number', gt: 0 })).toBe('a number > 0');
    expect(describeValue({ kind: 'number', lt: 1 })).toBe('a number < 1');
    expect(describeValue({ kind: 'int', max: 9 })).toBe('an integer <= 9');
    expect(describeValue({ kind: 'number' })).toBe('a number');
    expect(describeValue({ kind: 'choice', choices: ['adam', 'sgd-nesterov'] })).toBe('one of adam, sgd-nesterov');
    expect(describeValue({ kind: 'boolean' })).toBe('true or false');
    expect(describeValue({ kind: 'size' })).toContain(`1..${MAX_SIDE}`);
    expect(describeValue({ kind: 'ints', min: 0 })).toBe('a comma-separated list of integers >= 0');
    expect(describeValue({ kind: 'path' })).toBe('a non-empty string');
  });
});

describe('checkValue (values from code and files)', () => {
  it('each broken bound names the value, the bound and what was given', () => {
    expect(message(() => checkValue(INT, 0, "option 'epochs'"))).toBe("option 'epochs' must be at least 1, got 0");
    expect(message(() => checkValue(PROB, 1.5, 'cfg.json: \'realLabel\''))).toBe("cfg.json: 'realLabel' must be at most 1, got 1.5");
    expect(message(() => checkValue(PROB, 0, 'X'))).toBe('X must be greater than 0, got 0');
    expect(message(() => checkValue(HALF_OPEN, 0.5, 'X'))).toBe('X must be less than 0.5, got 0.5');
    expect(message(() => checkValue(HALF_OPEN, -0.1, 'X'))).toBe('X must be at least 0, got -0.1');
  });

  it('values on the bounds pass where the bound is inclusive', () => {
    for (const [s, v] of [[INT, 1], [PROB, 1], [HALF_OPEN, 0], [PROB, 1e-9], [HALF_OPEN, 0.4999]] as const) {
      expect(() => checkValue(s, v, 'X')).not.toThrow();
    }
  });

  it('a wrong type says what the value must be, and what it got', () => {
    expect(message(() => checkValue(INT, 1.5, 'N'))).toBe('N must be an integer >= 1, got 1.5');
    expect(message(() => checkValue(INT, '3', 'N'))).toBe('N must be an integer >= 1, got "3"');
    for (const v of [NaN, Infinity, null, undefined, [1]]) expect(message(() => checkValue(PROB, v, 'P'))).toMatch(/^P must be a number in \(0, 1\], got /);
    expect(message(() => checkValue({ kind: 'boolean' }, 'yes', 'B'))).toBe('B must be true or false, got "yes"');
    expect(message(() => checkValue({ kind: 'choice', choices: [1, 3] }, 2, 'C'))).toBe('C must be one of 1, 3, got 2');
    expect(message(() => checkValue({ kind: 'choice', choices: [1, 3] }, '1', 'C'))).toBe('C must be one of 1, 3, got "1"');
    expect(message(() => checkValue({ kind: 'path' }, '', 'P'))).toBe('P must be a non-empty string, got ""');
    expect(message(() => checkValue({ kind: 'ints', min: 0 }, [1, -1], 'L'))).toMatch(/^L must be a comma-separated list of integers >= 0, got \[1,-1\]$/);
    expect(message(() => checkValue({ kind: 'ints' }, [], 'L'))).toMatch(/got \[\]$/);
  });

  it('sizes are [height, width] in 1..4096, colours [r, g, b] in 0..255', () => {
    expect(() => checkValue({ kind: 'size' }, [64, 48], 'S')).not.toThrow();
    for (const v of [[64], [0, 64], [64, MAX_SIDE + 1], [64.5, 64], '64x64']) expect(message(() => checkValue({ kind: 'size' }, v, 'S'))).toMatch(/^S must be N or HxW/);
    expect(() => checkValue({ kind: 'rgb' }, [0, 128, 255], 'R')).not.toThrow();
    for (const v of [[0, 0], [0, 0, 256], [0, -1, 0], 'white']) expect(message(() => checkValue({ kind: 'rgb' }, v, 'R'))).toMatch(/^R must be white, black, gray/);
  });
});

describe('parseValue (flag text)', () => {
  it('parses numbers, negative ones included, and checks their bounds', () => {
    expect(parseValue(INT, '12', '--epochs')).toBe(12);
    expect(message(() => parseValue(INT, '-1', '--epochs'))).toBe('--epochs must be at least 1, got -1');
    expect(message(() => parseValue(INT, '2.5', '--epochs'))).toBe('--epochs must be an integer >= 1, got 2.5');
    expect(message(() => parseValue(INT, 'ten', '--epochs'))).toBe("--epochs must be an integer >= 1, got 'ten'");
    expect(message(() => parseValue(INT, '', '--epochs'))).toBe("--epochs must be an integer >= 1, got ''");
    expect(parseValue(PROB, '1e-1', '--real-label')).toBe(0.1);
    expect(message(() => parseValue(PROB, '0', '--real-label'))).toBe('--real-label must be greater than 0, got 0');
    expect(message(() => parseValue(HALF_OPEN, '0.5', '--label-noise'))).toBe('--label-noise must be less than 0.5, got 0.5');
  });

  it('parses choices (numbers as numbers), booleans, lists, sizes and colours', () => {
    expect(parseValue({ kind: 'choice', choices: [1, 3] }, '3', '--channels')).toBe(3);
    expect(message(() => parseValue({ kind: 'choice', choices: [1, 3] }, '2', '--channels'))).toBe("--channels must be one of 1, 3, got '2'");
    expect(parseValue({ kind: 'boolean' }, 'false', '--x')).toBe(false);
    expect(parseValue({ kind: 'ints', min: 0 }, '1, 2,3', '--ids')).toEqual([1, 2, 3]);
    expect(message(() => parseValue({ kind: 'ints', min: 0 }, '1,x', '--ids'))).toBe("--ids must be a comma-separated list of integers >= 0, got '1,x'");
    expect(parseValue({ kind: 'size' }, '64x48', '--image-size')).toEqual([64, 48]);
    expect(parseValue({ kind: 'rgb' }, '#ff8000', '--background')).toEqual([255, 128, 0]);
    expect(parseValue({ kind: 'path' }, 'runs/a', '--out')).toBe('runs/a');
  });

  it("parseSize: N, HxW or H,W (height x width) up to 4096; anything else names the flag", () => {
    expect(parseSize('64')).toEqual([64, 64]);
    expect(parseSize('64x48')).toEqual([64, 48]);
    expect(parseSize(' 64 X 48 ')).toEqual([64, 48]);
    expect(parseSize('64,48')).toEqual([64, 48]);
    expect(parseSize(String(MAX_SIDE))).toEqual([MAX_SIDE, MAX_SIDE]);
    for (const t of ['0', '64x0', String(MAX_SIDE + 1), '64x', 'x64', '-64', '64.5', 'big']) {
      expect(message(() => parseSize(t, '--size'))).toBe(`--size must be N or HxW (height x width, 1..${MAX_SIDE}), e.g. 64 or 64x48, got '${t}'`);
    }
  });

  it('parseBackground: names, #rrggbb, #rgb, r,g,b', () => {
    expect(parseBackground('White')).toEqual([255, 255, 255]);
    expect(parseBackground('grey')).toEqual([128, 128, 128]);
    expect(parseBackground('#102030')).toEqual([16, 32, 48]);
    expect(parseBackground('102030')).toEqual([16, 32, 48]);
    expect(parseBackground('#abc')).toEqual([0xaa, 0xbb, 0xcc]);
    expect(parseBackground('1, 2, 3')).toEqual([1, 2, 3]);
    for (const t of ['blue', '#12345', '1,2', '1,2,256', '1.5,2,3']) expect(message(() => parseBackground(t))).toMatch(/^--background must be white, black, gray, #rrggbb or r,g,b with values 0\.\.255, got '/);
  });
});
