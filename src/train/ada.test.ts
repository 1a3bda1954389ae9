// ADA's adaptive p: moves towards r_t = target at the set speed, stays in [0, 1], adjusts only every
// `interval` steps, and resumes exactly from its saved state.
import { describe, expect, it } from 'vitest';
import { AdaptiveAugment } from './ada.js';

describe('AdaptiveAugment', () => {
  it('raises p while D is too sure of the reals (r_t > target) and lowers it otherwise', () => {
    const ada = new AdaptiveAugment({ target: 0.6, interval: 4, speedImages: 1000 });
    // 4 steps of 100 reals with r_t = 0.9: one adjustment of +400 / 1000
    for (let i = 0; i < 3; i++) expect(ada.step(90, 100)).toBe(false);
    expect(ada.step(90, 100)).toBe(true);
    expect(ada.rt).toBeCloseTo(0.9, 12);
    expect(ada.p).toBeCloseTo(0.4, 12);
    // r_t = 0.2 < 0.6: down by the same notch
    for (let i = 0; i < 4; i++) ada.step(20, 100);
    expect(ada.p).toBeCloseTo(0, 12);
    expect(ada.rt).toBeCloseTo(0.2, 12);
  });

  it('keeps p in [0, 1]', () => {
    const ada = new AdaptiveAugment({ interval: 1, speedImages: 100 });
    ada.step(-128, 128);
    expect(ada.p).toBe(0);
    for (let i = 0; i < 5; i++) ada.step(128, 128);
    expect(ada.p).toBe(1);
  });

  it('with the defaults, p can go from 0 to 1 in 100k images', () => {
    const ada = new AdaptiveAugment();
    let images = 0;
    while (ada.p < 1) {
      ada.step(128, 128);
      images += 128;
    }
    // 100k images, rounded up to whole intervals of 4 steps of 128
    expect(images).toBe(Math.ceil(100_000 / 512) * 512);
  });

  it('resumes exactly from its state (also through JSON, as a checkpoint stores it)', () => {
    const a = new AdaptiveAugment({ interval: 4, speedImages: 5000 });
    for (let i = 0; i < 10; i++) a.step(i * 7 - 20, 64);
    const b = AdaptiveAugment.fromJSON(JSON.parse(JSON.stringify(a.toJSON())), { interval: 4, speedImages: 5000 });
    expect(b.state()).toEqual(a.state());
    for (let i = 0; i < 9; i++) {
      a.step(30 - i, 64);
      b.step(30 - i, 64);
    }
    expect(b.state()).toEqual(a.state());
    // before the first adjustment r_t is NaN in memory and null in JSON
    const fresh = new AdaptiveAugment();
    expect(fresh.toJSON().lastRt).toBeNull();
    expect(AdaptiveAugment.fromJSON(fresh.toJSON()).rt).toBeNaN();
  });
});
