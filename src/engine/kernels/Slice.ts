// Slice: the block of x starting at attrs.begin with attrs.size (-1: to the end).
import { Slice, slice_util, type SliceAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const sliceConfig = aten(Slice, (args) => {
  const { x } = inputsOf(args.inputs, 'x');
  if (x.dtype === 'string') return cpuFallback(Slice)(args);
  const { begin, size } = args.attrs as unknown as SliceAttrs;
  const b = args.backend as AtenBackend;
  const [$begin, $size] = slice_util.parseSliceParams(x, begin, size) as [number[], number[]];
  slice_util.assertParamsValid(x, $begin, $size);
  return b.output(b.aten.slice(b.handle(x), $begin, $size), $size, x.dtype);
});
