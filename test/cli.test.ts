// Smoke tests of the real command line (bin/dcgan.js over dist/): help, unknown input, the engine report (with
// the CPU instruction sets its libraries use).
import { describe, expect, it } from 'vitest';
import { dcgan } from './helpers.js';

describe('dcgan CLI', () => {
  it('prints its commands with --help, quickly and without the engine', async () => {
    const r = await dcgan('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/usage: dcgan <command>/);
    expect(r.stdout).toMatch(/info/);
  });

  it('rejects an unknown command and an unknown flag with one line and a non-zero exit', async () => {
    const a = await dcgan('frobnicate');
    expect(a.code).toBe(2);
    expect(a.stderr.trim().split('\n')).toHaveLength(1);
    const b = await dcgan('info', '--bogus');
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/Unknown option '--bogus'/);
    expect(b.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('reports the native engine', async () => {
    const r = await dcgan('info', '--json');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.backend).toBe('aten');
    expect(info.nativeKernels).toBeGreaterThan(100);
    // The instruction sets ATen, oneDNN and OpenBLAS chose here (what test/avx2.mjs checks the restriction by).
    expect(info.cpu.aten).toMatch(/^(DEFAULT|AVX2|AVX512)$/);
    expect(info.cpu.onednn).toMatch(/^(sse41|avx|avx2|avx2_vnni|avx512_\w+)$/);
    expect(info.cpu.openblas).not.toBe('unknown');
  });
});
