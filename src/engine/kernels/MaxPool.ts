// MaxPool: the largest value of each window; padded cells never win.
import { MaxPool, type MaxPoolAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { atenPoolable, poolGeometry } from '../pool-utils.js';
import { cpuFallback } from '../fallback.js';

export const maxPoolConfig = aten(MaxPool, (args) => {
  const { inputs, backend, attrs } = args;
  const { x } = inputsOf(inputs, 'x');
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolAttrs;
  const b = backend as AtenBackend;
  const { info, geometry: g } = poolGeometry(x.shape, filterSize, strides, pad, dimRoundingMode);
  if (!atenPoolable(info)) return cpuFallback(MaxPool)(args);
  return b.output(b.aten.maxPool(b.handle(x), g.kernel, g.strides, g.pads), [...info.outShape], x.dtype);
});
