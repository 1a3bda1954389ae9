// Batches: a seeded permutation per epoch (same seed, same order; every image once), drop-last, labels that go
// with their images, [-1, 1] scaling, flips and random crops that replay exactly after a restore at any point,
// batches prepared ahead, and a one-line UserError for fewer images than the batch size.
import { describe, expect, it } from 'vitest';
import { UserError } from '../util/errors.js';
import { Batches, type Batch, type BatchState } from './batches.js';
import { FakeDataset } from './fake.js';
import { MemoryDataset } from './memory-dataset.js';
import type { ImageDataset } from './types.js';

/** count images of h x w x c where every pixel of image i is i (so a batch says which images it holds). */
function numbered(count: number, h = 2, w = 3, c: 1 | 3 = 1, spec = 'numbered'): MemoryDataset {
  const b = h * w * c;
  const px = new Uint8Array(count * b);
  for (let i = 0; i < count; i++) px.fill(i, i * b, (i + 1) * b);
  return new MemoryDataset({ spec, count, height: h, width: w, channels: c, skipped: { count: 0, examples: [] } }, px, Int32Array.from({ length: count }, (_, i) => i % 3), { kind: 'memory' });
}

/** Which images a batch holds, from its first pixel each. */
function ids(b: Batch): number[] {
  const per = b.shape[1] * b.shape[2] * b.shape[3];
  return Array.from({ length: b.shape[0] }, (_, k) => Math.round((b.images[k * per]! + 1) * 127.5));
}

async function take(b: Batches, n: number): Promise<Batch[]> {
  const out: Batch[] = [];
  for (let k = 0; k < n; k++) out.push(await b.next());
  return out;
}

