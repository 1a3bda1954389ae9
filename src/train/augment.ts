// Differentiable augmentation of the images D sees (DiffAugment, Zhao et al. 2020): colour, translation and
// cutout as batched, differentiable tensor ops, with each image's parameters drawn from the project's seeded
// Rng (so a resumed run draws the same augmentations) and each transform applied with a probability p (ADA).
import * as tf from '@tensorflow/tfjs-core';
import type { AugmentOp } from '../run/config.js';
import type { Rng } from '../util/rng.js';

export { AUGMENT_OPS, parseAugmentSpec, type AugmentOp } from '../run/config.js';

export interface AugmentOptions {
  /** Largest translation as a fraction of the image side (DiffAugment: 1/8), rounded to whole pixels. */
  translation?: number;
  /** Cutout square's side as a fraction of the image side (DiffAugment: 1/2). */
  cutout?: number;
}

/**
 * One batch's augmentation parameters, one entry per image; an image a transform is not applied to has that
 * transform's identity (shift 0, factor 1, empty cutout), which the ops compute exactly.
 */
export interface AugmentParams {
  n: number;
  height: number;
  width: number;
  /** Added to every pixel (DiffAugment: U(-0.5, 0.5)). */
  brightness?: Float32Array;
  /** x * s + mean over channels * (1 - s) (DiffAugment: s ~ U(0, 2)). */
  saturation?: Float32Array;
  /** x * c + mean over the image * (1 - c) (DiffAugment: c ~ U(0.5, 1.5)). */
  contrast?: Float32Array;
  /** The output pixel (i, j) is the input's (i + dy, j + dx), zero outside the image. */
  dy?: Int32Array;
  dx?: Int32Array;
  /** Cutout: rows [top, top + sizeY) and columns [left, left + sizeX), clipped to the image, are zeroed. */
  top?: Int32Array;
  left?: Int32Array;
  /** Which transforms change at least one image (the others are skipped). */
  active: { brightness: boolean; saturation: boolean; contrast: boolean; translation: boolean; cutout: boolean };
}

/** DiffAugment's transforms for a policy; draw() picks a batch's parameters, apply() runs them. */
export class DiffAugment {
  readonly ops: readonly AugmentOp[];
  private readonly translationRatio: number;
  private readonly cutoutRatio: number;

  constructor(ops: readonly AugmentOp[], options: AugmentOptions = {}) {
    this.ops = ops;
    this.translationRatio = options.translation ?? 1 / 8;
    this.cutoutRatio = options.cutout ?? 1 / 2;
  }

