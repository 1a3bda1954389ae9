// What the discriminator learned to look at (Radford et al. 2015, figure 5): its first convolution's
// filters as small images, and optionally the feature maps each convolution produces for one image.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { UserError } from '../util/errors.js';
import { upscale } from './annotate.js';
import { makeGrid, type RawImage } from './grid.js';

/** D's convolutions: stock, or spectrally normalised (whose kernel is the raw weight, W before / sigma). */
const CONV_CLASSES = new Set(['Conv2D', 'SpectralConv2D']);

/** The first convolution's filters ([kh, kw, cin, cout]) as a grid, each scaled to [-1, 1] on its own. */
export function firstLayerFilters(D: tfl.LayersModel, scale = 8): RawImage {
  const conv = D.layers.find((l) => CONV_CLASSES.has(l.getClassName()));
  if (!conv) throw new UserError('the discriminator has no convolution layer');
  const kernel = conv.getWeights()[0]!;
  const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
  const w = kernel.dataSync();
  const c: 1 | 3 = cin === 3 ? 3 : 1;
  const images = new Float32Array(cout * kh * kw * c);
  for (let o = 0; o < cout; o++) {
    let lo = Infinity, hi = -Infinity;
    const vals = new Float32Array(kh * kw * c);
    for (let p = 0; p < kh * kw; p++) {
      for (let k = 0; k < c; k++) {
        // Grayscale (or more than 3 input channels): the mean over the input channels.
        let v = 0;
        if (c === 3) v = w[(p * cin + k) * cout + o]!;
        else for (let i = 0; i < cin; i++) v += w[(p * cin + i) * cout + o]! / cin;
        vals[p * c + k] = v;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    const span = hi - lo || 1;
    for (let i = 0; i < vals.length; i++) images[o * vals.length + i] = ((vals[i]! - lo) / span) * 2 - 1;
  }
  return upscale(makeGrid(images, cout, kh, kw, c, { pad: 1, padValue: 128 }), scale);
}

/** For one image (NHWC [1, h, w, c] in [-1, 1]), the first `channels` feature maps of each convolution. */
export function activations(D: tfl.LayersModel, image: tf.Tensor4D, channels = 16): { layer: string; grid: RawImage }[] {
  const out: { layer: string; grid: RawImage }[] = [];
  tf.tidy(() => {
    let x: tf.Tensor = image;
    for (const layer of D.layers) {
      x = layer.apply(x, { training: false }) as tf.Tensor;
      if (!CONV_CLASSES.has(layer.getClassName()) || x.shape.length !== 4) continue;
      const [, h, w, c] = x.shape as [number, number, number, number];
      const k = Math.min(channels, c);
      const maps = tf.transpose(tf.slice(x, [0, 0, 0, 0], [1, h, w, k]), [3, 1, 2, 0]); // [k, h, w, 1]
      // Each map scaled to [-1, 1] on its own.
      const lo = tf.min(maps, [1, 2, 3], true), hi = tf.max(maps, [1, 2, 3], true);
      const norm = tf.sub(tf.mul(tf.div(tf.sub(maps, lo), tf.maximum(tf.sub(hi, lo), 1e-6)), 2), 1);
      const scale = Math.max(1, Math.floor(64 / Math.max(h, w)));
      out.push({ layer: layer.name, grid: upscale(makeGrid(norm.dataSync() as Float32Array, k, h, w, 1, { pad: 1, padValue: 128 }), scale) });
    }
  });
  return out;
}
