// Runs an async function over 0..n-1 with bounded concurrency and hands the results back in index order, so
// decoding uses every thread while the output keeps the input's order and memory stays bounded.

/**
 * Calls work(i) for i in 0..n-1, at most `concurrency` at a time and at most `window` indices ahead of the
 * oldest one not yet delivered; deliver(i, result) runs in index order. Rejects with the first error.
 */
export async function orderedPool<T>(
  n: number,
  concurrency: number,
  work: (i: number) => Promise<T>,
  deliver: (i: number, result: T) => void,
  window = concurrency * 4,
): Promise<void> {
  const done = new Map<number, T>();
  let next = 0, delivered = 0;
  let failed: unknown = null;
  let waiting: (() => void)[] = [];
  const signal = () => {
    const w = waiting;
    waiting = [];
    for (const f of w) f();
  };

  async function worker(): Promise<void> {
    while (failed === null && next < n) {
      if (next >= delivered + window) {
        await new Promise<void>((r) => waiting.push(r));
        continue;
      }
      const i = next++;
      let result: T;
      try {
        result = await work(i);
      } catch (e) {
        failed ??= e;
        signal();
        return;
      }
      done.set(i, result);
      while (failed === null && done.has(delivered)) {
        const r = done.get(delivered) as T;
        done.delete(delivered);
        try {
          deliver(delivered, r);
        } catch (e) {
          failed ??= e;
        }
        delivered++;
      }
      signal();
    }
  }

  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, worker));
  if (failed !== null) throw failed;
}
