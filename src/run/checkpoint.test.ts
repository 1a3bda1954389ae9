// The checkpoint record round trip: written and read back, every tensor (values, shape, dtype) and the meta are
// identical; tensors.bin's checksum is recorded and checked, so damage in place, truncation and a missing
// checksum are each one line naming the file; version 1 records (before checksums) still read; nothing leaks.
import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/index.js';
import { getPreset } from '../model/presets.js';
import { Rng } from '../util/rng.js';
import { checkpointDamage, disposeCheckpoint, newestIntactCheckpoint, readCheckpoint, readCheckpointMeta, readNetwork, writeCheckpoint, type Checkpoint, type CheckpointState } from './checkpoint.js';
import { resolveConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'dcgan-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rng = new Rng(12);
const values = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
const t = (shape: number[]) => tf.tensor(values(shape.reduce((a, b) => a * b, 1)), shape);

function record(): Checkpoint {
  const arch = getPreset('dcgan28').build({});
  const state: CheckpointState = {
    step: 40, epoch: 2, seconds: 12.5, config: resolveConfig({ data: 'fake:28x28x1', maxSteps: 40 }), arch, classes: 10,
    classNames: Array.from({ length: 10 }, (_, i) => `c${i}`), rng: new Rng(3).state(), batches: { epoch: 2, cursor: 128, seed: 1 },
    figures: { lossD: 1.25, lossG: 0.75, dx: 0.5, dgz1: 0.25, dgz2: 0.125 }, bestFid: 31.5,
  };
  const g = [[3, 3, 4, 2], [2]], d = [[4, 4, 1, 3], [3], [5, 1]];
  return {
    state,
    G: { names: ['g/kernel', 'g/bias'], values: g.map(t) },
    D: { names: ['d/kernel', 'd/bias', 'd/dense'], values: d.map(t) },
    ema: g.map(t),
    optimizers: {
      G: { kind: 'adam', step: 40, slots: { m: g.map(t), v: g.map(t) } },
      D: { kind: 'adam', step: 40, slots: { m: d.map(t), v: d.map(t) } },
    },
    fixedNoise: t([6, 100]) as tf.Tensor2D,
    fixedLabels: tf.tensor1d([0, 1, 2, 3, 4, 5], 'int32'),
  };
}

/** Every tensor of a checkpoint, in a fixed order, as [shape, dtype, values]. */
function contents(c: Checkpoint): [number[], string, number[]][] {
  const all = [...c.G.values, ...c.D.values, ...(c.ema ?? []), ...Object.values(c.optimizers.G.slots).flat(),
    ...Object.values(c.optimizers.D.slots).flat(), c.fixedNoise, ...(c.fixedLabels ? [c.fixedLabels] : [])];
  return all.map((x) => [x.shape, x.dtype, Array.from(x.dataSync())]);
}

describe('the checkpoint record', () => {
  let written: Checkpoint;
  const path = join(dir, 'step-0000040');

  beforeAll(async () => {
    await initEngine();
    written = record();
    writeCheckpoint(path, written);
  });
  afterAll(() => disposeCheckpoint(written));

  it('reads back identical: every tensor (values, shape, dtype) and the meta; nothing leaks', () => {
    const tensors = tf.memory().numTensors;
    const read = readCheckpoint(path);
    expect(contents(read)).toEqual(contents(written));
    expect(read.G.names).toEqual(written.G.names);
    expect(read.D.names).toEqual(written.D.names);
    expect({ ...read.optimizers.G, slots: Object.keys(read.optimizers.G.slots) }).toEqual({ kind: 'adam', step: 40, slots: ['m', 'v'] });
    const { optimizers: _o, weightNames, ema, versions, savedAt, ...state } = read.state as typeof read.state & Record<string, unknown>;
    expect(state).toEqual(JSON.parse(JSON.stringify(written.state)));
    expect({ weightNames, ema, hasVersions: Boolean(versions), hasDate: typeof savedAt === 'string' }).toEqual({ weightNames: { G: written.G.names, D: written.D.names }, ema: true, hasVersions: true, hasDate: true });
    disposeCheckpoint(read);
    const g = readNetwork(path, 'EMA');
    expect(g.values.map((x) => Array.from(x.dataSync()))).toEqual(written.ema!.map((x) => Array.from(x.dataSync())));
    tf.dispose(g.values);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('records the checksum of tensors.bin, and checks it on every load', () => {
    const json = JSON.parse(readFileSync(join(path, 'checkpoint.json'), 'utf8')) as { version: number; checksums: Record<string, string> };
    expect(json.version).toBe(3);
    expect(json.checksums['tensors.bin']).toBe(`sha256:${createHash('sha256').update(readFileSync(join(path, 'tensors.bin'))).digest('hex')}`);
    expect(checkpointDamage(path)).toBeNull();
    expect(newestIntactCheckpoint(dir)).toBe(path);
  });

  it('keeps the image-quality state (ADA) and reads a version-2 record, written before the quality knobs, with their legacy values', () => {
    const withAda = join(dir, 'with-ada');
    const ada = { p: 0.125, signSum: 6, signCount: 16, steps: 2, lastRt: null };
    writeCheckpoint(withAda, { ...written, state: { ...written.state, quality: { ada } } });
    expect(readCheckpointMeta(withAda).quality).toEqual({ ada });
    // A version-2 record: no quality state, and a config without the knobs added since.
    const old = join(dir, 'version-2');
    writeCheckpoint(old, written);
    const json = JSON.parse(readFileSync(join(old, 'checkpoint.json'), 'utf8')) as { version: number; meta: { config: Record<string, unknown> } };
    json.version = 2;
    for (const key of ['recipe', 'loss', 'spectralNorm', 'augment', 'ada', 'r1']) delete json.meta.config[key];
    writeFileSync(join(old, 'checkpoint.json'), JSON.stringify(json));
    const meta = readCheckpointMeta(old);
    expect(meta.quality).toBeUndefined();
    expect(meta.config).toMatchObject({ recipe: 'dcgan', loss: 'bce', spectralNorm: 'none', augment: 'none', ada: 0, r1: 0 });
    expect(checkpointDamage(old)).toBeNull();
    // A malformed ADA state is damage, named.
    const bad = JSON.parse(readFileSync(join(withAda, 'checkpoint.json'), 'utf8')) as { meta: { quality: { ada: { p: number } } } };
    bad.meta.quality.ada.p = 2;
    writeFileSync(join(withAda, 'checkpoint.json'), JSON.stringify(bad));
    expect(checkpointDamage(withAda)).toMatch(/with-ada\/checkpoint\.json: meta\.quality\.ada is malformed/);
  });

  it('damage in place, truncation or a missing checksum: one line naming the file, and no tensor left behind', () => {
    const tensors = tf.memory().numTensors;
    const copy = (name: string) => {
      const to = join(dir, name);
      rmSync(to, { recursive: true, force: true });
      writeCheckpoint(to, written);
      return to;
    };
    const flipped = copy('flipped'), bin = readFileSync(join(flipped, 'tensors.bin'));
    bin[100] = bin[100]! ^ 1;
    writeFileSync(join(flipped, 'tensors.bin'), bin);
    const truncated = copy('truncated');
    writeFileSync(join(truncated, 'tensors.bin'), bin.subarray(0, bin.length - 4));
    const unsummed = copy('unsummed');
    const json = JSON.parse(readFileSync(join(unsummed, 'checkpoint.json'), 'utf8')) as Record<string, unknown>;
    delete json.checksums;
    writeFileSync(join(unsummed, 'checkpoint.json'), JSON.stringify(json));
    for (const [d, why] of [[flipped, /flipped\/tensors\.bin: its checksum does not match the one in checkpoint\.json/],
      [truncated, /truncated\/tensors\.bin: truncated \(tensor .* ends past its \d+ bytes\)/], [unsummed, /unsummed\/checkpoint\.json: the checksum of tensors\.bin is missing/]] as const) {
      expect(() => readCheckpoint(d)).toThrow(why);
      expect(() => readNetwork(d, 'G')).toThrow(why);
      expect(checkpointDamage(d)).toMatch(why);
      expect(checkpointDamage(d)).not.toMatch(/\n/);
    }
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('a version-1 record (written before checksums) still reads', () => {
    const old = join(dir, 'version-1');
    writeCheckpoint(old, written);
    const json = JSON.parse(readFileSync(join(old, 'checkpoint.json'), 'utf8')) as Record<string, unknown>;
    delete json.checksums;
    json.version = 1;
    writeFileSync(join(old, 'checkpoint.json'), JSON.stringify(json));
    const read = readCheckpoint(old);
    expect(contents(read)).toEqual(contents(written));
    disposeCheckpoint(read);
  });

  it('a meta with a field missing or of the wrong type is one line naming checkpoint.json', () => {
    const broken = (name: string, edit: (meta: Record<string, unknown>) => void) => {
      const d = join(dir, name);
      writeCheckpoint(d, written);
      const json = JSON.parse(readFileSync(join(d, 'checkpoint.json'), 'utf8')) as { meta: Record<string, unknown> };
      edit(json.meta);
      writeFileSync(join(d, 'checkpoint.json'), JSON.stringify(json));
      return d;
    };
    const cases: [string, (m: Record<string, unknown>) => void, RegExp][] = [
      ['no-step', (m) => delete m.step, /meta\.step is missing or not a count/],
      ['string-nz', (m) => { (m.arch as Record<string, unknown>).nz = '100'; }, /meta\.arch\.nz/],
      ['bad-config', (m) => { (m.config as Record<string, unknown>).batchSize = -1; }, /meta\.config: 'batchSize' must be at least 1/],
      ['no-names', (m) => delete m.weightNames, /meta\.weightNames is missing/],
    ];
    for (const [name, edit, why] of cases) {
      const d = broken(name, edit);
      expect(() => readCheckpointMeta(d), name).toThrow(why);
      expect(checkpointDamage(d), name).toMatch(/checkpoint\.json: .*; the checkpoint is damaged/);
    }
  });
});
