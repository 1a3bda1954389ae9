// Seeded randomness of the data pipeline: a splitmix32 generator, and the shuffled order of each epoch, which
// depends only on (seed, epoch) so a resumed run replays it exactly.

/** Mixes integers into one 32-bit seed (splitmix32's finaliser over each value in turn). */
export function mixSeed(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h = (h ^ (v >>> 0)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
    h = (h + 0x9e3779b9 + Math.floor(v / 2 ** 32)) >>> 0;
  }
  return h;
}

/** splitmix32 (Steele, Lea & Flood 2014, 32-bit variant): small, fast, good enough for shuffles and flips. */
export class SplitMix32 {
  private x: number;
  constructor(seed: number) {
    this.x = seed >>> 0;
  }

  nextU32(): number {
    this.x = (this.x + 0x9e3779b9) >>> 0;
    let z = this.x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

/** A permutation of 0..count-1 (Fisher-Yates) that depends only on seed and epoch. */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const rng = new SplitMix32(mixSeed(seed, epoch, 0x5eed));
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