describe('Batches', () => {
  it('visits every image once per epoch, in a seeded order that changes from epoch to epoch', async () => {
    const ds = numbered(10);
    const b = new Batches(ds, { batchSize: 3, seed: 1 });
    expect(b.batchesPerEpoch).toBe(3);
    const got = await take(b, 7);
    expect(got.map((x) => [x.epoch, x.indexInEpoch])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2], [2, 0]]);
    const epoch0 = got.slice(0, 3).flatMap(ids), epoch1 = got.slice(3, 6).flatMap(ids);
    expect(new Set(epoch0).size).toBe(9);
    expect(new Set(epoch1).size).toBe(9);
    expect(epoch0).not.toEqual(epoch1);
    for (const x of got) {
      expect(x.shape).toEqual([3, 2, 3, 1]);
      expect(Array.from(x.labels!)).toEqual(ids(x).map((i) => i % 3));
    }
  });

  it('gives the same order for the same seed and another for another seed', async () => {
    const ds = numbered(50);
    const a = (await take(new Batches(ds, { batchSize: 5, seed: 7 }), 12)).flatMap(ids);
    const b = (await take(new Batches(ds, { batchSize: 5, seed: 7 }), 12)).flatMap(ids);
    const c = (await take(new Batches(ds, { batchSize: 5, seed: 8 }), 12)).flatMap(ids);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('keeps the last smaller batch when dropLast is false', async () => {
    const b = new Batches(numbered(10), { batchSize: 4, seed: 0, dropLast: false });
    expect(b.batchesPerEpoch).toBe(3);
    const got = await take(b, 4);
    expect(got.map((x) => x.shape[0])).toEqual([4, 4, 2, 4]);
    expect(got[2]!.images).toHaveLength(2 * 6);
    expect(new Set(got.slice(0, 3).flatMap(ids)).size).toBe(10);
    expect(got[3]!.epoch).toBe(1);
  });

  it('scales pixels to [-1, 1]: 0 is -1, 255 is 1', async () => {
    const px = Uint8Array.of(0, 255, 51, 204);
    const ds = new MemoryDataset({ spec: 'x', count: 1, height: 2, width: 2, channels: 1, skipped: { count: 0, examples: [] } }, px, undefined, { kind: 'memory' });
    const batch = await new Batches(ds, { batchSize: 1, seed: 0 }).next();
    expect(Array.from(batch.images)).toEqual([-1, 1, 51 / 127.5 - 1, 204 / 127.5 - 1].map(Math.fround));
    expect(batch.labels).toBeUndefined();
  });

  it('restores from state() at any point, flips and crops included, also through JSON', async () => {
    const ds = new FakeDataset('fake', 23, 6, 8, 3, 0); // images that change under flips and crops
    for (const aug of [{}, { flip: true }, { flip: true, randomCrop: true }]) {
      const ref = new Batches(ds, { batchSize: 4, seed: 11, ...aug });
      const states: BatchState[] = [];
      const batches: Batch[] = [];
      for (let k = 0; k < 13; k++) {
        states.push(ref.state());
        batches.push(await ref.next());
      }
      for (const k of [0, 1, 4, 5, 9, 12]) {
        const state = JSON.parse(JSON.stringify(states[k])) as BatchState;
        const resumed = new Batches(ds, { batchSize: 4, seed: 999, ...aug, state });
        for (let j = k; j < 13; j++) {
          const x = await resumed.next();
          expect(x.images, `resumed at ${k}, batch ${j}`).toEqual(batches[j]!.images);
          expect([x.epoch, x.indexInEpoch]).toEqual([batches[j]!.epoch, batches[j]!.indexInEpoch]);
        }
      }
    }
  });

  it('reports the state of the batch it will hand out next, not of the ones prefetched', async () => {
    const b = new Batches(numbered(10), { batchSize: 3, seed: 2, prefetch: 3 });
    expect(b.state()).toEqual({ epoch: 0, cursor: 0, seed: 2 });
    await b.next();
    await new Promise((r) => setImmediate(r));
    expect(b.state()).toEqual({ epoch: 0, cursor: 3, seed: 2 });
    await take(b, 2);
    expect(b.state()).toEqual({ epoch: 1, cursor: 0, seed: 2 }); // image 9 is dropped: the next epoch starts
  });

  it('flips about half of the images left-right, and only those', async () => {
    const px = Uint8Array.of(0, 100, 200, 10, 110, 210);
    const ds = new MemoryDataset({ spec: 'x', count: 1, height: 2, width: 3, channels: 1, skipped: { count: 0, examples: [] } }, px, undefined, { kind: 'memory' });
    const plain = Array.from(px, (v) => Math.fround(v / 127.5 - 1));
    const mirrored = [2, 1, 0, 5, 4, 3].map((i) => plain[i]!);
    const b = new Batches(ds, { batchSize: 1, seed: 3, flip: true });
    let flipped = 0;
    for (let k = 0; k < 200; k++) {
      const got = Array.from((await b.next()).images);
      if (got.join() === mirrored.join()) flipped++;
      else expect(got).toEqual(plain);
    }
    expect(flipped).toBeGreaterThan(70);
    expect(flipped).toBeLessThan(130);
  });

  it('random crops keep the shape and range, vary between epochs, and leave a flat image flat', async () => {
    const h = 8, w = 8;
    const px = Uint8Array.from({ length: h * w }, (_, k) => (k % w) * 30);
    const ds = new MemoryDataset({ spec: 'x', count: 1, height: h, width: w, channels: 1, skipped: { count: 0, examples: [] } }, px, undefined, { kind: 'memory' });
    const b = new Batches(ds, { batchSize: 1, seed: 4, randomCrop: true, cropScale: 0.75 });
    const seen = new Set<string>();
    for (let k = 0; k < 20; k++) {
      const x = await b.next();
      expect(x.shape).toEqual([1, h, w, 1]);
      for (const v of x.images) expect(Math.abs(v)).toBeLessThanOrEqual(1);
      // A horizontal ramp stays a (non-decreasing) ramp: the crop is a zoom, not a shuffle.
      for (let xx = 1; xx < w; xx++) expect(x.images[xx]!).toBeGreaterThanOrEqual(x.images[xx - 1]! - 1e-6);
      seen.add(Array.from(x.images).join());
    }
    expect(seen.size).toBeGreaterThan(2);
    const flat = numbered(2, 8, 8, 3);
    const f = await new Batches(flat, { batchSize: 2, seed: 1, randomCrop: true, flip: true }).next();
    for (let k = 0; k < 2; k++) {
      const first = f.images[k * 192]!;
      for (let i = 0; i < 192; i++) expect(f.images[k * 192 + i]).toBeCloseTo(first, 5);
    }
  });

  it('prepares the next batches while the current one is in use', async () => {
    const ds = numbered(40);
    let reads = 0;
    const counting: ImageDataset = Object.assign(Object.create(ds) as ImageDataset, {
      read: (indices: ArrayLike<number>) => {
        reads++;
        return ds.read(indices);
      },
    });
    const b = new Batches(counting, { batchSize: 4, seed: 0, prefetch: 2 });
    expect(reads).toBe(0);
    await b.next();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(reads).toBe(3); // the batch handed out and two ahead
    await b.next();
    await new Promise((r) => setImmediate(r));
    expect(reads).toBe(4);
    b.close();
    await expect(b.next()).rejects.toThrow(/after close/);
  });

  it('refuses fewer images than the batch size, naming the dataset, the count and the fix', () => {
    const make = () => new Batches(numbered(5, 2, 3, 1, '/photos/few'), { batchSize: 8, seed: 0 });
    expect(make).toThrow(UserError);
    expect(make).toThrow('/photos/few: 5 images, fewer than the batch size 8; use a batch size of at most 5 (--batch-size 5) or add images');
    expect(new Batches(numbered(5), { batchSize: 8, seed: 0, dropLast: false }).batchesPerEpoch).toBe(1);
    expect(() => new Batches(numbered(5), { batchSize: 0, seed: 0 })).toThrow(/positive integer/);
  });

  it('refuses a saved state that does not fit the dataset', () => {
    expect(() => new Batches(numbered(5), { batchSize: 2, seed: 0, state: { epoch: 3, cursor: 40, seed: 0 } })).toThrow(/image 40 of epoch 3, but the dataset now has 5 images/);
    expect(() => new Batches(numbered(5), { batchSize: 2, seed: 0, state: { epoch: -1, cursor: 0, seed: 0 } })).toThrow(UserError);
  });

  it('shards each global batch by rank: the shards put together are the whole batch, flips and crops included', async () => {
    const ds = new FakeDataset('fake', 40, 6, 5, 3, 4);
    for (const aug of [{}, { flip: true }, { flip: true, randomCrop: true }]) {
      const whole = await take(new Batches(ds, { batchSize: 8, seed: 3, ...aug }), 6);
      const shards = await Promise.all([0, 1, 2, 3].map((rank) => take(new Batches(ds, { batchSize: 8, seed: 3, ...aug, shard: { rank, world: 4 } }), 6)));
      for (let k = 0; k < 6; k++) {
        expect(shards.map((s) => s[k]!.shape[0])).toEqual([2, 2, 2, 2]);
        const joined = new Float32Array(whole[k]!.images.length);
        shards.forEach((s, rank) => joined.set(s[k]!.images, rank * s[k]!.images.length));
        expect(joined).toEqual(whole[k]!.images);
      }
    }
  });
});
