// Cast: x converted to attrs.dtype (float to int truncates toward zero; to bool is x != 0).
import { Cast, type CastAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { asNativeDtype, aten, inputsOf } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const castConfig = aten(Cast, (args) => {
  const { x } = inputsOf(args.inputs, 'x');
  const { dtype } = args.attrs as unknown as CastAttrs;
  if (x.dtype === 'string' || dtype === 'string' || x.dtype === 'complex64' || dtype === 'complex64') {
    return cpuFallback(Cast)(args);
  }
  const b = args.backend as AtenBackend;
  return b.output(b.aten.cast(b.handle(x), asNativeDtype(dtype)), [...x.shape], dtype);
});
