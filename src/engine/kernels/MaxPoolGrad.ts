// MaxPoolGrad: routes each window's gradient to the (first) maximum of the window.
import { MaxPoolGrad, type MaxPoolGradAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { atenPoolable, poolGeometry } from '../pool-utils.js';
import { cpuFallback } from '../fallback.js';

export const maxPoolGradConfig = aten(MaxPoolGrad, (args) => {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputsOf(inputs, 'dy', 'input');
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const b = backend as AtenBackend;
  const { info, geometry: g } = poolGeometry(input.shape, filterSize, strides, pad, dimRoundingMode);
  if (!atenPoolable(info)) return cpuFallback(MaxPoolGrad)(args);
  return b.output(b.aten.maxPoolGrad(b.handle(dy), b.handle(input), g.kernel, g.strides, g.pads), [...input.shape], input.dtype);
});
