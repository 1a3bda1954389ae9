// SplitV: x cut along attrs.axis into pieces of the given sizes (or a number of equal pieces).
import { backend_util, SplitV, util, type SplitVAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const splitVConfig = aten(SplitV, (args) => {
  const { x } = inputsOf(args.inputs, 'x');
  if (x.dtype === 'string') return cpuFallback(SplitV)(args);
  const { numOrSizeSplits, axis } = args.attrs as unknown as SplitVAttrs;
  const b = args.backend as AtenBackend;
  const $axis = util.parseAxisParam(axis, x.shape)[0]!;
  const sizes = backend_util.prepareSplitSize(x, numOrSizeSplits, $axis);
  return b.aten.split(b.handle(x), sizes, $axis).map((h, i) => {
    const shape = [...x.shape];
    shape[$axis] = sizes[i]!;
    return b.output(h, shape, x.dtype);
  });
});
