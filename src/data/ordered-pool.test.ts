// orderedPool: results delivered in index order whatever order the work finishes in, never more than
// `concurrency` jobs at once, and the first error rejects the whole run.
import { describe, expect, it } from 'vitest';
import { orderedPool } from './ordered-pool.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('orderedPool', () => {
  it('delivers in order with bounded concurrency', async () => {
    let running = 0, peak = 0;
    const delivered: number[] = [];
    await orderedPool(40, 3, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await sleep((i * 7) % 5);
      running--;
      return i * i;
    }, (i, r) => {
      expect(r).toBe(i * i);
      delivered.push(i);
    });
    expect(delivered).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(peak).toBe(3);
  });

  it('does not run far ahead of a slow item', async () => {
    let maxStarted = 0;
    await orderedPool(30, 4, async (i) => {
      maxStarted = Math.max(maxStarted, i);
      if (i === 0) {
        await sleep(30);
        expect(maxStarted).toBeLessThan(8); // the window is 2 x concurrency here
      }
      return i;
    }, () => {}, 8);
  });

  it('rejects with the first error and stops starting work', async () => {
    let started = 0;
    await expect(orderedPool(100, 2, async (i) => {
      started++;
      await sleep(1);
      if (i === 5) throw new Error('boom at 5');
      return i;
    }, () => {})).rejects.toThrow('boom at 5');
    expect(started).toBeLessThan(12);
  });

  it('handles nothing to do', async () => {
    const seen: number[] = [];
    await orderedPool(0, 4, async (i) => i, (i) => seen.push(i));
    expect(seen).toEqual([]);
  });
});
