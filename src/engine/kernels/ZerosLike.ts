// ZerosLike: a tensor of zeros with x's shape and dtype.
import { ZerosLike } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { asNativeDtype, aten, inputsOf } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const zerosLikeConfig = aten(ZerosLike, (args) => {
  const { x } = inputsOf(args.inputs, 'x');
  if (x.dtype === 'string') return cpuFallback(ZerosLike)(args);
  const b = args.backend as AtenBackend;
  return b.output(b.aten.fill(x.shape, 0, asNativeDtype(x.dtype)), [...x.shape], x.dtype);
});
