// ResizeBilinearGrad: the adjoint of ResizeBilinear, scattering each output gradient onto its four sources.
import { ResizeBilinearGrad, type ResizeBilinearGradAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { bilinearPositions } from '../resize-utils.js';

export const resizeBilinearGradConfig = aten(ResizeBilinearGrad, ({ inputs, backend, attrs }) => {
  const { images, dy } = inputsOf(inputs, 'images', 'dy');
  const { alignCorners, halfPixelCenters } = attrs as unknown as ResizeBilinearGradAttrs;
  const b = backend as AtenBackend;
  const [, h, w] = images.shape as [number, number, number, number];
  const [, newH, newW] = dy.shape as [number, number, number, number];
  const r = bilinearPositions(h, newH, alignCorners, halfPixelCenters);
  const q = bilinearPositions(w, newW, alignCorners, halfPixelCenters);
  const dx = b.aten.resizeBilinearGrad(b.handle(dy), h, w, r.lo, r.hi, r.frac, q.lo, q.hi, q.frac);
  return b.output(dx, [...images.shape], 'float32');
});
