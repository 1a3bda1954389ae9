// Smoke tests of `dcgan train`: a dry run writes every file of the run folder; a run killed with SIGKILL
// and resumed ends with exactly the weights of an uninterrupted run; bad input fails cleanly.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dcgan, dcganAsync, tempDir } from './helpers.js';

function json(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

describe('dcgan train', () => {
  it('--dry-run runs one step on fake data and writes the whole run folder', async () => {
    const out = join(tempDir(), 'run');
    const r = await dcgan('train', '--dry-run', '--preset', 'dcgan64', '--image-size', '32', '--ngf', '8', '--ndf', '8', '--batch-size', '4', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/done: 1\/1 steps on aten/);
    const config = json(join(out, 'config.json'));
    expect(config).toMatchObject({ preset: 'dcgan64', batchSize: 4, dryRun: true, imageSize: [32, 32] });
    expect((config.versions as Record<string, string>).tfjs).toBe('4.22.0');
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    for (const k of ['step', 'epoch', 'Loss_D', 'Loss_G', 'D(x)', 'D(G(z))', 'img/s', 'seconds']) expect(typeof lines[0][k], k).toBe('number');
    expect(readdirSync(join(out, 'samples'))).toEqual(['step-0000001.png']);
    const ckpt = join(out, 'checkpoints', 'step-0000001');
    const meta = json(join(ckpt, 'checkpoint.json'));
    expect(meta.format).toBe('dcgan-checkpoint');
    const tensors = Object.keys(meta.tensors as object);
    for (const prefix of ['G/', 'D/', 'optG/m/', 'optG/v/', 'optD/m/', 'optD/v/']) expect(tensors.some((t) => t.startsWith(prefix)), prefix).toBe(true);
    expect(tensors).toContain('fixedNoise');
    expect(existsSync(join(ckpt, 'tensors.bin'))).toBe(true);
    const model = json(join(out, 'generator', 'model.json'));
    expect(model.format).toBe('layers-model');
    expect(JSON.stringify(model.modelTopology)).not.toMatch(/DcganBatchNorm/);
    expect(existsSync(join(out, 'generator', 'weights.bin'))).toBe(true);
    expect(json(join(out, 'progress.json'))).toMatchObject({ status: 'done', step: 1, totalSteps: 1 });
  });

  it('resumes a run killed mid-training (SIGKILL) to exactly the weights of an uninterrupted run', async () => {
    const root = tempDir();
    const common = ['--data', 'fake:32x32x3', '--preset', 'dcgan64', '--image-size', '32', '--ngf', '8', '--ndf', '8',
      '--batch-size', '8', '--max-steps', '24', '--checkpoint-every', '4', '--sample-every', '8', '--seed', '5', '--ema', '0.9'];
    const a = await dcgan('train', ...common, '--out', join(root, 'a'));
    expect(a.code, a.stderr).toBe(0);

    const b = join(root, 'b');
    const child = dcganAsync('train', ...common, '--out', b);
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (existsSync(join(b, 'checkpoints', 'step-0000008'))) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      child.on('exit', () => { clearInterval(timer); reject(new Error('the run ended before it could be killed')); });
    });
    await new Promise((r) => child.on('exit', r));
    expect(existsSync(join(b, 'checkpoints', 'step-0000024'))).toBe(false);
    const resumed = await dcgan('train', '--resume', b);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resumed .* \(step (8|12|16|20)/);

    const final = (run: string) => readFileSync(join(run, 'checkpoints', 'step-0000024', 'tensors.bin'));
    expect(final(b).equals(final(join(root, 'a')))).toBe(true);
    const steps = readFileSync(join(b, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
    expect(steps).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  });

  it('stops a diverging run with a clear message and keeps the checkpoints written before', async () => {
    const out = join(tempDir(), 'run');
    const common = ['--data', 'fake:32x32x3', '--preset', 'dcgan64', '--image-size', '32', '--ngf', '8', '--ndf', '8', '--batch-size', '8'];
    expect((await dcgan('train', ...common, '--max-steps', '3', '--checkpoint-every', '1', '--out', out)).code).toBe(0);
    // Resumed with an absurd learning rate, the next step's losses are NaN.
    const r = await dcgan('train', '--resume', out, '--max-steps', '6', '--lr', '1e38');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/training diverged at step 4: (Loss_D|Loss_G|D\(x\)|D\(G\(z\)\)).* is NaN/);
    expect(r.stderr).toMatch(/last good checkpoint is .*step-0000003/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(join(out, 'checkpoints')).sort()).toEqual(['step-0000001', 'step-0000002', 'step-0000003']);
    expect(json(join(out, 'progress.json'))).toMatchObject({ status: 'failed', step: 3 });
  });

  it('fails with one line and no stack trace on bad input', async () => {
    const r1 = await dcgan('train', '--data', '/no/such/folder', '--max-steps', '1', '--out', join(tempDir(), 'x'));
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/\/no\/such\/folder/);
    expect(r1.stderr).not.toMatch(/\n\s+at /);
    const r2 = await dcgan('train', '--preset', 'nope', '--dry-run');
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/unknown preset 'nope'/);
    const r3 = await dcgan('train', '--resume', tempDir());
    expect(r3.code).toBe(1);
    expect(r3.stderr).toMatch(/not a run folder/);
    const r4 = await dcgan('train', '--batch-size', 'many', '--dry-run');
    expect(r4.code).toBe(1);
    expect(r4.stderr).toMatch(/--batch-size must be an integer/);
  });
});
