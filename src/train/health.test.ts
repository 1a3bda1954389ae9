// Health checks: NaN stops, exploding losses, D winning outright and collapsed samples warn once each.
import { describe, expect, it } from 'vitest';
import { diversity, HealthMonitor } from './health.js';

const fine = { lossD: 1.2, lossG: 0.9, dx: 0.6, dgz1: 0.4, dgz2: 0.35 };
const dWins = { lossD: 0.001, lossG: 9, dx: 0.999, dgz1: 0.0001, dgz2: 0.0001 };

describe('HealthMonitor', () => {
  it('names a NaN or infinite figure', () => {
    const h = new HealthMonitor();
    expect(h.nonFinite(fine)).toBeUndefined();
    expect(h.nonFinite({ ...fine, lossG: NaN })).toBe('Loss_G is NaN');
    expect(h.nonFinite({ ...fine, dx: Infinity })).toBe('D(x) is Infinity');
  });

  it('stops the run at a NaN (check), and warns once when a loss explodes (--lr 1e9 reaches 1e20)', () => {
    const h = new HealthMonitor();
    expect(() => h.check(7, { ...fine, lossD: NaN })).toThrow(/^training diverged at step 7: Loss_D is NaN$/);
    expect(h.check(1, { ...fine, lossD: 90 })).toBeUndefined();
    expect(h.check(2, { ...fine, lossD: 6.2e20 })).toMatch(/^step 2: the losses are exploding \(Loss_D 6\.20e\+20, Loss_G 0\.900; .*--lr/);
    expect(h.check(3, { ...fine, lossG: -4e3 })).toBeUndefined();
  });

  it('warns once when D wins outright for dWinsSteps consecutive steps', () => {
    const h = new HealthMonitor({ dWinsSteps: 5, collapseBelow: 0.02, collapseFraction: 0.1 });
    const warnings: string[] = [];
    for (let s = 1; s <= 4; s++) expect(h.step(s, dWins)).toBeUndefined();
    h.step(5, fine); // the streak breaks
    for (let s = 6; s <= 20; s++) {
      const w = h.step(s, dWins);
      if (w) warnings.push(w);
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^step 10: D has won outright for 5 steps/);
  });

  it('warns once when the fixed-noise samples collapse', () => {
    const h = new HealthMonitor();
    expect(h.samples(100, 0.5, 'a.png')).toBeUndefined();
    expect(h.samples(200, 0.3, 'b.png')).toBeUndefined();
    expect(h.samples(300, 0.04, 'c.png')).toMatch(/step 300: the fixed-noise samples look alike.*c\.png/);
    expect(h.samples(400, 0.01, 'd.png')).toBeUndefined();
  });
});

describe('diversity', () => {
  it('is 0 for identical samples and grows with their spread', () => {
    const same = new Float32Array(4 * 10).fill(0.3);
    expect(diversity(same, 4)).toBe(0);
    const spread = Float32Array.from({ length: 40 }, (_, i) => (Math.floor(i / 10) % 2 ? 1 : -1));
    expect(diversity(spread, 4)).toBeCloseTo(1, 6);
  });
});