  /**
   * Parameters for n images of height x width, each transform applied to each image with probability p
   * (1: always, as DiffAugment; less: ADA). The number of values drawn from `rng` depends only on n and the
   * policy, not on p, so changing p does not shift the rest of the run's random stream.
   */
  draw(rng: Rng, n: number, height: number, width: number, p = 1): AugmentParams {
    const on = (): boolean => rng.uniform() < p;
    const out: AugmentParams = { n, height, width, active: { brightness: false, saturation: false, contrast: false, translation: false, cutout: false } };
    if (this.ops.includes('color')) {
      const b = new Float32Array(n), s = new Float32Array(n), c = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        // DiffAugment's rand_brightness, rand_saturation, rand_contrast, in that order
        const [ab, vb] = [on(), rng.uniform() - 0.5];
        const [as, vs] = [on(), rng.uniform() * 2];
        const [ac, vc] = [on(), rng.uniform() + 0.5];
        b[i] = ab ? vb : 0;
        s[i] = as ? vs : 1;
        c[i] = ac ? vc : 1;
      }
      Object.assign(out, { brightness: b, saturation: s, contrast: c });
      out.active.brightness = b.some((v) => v !== 0);
      out.active.saturation = s.some((v) => v !== 1);
      out.active.contrast = c.some((v) => v !== 1);
    }
    if (this.ops.includes('translation')) {
      // rand_translation: shift = int(side * ratio + 0.5), an integer offset in [-shift, shift] per axis
      const sy = Math.floor(height * this.translationRatio + 0.5), sx = Math.floor(width * this.translationRatio + 0.5);
      const dy = new Int32Array(n), dx = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const a = on();
        const vy = rng.int(2 * sy + 1) - sy, vx = rng.int(2 * sx + 1) - sx;
        dy[i] = a ? vy : 0;
        dx[i] = a ? vx : 0;
      }
      Object.assign(out, { dy, dx });
      out.active.translation = dy.some((v) => v !== 0) || dx.some((v) => v !== 0);
    }
    if (this.ops.includes('cutout')) {
      // rand_cutout: a square of int(side * ratio + 0.5) centred at offset ~ U{0 .. side - (size % 2 === 0 ? 0 : 1)},
      // i.e. starting at offset - size / 2 and clipped to the image
      const [hy, hx] = this.cutoutSize(height, width);
      const top = new Int32Array(n), left = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const a = on();
        const oy = rng.int(height + (1 - (hy % 2))), ox = rng.int(width + (1 - (hx % 2)));
        // An image without cutout gets its square entirely outside the image.
        top[i] = a ? oy - Math.floor(hy / 2) : height;
        left[i] = a ? ox - Math.floor(hx / 2) : width;
      }
      Object.assign(out, { top, left });
      out.active.cutout = top.some((v) => v < height);
    }
    return out;
  }

  private cutoutSize(height: number, width: number): [number, number] {
    return [Math.floor(height * this.cutoutRatio + 0.5), Math.floor(width * this.cutoutRatio + 0.5)];
  }

  /** The augmented batch (NHWC), differentiable in x; the parameters must be for x's batch and size. */
  apply(x: tf.Tensor4D, t: AugmentParams): tf.Tensor4D {
    const [n, h, w, c] = x.shape;
    if (n !== t.n || h !== t.height || w !== t.width) {
      throw new Error(`DiffAugment.apply: parameters drawn for ${t.n} images of ${t.height}x${t.width}, given [${x.shape}]`);
    }
    return tf.tidy(() => {
      const perImage = (v: Float32Array) => tf.tensor4d(v, [n, 1, 1, 1]);
      let y: tf.Tensor4D = x;
      if (t.active.brightness) y = tf.add(y, perImage(t.brightness!));
      if (t.active.saturation) {
        // x * s + m * (1 - s) rather than (x - m) * s + m: exactly x where s = 1
        const s = perImage(t.saturation!);
        y = tf.add(tf.mul(y, s), tf.mul(tf.mean(y, 3, true), tf.sub(1, s)));
      }
      if (t.active.contrast) {
        const s = perImage(t.contrast!);
        y = tf.add(tf.mul(y, s), tf.mul(tf.mean(y, [1, 2, 3], true), tf.sub(1, s)));
      }
      if (t.active.translation) {
        // Shifts as products with per-image 0/1 matrices (one batched matmul per axis; exact, zero padded):
        // rows: out[i] = x[i + dy]; the one-hot of an index outside the image is a zero row.
        const shift = (offsets: Int32Array, size: number) =>
          tf.cast(tf.oneHot(tf.add(tf.reshape(tf.range(0, size, 1, 'int32'), [1, size]), tf.tensor2d(offsets, [n, 1], 'int32')) as tf.Tensor2D, size), 'float32') as tf.Tensor3D;
        const rows = tf.matMul(shift(t.dy!, h), tf.reshape(y, [n, h, w * c]));
        // columns: the same on the transposed image
        const cols = tf.reshape(tf.transpose(tf.reshape(rows, [n, h, w, c]), [0, 2, 1, 3]), [n, w, h * c]);
        const shifted = tf.matMul(shift(t.dx!, w), cols);
        y = tf.transpose(tf.reshape(shifted, [n, w, h, c]), [0, 2, 1, 3]);
      }
      if (t.active.cutout) {
        const [hy, hx] = this.cutoutSize(h, w);
        const inside = (start: Int32Array, size: number, len: number) => {
          const i = tf.reshape(tf.range(0, size, 1, 'int32'), [1, size]);
          const a = tf.tensor2d(start, [n, 1], 'int32');
          return tf.cast(tf.logicalAnd(tf.greaterEqual(i, a), tf.less(i, tf.add(a, len))), 'float32');
        };
        const box = tf.mul(tf.reshape(inside(t.top!, h, hy), [n, h, 1, 1]), tf.reshape(inside(t.left!, w, hx), [n, 1, w, 1]));
        y = tf.mul(y, tf.sub(1, box));
      }
      // tidy keeps the result; when nothing was active, a copy keeps the caller's x its own
      return (y === x ? tf.clone(x) : y) as tf.Tensor4D;
    });
  }
}
