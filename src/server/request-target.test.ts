// Unit tests of the strict request-target parser and the query readers: traversal shapes and malformed input
// are 4xx before any file is touched.
import { describe, expect, it } from 'vitest';
import { HttpError } from './http-error.js';
import { allowOnly, intParam } from './query-params.js';
import { parseTarget } from './request-target.js';

function status(fn: () => unknown): number | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof HttpError) return e.status;
    throw e;
  }
}

describe('parseTarget', () => {
  it('decodes path segments and keeps the query', () => {
    const t = parseTarget('/runs/a%20b/samples/step-0000010.png?v=3');
    expect(t.segments).toEqual(['runs', 'a b', 'samples', 'step-0000010.png']);
    expect(t.query.get('v')).toBe('3');
    expect(parseTarget('/').segments).toEqual([]);
    expect(parseTarget('/explorer/').segments).toEqual(['explorer']);
  });

  it('rejects traversal shapes with 400', () => {
    for (const raw of [
      '/runs/..%2f..%2fetc/passwd', '/runs/../../etc/passwd', '/runs/%2e%2e/%2e%2e/etc/passwd', '/runs/run/..',
      '/runs/.%2e/x', '/runs/x%5c..%5c..%5cwin.ini', '/runs/x/a%00.png', '/runs//etc/passwd', '/runs/./x',
    ]) {
      expect(status(() => parseTarget(raw)), raw).toBe(400);
    }
  });

  it('rejects malformed percent-encoding, absolute-form targets and overlong targets', () => {
    expect(status(() => parseTarget('/api/runs/%zz'))).toBe(400);
    expect(status(() => parseTarget('/api/runs/x/metrics?from=%E0%A4%A'))).toBe(400);
    expect(status(() => parseTarget('http://evil.example/'))).toBe(400);
    expect(status(() => parseTarget('*'))).toBe(400);
    expect(status(() => parseTarget(undefined))).toBe(400);
    expect(status(() => parseTarget(`/${'a'.repeat(5000)}`))).toBe(414);
  });
});

describe('query parameters', () => {
  const q = (s: string) => new URLSearchParams(s);

  it('reads integers in range, with a fallback', () => {
    expect(intParam(q('from=12'), 'from', { min: 0, max: 100, fallback: 0 })).toBe(12);
    expect(intParam(q(''), 'from', { min: 0, max: 100, fallback: 7 })).toBe(7);
  });

  it('rejects non-integers, out-of-range, repeated and unknown parameters with 400', () => {
    const read = (s: string) => () => intParam(q(s), 'from', { min: 0, max: 100, fallback: 0 });
    for (const s of ['from=abc', 'from=1.5', 'from=-1', 'from=101', 'from=1e3', 'from=', 'from=1&from=2', `from=${'9'.repeat(40)}`]) {
      expect(status(read(s)), s).toBe(400);
    }
    expect(status(() => allowOnly(q('from=1&bogus=2'), ['from']))).toBe(400);
    expect(status(() => allowOnly(q('from=1'), ['from']))).toBe('ok');
  });
});
