// The slow tier (npm run test:slow): keras-simpsons' checkpoint at its real size. Its D's 655M-parameter dense
// layer with Adam's two slots makes tensors.bin 7.97 GB: more than one Node Buffer holds (4 GiB), more than one
// hash.update() or write() takes (2 GiB), and more than memory holds twice. It must be written and resumed one
// tensor at a time. The real CLI (bin/dcgan.js over dist/: npm run build first), one process per session, as
// a user runs it: the step itself peaks at about 20 GB (both sessions run through train() inside the test
// worker went past the 24 GiB of the machine it was written on and were OOM-killed). About 15 minutes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointDamage } from '../run/checkpoint.js';

const root = mkdtempSync(join(tmpdir(), 'dcgan-big-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bin = join(__dirname, '..', '..', 'bin', 'dcgan.js');

/** Runs `dcgan ARGS` with one ATen thread; resolves with its exit code and the end of its output. */
function dcgan(...args: string[]): Promise<{ code: number | null; tail: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DCGAN_THREADS: '1' } });
    let out = '';
    const keep = (d: string) => { out = (out + d).slice(-4000); };
    child.stdout.setEncoding('utf8').on('data', keep);
    child.stderr.setEncoding('utf8').on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, tail: out }));
  });
}

describe('checkpoints larger than a Buffer (slow)', () => {
  it('keras-simpsons: one step, its 7.97 GB checkpoint written, then resumed for a second step', { timeout: 2_400_000 }, async () => {
    const out = join(root, 'simpsons');
    const first = await dcgan('train', '--preset', 'keras-simpsons', '--dry-run', '--out', out);
    expect(first.code, first.tail).toBe(0);
    const step1 = join(out, 'checkpoints', 'step-0000001');
    expect(statSync(join(step1, 'tensors.bin')).size).toBeGreaterThan(2 ** 32);
    expect(checkpointDamage(step1)).toBeNull();
    const second = await dcgan('train', '--resume', out, '--max-steps', '2');
    expect(second.code, second.tail).toBe(0);
    expect(second.tail).toMatch(/resumed .* \(step 1,/);
    expect(checkpointDamage(join(out, 'checkpoints', 'step-0000002'))).toBeNull();
  });
});
