// StridedSlice: numpy-style x[begin:end:strides] with TF's begin/end/ellipsis/new-axis/shrink masks.
import { StridedSlice, slice_util, type StridedSliceAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const stridedSliceConfig = aten(StridedSlice, (args) => {
  const { x } = inputsOf(args.inputs, 'x');
  if (x.dtype === 'string') return cpuFallback(StridedSlice)(args);
  const { begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask } =
    args.attrs as unknown as StridedSliceAttrs;
  const b = args.backend as AtenBackend;
  // sliceInfo normalises everything to one (begin, end, stride) per dimension of x.
  const info = slice_util.sliceInfo(x.shape, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask);
  const sliced = b.aten.stridedSlice(b.handle(x), info.begin, info.end, info.strides);
  return b.outputReshaped(sliced, info.finalShape, x.dtype);
});
