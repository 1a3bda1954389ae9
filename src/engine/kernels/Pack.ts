// Pack: tensors of one shape stacked along a new dimension attrs.axis.
import { Pack, util, type PackAttrs, type PackInputs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const packConfig = aten(Pack, (args) => {
  const tensors = args.inputs as unknown as PackInputs;
  if (tensors.some((t) => t.dtype === 'string')) return cpuFallback(Pack)(args);
  const { axis } = args.attrs as unknown as PackAttrs;
  const b = args.backend as AtenBackend;
  const first = tensors[0]!;
  util.assert(tensors.every((t) => t.dtype === first.dtype), () => 'All tensors passed to stack must have matching dtypes');
  const rank = first.shape.length;
  const $axis = axis < 0 ? axis + rank + 1 : axis;
  const shape = [...first.shape];
  shape.splice($axis, 0, tensors.length);
  return b.output(b.aten.stack(tensors.map((t) => b.handle(t)), $axis), shape, first.dtype);
});
