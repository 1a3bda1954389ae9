// AvgPool: the mean of each window over its real (unpadded) cells, as TF.
import { AvgPool, type AvgPoolAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { atenPoolable, poolGeometry } from '../pool-utils.js';
import { cpuFallback } from '../fallback.js';

export const avgPoolConfig = aten(AvgPool, (args) => {
  const { inputs, backend, attrs } = args;
  const { x } = inputsOf(inputs, 'x');
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as AvgPoolAttrs;
  const b = backend as AtenBackend;
  const { info, geometry: g } = poolGeometry(x.shape, filterSize, strides, pad, dimRoundingMode);
  if (!atenPoolable(info)) return cpuFallback(AvgPool)(args);
  return b.output(b.aten.avgPool(b.handle(x), g.kernel, g.strides, g.pads), [...info.outShape], 'float32');
});
