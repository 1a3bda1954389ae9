// A run with every image-quality option on (hinge loss, spectral norm on D, DiffAugment steered by ADA, lazy
// R1, EMA with standing statistics), stopped and resumed with --resume, ends with exactly the weights,
// optimizer slots, power-iteration vectors and ADA state of an uninterrupted run; no step leaks a tensor.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpointMeta } from '../run/checkpoint.js';
import { train, type TrainRequest } from './trainer.js';

const root = mkdtempSync(join(tmpdir(), 'dcgan-quality-resume-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// 20 steps: lazy R1 runs at step 16, after the stop at step 10; ADA adjusts every 4 steps on both sides.
const OPTIONS: TrainRequest = {
  data: 'fake:32x32x3', preset: 'dcgan64', imageSize: [32, 32], ngf: 8, ndf: 8, batchSize: 8, maxSteps: 20, checkpointEvery: 5, sampleEvery: 10, seed: 3,
  loss: 'hinge', spectralNorm: 'd', augment: 'color,translation,cutout', ada: 0.6, r1: 1, ema: 0.9,
};
const STOP_AT = 10;

function lines(run: string): Record<string, number>[] {
  return readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
}

describe('image-quality options resume exactly', () => {
  it('stopped at step 10 and resumed: the same final checkpoint as an uninterrupted run, and no tensor leaks', async () => {
    const before = tf.memory().numTensors;
    const tensorsAt: number[] = [];
    const epochsShown = new Set<number>();
    const a = join(root, 'a');
    await train({ ...OPTIONS, out: a }, { onStep: (_, p) => { epochsShown.add(p.epochs); if (p.step >= 2) tensorsAt.push(tf.memory().numTensors); } });
    // --max-steps 20 of 8 images over the 512 fake ones is one epoch: progress says 1, not the default --epochs 5.
    expect([...epochsShown]).toEqual([1]);
    expect(JSON.parse(readFileSync(join(a, 'progress.json'), 'utf8'))).toMatchObject({ epochs: 1, step: 20 });
    // Every step after the first (which creates the optimizers' slots) ends with as many tensors as the one before.
    expect(new Set(tensorsAt).size, `tensors per step: ${tensorsAt.join(', ')}`).toBe(1);

    const b = join(root, 'b');
    const stop = new AbortController();
    const first = await train({ ...OPTIONS, out: b, signal: stop.signal }, { onStep: (_, p) => { if (p.step === STOP_AT) stop.abort(); } });
    expect(first).toMatchObject({ status: 'stopped', step: STOP_AT });
    const resumed = await train({ resume: b });
    expect(resumed).toMatchObject({ status: 'done', step: 20 });
    expect(tf.memory().numTensors).toBe(before);

    const final = (run: string) => join(run, 'checkpoints', 'step-0000020');
    expect(readFileSync(join(final(b), 'tensors.bin')).equals(readFileSync(join(final(a), 'tensors.bin')))).toBe(true);
    const meta = readCheckpointMeta(final(a));
    expect(meta.quality).toEqual(readCheckpointMeta(final(b)).quality);
    expect(meta.quality?.ada?.lastRt).toEqual(expect.any(Number));
    expect(meta.weightNames.D.filter((n) => n.endsWith('/sn_u'))).toHaveLength(4);
    // The metrics lines of both runs agree on every training figure, ADA's p and R1 included.
    const strip = (l: Record<string, number>) => ({ ...l, 'img/s': 0, seconds: 0 });
    expect(lines(b).map(strip)).toEqual(lines(a).map(strip));
    expect(lines(a).filter((l) => l.r1 !== undefined).map((l) => l.step)).toEqual([16]);
    expect(lines(a).every((l) => typeof l.ada_p === 'number' && l.ada_p >= 0 && l.ada_p <= 1)).toBe(true);
    // Lines with a sample grid (every 10 steps) carry D's largest raw spectral norm (positive: a nonzero kernel).
    expect(lines(a).filter((l) => l.sn_sigma_max !== undefined).map((l) => l.step)).toEqual([10, 20]);
    expect(lines(a).every((l) => l.sn_sigma_max === undefined || l.sn_sigma_max > 0)).toBe(true);
  });
});
