// ResizeNearestNeighborGrad: each source pixel sums the gradients of the output pixels that copied it.
import { ResizeNearestNeighborGrad, type ResizeNearestNeighborGradAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { nearestIndices } from '../resize-utils.js';

export const resizeNearestNeighborGradConfig = aten(ResizeNearestNeighborGrad, ({ inputs, backend, attrs }) => {
  const { images, dy } = inputsOf(inputs, 'images', 'dy');
  const { alignCorners, halfPixelCenters } = attrs as unknown as ResizeNearestNeighborGradAttrs;
  const b = backend as AtenBackend;
  const [, h, w] = images.shape as [number, number, number, number];
  const [, newH, newW] = dy.shape as [number, number, number, number];
  const cols = b.aten.indexAdd(b.handle(dy), 2, nearestIndices(w, newW, alignCorners, halfPixelCenters), w);
  const both = b.aten.indexAdd(cols, 1, nearestIndices(h, newH, alignCorners, halfPixelCenters), h);
  b.aten.release(cols);
  return b.output(both, [...images.shape], 'float32');
});
