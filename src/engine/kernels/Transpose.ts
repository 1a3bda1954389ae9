// Transpose: dimensions permuted by attrs.perm (a contiguous copy).
import { Transpose, type TransposeAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const transposeConfig = aten(Transpose, (args) => {
  const { x } = inputsOf(args.inputs, 'x');
  if (x.dtype === 'string') return cpuFallback(Transpose)(args);
  const { perm } = args.attrs as unknown as TransposeAttrs;
  const b = args.backend as AtenBackend;
  const shape = perm.map((p) => x.shape[p]!);
  return b.output(b.aten.transpose(b.handle(x), perm), shape, x.dtype);
});
