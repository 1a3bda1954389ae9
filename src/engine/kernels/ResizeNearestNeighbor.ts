// ResizeNearestNeighbor: each output pixel copies its nearest source pixel (UpSampling2D uses this).
import { ResizeNearestNeighbor, type ResizeNearestNeighborAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { nearestIndices } from '../resize-utils.js';

export const resizeNearestNeighborConfig = aten(ResizeNearestNeighbor, ({ inputs, backend, attrs }) => {
  const { images } = inputsOf(inputs, 'images');
  const { alignCorners, halfPixelCenters, size } = attrs as unknown as ResizeNearestNeighborAttrs;
  const b = backend as AtenBackend;
  const [n, h, w, c] = images.shape as [number, number, number, number];
  const [newH, newW] = size;
  const rows = b.aten.indexSelect(b.handle(images), 1, nearestIndices(h, newH, alignCorners, halfPixelCenters));
  const both = b.aten.indexSelect(rows, 2, nearestIndices(w, newW, alignCorners, halfPixelCenters));
  b.aten.release(rows);
  return b.output(both, [n, newH, newW, c], 'float32');
});
