// OneHot: rows of attrs.offValue with attrs.onValue at each index (indices outside [0, depth) give none).
import { OneHot, type OneHotAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { asNativeDtype, aten, inputsOf } from '../kernel-utils.js';

export const oneHotConfig = aten(OneHot, ({ inputs, backend, attrs }) => {
  const { indices } = inputsOf(inputs, 'indices');
  const { depth, onValue, offValue, dtype } = attrs as unknown as OneHotAttrs;
  const b = backend as AtenBackend;
  const shape = [...indices.shape, depth];
  return b.output(b.aten.oneHot(b.handle(indices), depth, onValue, offValue, asNativeDtype(dtype)), shape, dtype);
});
