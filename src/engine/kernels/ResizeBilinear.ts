// ResizeBilinear: each output pixel interpolates its four nearest source pixels, at TF's positions.
import { ResizeBilinear, type ResizeBilinearAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { bilinearPositions } from '../resize-utils.js';

export const resizeBilinearConfig = aten(ResizeBilinear, ({ inputs, backend, attrs }) => {
  const { images } = inputsOf(inputs, 'images');
  const { alignCorners, halfPixelCenters, size } = attrs as unknown as ResizeBilinearAttrs;
  const b = backend as AtenBackend;
  const [n, h, w, c] = images.shape as [number, number, number, number];
  const [newH, newW] = size;
  const r = bilinearPositions(h, newH, alignCorners, halfPixelCenters);
  const q = bilinearPositions(w, newW, alignCorners, halfPixelCenters);
  return b.output(b.aten.resizeBilinear(b.handle(images), r.lo, r.hi, r.frac, q.lo, q.hi, q.frac), [n, newH, newW, c], 'float32');
});
