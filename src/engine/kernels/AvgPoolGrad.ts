// AvgPoolGrad: spreads each window's gradient evenly over it, divided by the full window size (as TF.js's
// kernels do, even where the forward pass divided by the number of unpadded cells).
import { AvgPoolGrad, type AvgPoolGradAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { atenPoolable, poolGeometry } from '../pool-utils.js';
import { cpuFallback } from '../fallback.js';

export const avgPoolGradConfig = aten(AvgPoolGrad, (args) => {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputsOf(inputs, 'dy', 'input');
  const { filterSize, strides, pad } = attrs as unknown as AvgPoolGradAttrs;
  const b = backend as AtenBackend;
  const { info, geometry: g } = poolGeometry(input.shape, filterSize, strides, pad);
  if (!atenPoolable(info)) return cpuFallback(AvgPoolGrad)(args);
  return b.output(b.aten.avgPoolGrad(b.handle(dy), b.handle(input), g.kernel, g.strides, g.pads), [...input.shape], 'float32');
});
