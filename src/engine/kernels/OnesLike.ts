// OnesLike: a tensor of ones with x's shape and dtype.
import { OnesLike } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { asNativeDtype, aten, inputsOf } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const onesLikeConfig = aten(OnesLike, (args) => {
  const { x } = inputsOf(args.inputs, 'x');
  if (x.dtype === 'string') return cpuFallback(OnesLike)(args);
  const b = args.backend as AtenBackend;
  return b.output(b.aten.fill(x.shape, 1, asNativeDtype(x.dtype)), [...x.shape], x.dtype);
});
