// Concat: tensors joined along attrs.axis; empty inputs are skipped.
import { backend_util, Concat, util, type ConcatAttrs, type ConcatInputs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const concatConfig = aten(Concat, (args) => {
  const tensors = args.inputs as unknown as ConcatInputs;
  const { axis } = args.attrs as unknown as ConcatAttrs;
  if (tensors.some((t) => t.dtype === 'string')) return cpuFallback(Concat)(args);
  const b = args.backend as AtenBackend;
  const $axis = util.parseAxisParam(axis, tensors[0]!.shape)[0]!;
  const shapes = tensors.map((t) => t.shape);
  backend_util.assertParamsConsistent(shapes, $axis);
  const shape = backend_util.computeOutShape(shapes, $axis);
  const dtype = tensors[0]!.dtype;
  const nonEmpty = tensors.filter((t) => util.sizeFromShape(t.shape) > 0);
  if (nonEmpty.length === 0) return b.output(b.aten.fill(shape, 0, b.nativeDtype(dtype)), shape, dtype);
  return b.output(b.aten.concat(nonEmpty.map((t) => b.handle(t)), $axis), shape, dtype);
});
