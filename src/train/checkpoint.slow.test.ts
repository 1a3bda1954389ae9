// The slow tier (npm run test:slow): keras-simpsons' checkpoint at its real size. Its D's 655M-parameter dense
// layer with Adam's two slots makes tensors.bin 7.97 GB: more than one Node Buffer holds (4 GiB), more than one
// hash.update() or write() takes (2 GiB), and more than memory holds twice. It must be written and resumed one
// tensor at a time. About 10 minutes and 20 GB of memory on 2 cores.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointDamage } from '../run/checkpoint.js';
import { train } from './trainer.js';

const root = mkdtempSync(join(tmpdir(), 'dcgan-big-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('checkpoints larger than a Buffer (slow)', () => {
  it('keras-simpsons: one step, its 7.97 GB checkpoint written, then resumed for a second step', { timeout: 1_800_000 }, async () => {
    const out = join(root, 'simpsons');
    expect(await train({ preset: 'keras-simpsons', dryRun: true, out })).toMatchObject({ status: 'done', step: 1 });
    const first = join(out, 'checkpoints', 'step-0000001');
    expect(statSync(join(first, 'tensors.bin')).size).toBeGreaterThan(2 ** 32);
    expect(checkpointDamage(first)).toBeNull();
    expect(await train({ resume: out, maxSteps: 2 })).toMatchObject({ status: 'done', step: 2 });
    expect(checkpointDamage(join(out, 'checkpoints', 'step-0000002'))).toBeNull();
  });
});
