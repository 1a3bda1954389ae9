// The `fake` dataset: synthetic images of any shape for smoke tests and dry runs (pytorch/examples' --dataset fake),
// computed on demand from (seed, index): a two-colour gradient with a disc whose hue is the image's class.
import { BaseDataset } from './dataset-base.js';
import { mixSeed, SplitMix32 } from './seeded-order.js';

export const FAKE_CLASSES = 10;
export const FAKE_DEFAULT_COUNT = 1024;
export const FAKE_DEFAULT_SHAPE: [number, number, 1 | 3] = [64, 64, 3];

/** Fully saturated RGB of a hue in [0, 1). */
function hueRgb(h: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return Math.round(255 * (1 - Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}

export class FakeDataset extends BaseDataset {
  constructor(spec: string, count: number, height: number, width: number, channels: 1 | 3, private readonly seed: number) {
    const labels = Int32Array.from({ length: count }, (_, i) => i % FAKE_CLASSES);
    const classNames = Array.from({ length: FAKE_CLASSES }, (_, k) => `class${k}`);
    super({ spec, count, height, width, channels, classNames, skipped: { count: 0, examples: [] } }, labels, { kind: 'generated' });
  }

  image(i: number): Uint8Array {
    this.check(i);
    const { height: h, width: w, channels: c } = this;
    const rng = new SplitMix32(mixSeed(this.seed, i));
    const c0 = [rng.int(256), rng.int(256), rng.int(256)], c1 = [rng.int(256), rng.int(256), rng.int(256)];
    const angle = rng.uniform() * 2 * Math.PI, gx = Math.cos(angle), gy = Math.sin(angle);
    const cx = (0.25 + 0.5 * rng.uniform()) * w, cy = (0.25 + 0.5 * rng.uniform()) * h;
    const r = (0.15 + 0.2 * rng.uniform()) * Math.min(h, w);
    const disc = hueRgb((i % FAKE_CLASSES) / FAKE_CLASSES);
    const out = new Uint8Array(h * w * c);
    const rgb = [0, 0, 0];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r) {
          rgb[0] = disc[0]; rgb[1] = disc[1]; rgb[2] = disc[2];
        } else {
          const t = Math.min(1, Math.max(0, 0.5 + 0.5 * (gx * (2 * x / w - 1) + gy * (2 * y / h - 1))));
          for (let k = 0; k < 3; k++) rgb[k] = Math.round(c0[k]! + (c1[k]! - c0[k]!) * t);
        }
        const o = (y * w + x) * c;
        if (c === 3) {
          out[o] = rgb[0]!; out[o + 1] = rgb[1]!; out[o + 2] = rgb[2]!;
        } else out[o] = Math.round(0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]!);
      }
    }
    return out;
  }
}

/** A fake dataset's shape from LoadOptions over the spec's (fake:HxWxC) over 64x64x3. */
export function fakeShape(specShape: [number, number, 1 | 3] | undefined, size?: [number, number], channels?: 1 | 3): [number, number, 1 | 3] {
  const [h, w, c] = specShape ?? FAKE_DEFAULT_SHAPE;
  return [size?.[0] ?? h, size?.[1] ?? w, channels ?? c];
}
