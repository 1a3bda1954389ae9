// Reverse: x with the order of elements along attrs.dims reversed.
import { Reverse, util, type ReverseAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const reverseConfig = aten(Reverse, (args) => {
  const { x } = inputsOf(args.inputs, 'x');
  if (x.dtype === 'string') return cpuFallback(Reverse)(args);
  const { dims } = args.attrs as unknown as ReverseAttrs;
  const b = args.backend as AtenBackend;
  const axes = util.parseAxisParam(dims, x.shape);
  return b.output(b.aten.reverse(b.handle(x), axes), [...x.shape], x.dtype);
});
