// Cast: x converted to attrs.dtype (float to int truncates toward zero; to bool is x != 0; complex64 to a
// real type keeps the real part). A cast to x's own dtype shares x's data, as TF.js's cpu backend does.
import { Cast, type CastAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { asNativeDtype, aten, inputsOf } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const castConfig = aten(Cast, (args) => {
  const { x } = inputsOf(args.inputs, 'x');
  const { dtype } = args.attrs as unknown as CastAttrs;
  const b = args.backend as AtenBackend;
  if (x.dtype === dtype) {
    b.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype };
  }
  if (x.dtype === 'string' || dtype === 'string') return cpuFallback(Cast)(args);
  return b.output(b.aten.cast(b.handle(x), asNativeDtype(dtype)), [...x.shape], dtype);
});
