// PadV2: x surrounded by attrs.constantValue, attrs.paddings[d] = [before, after] per dimension.
import { PadV2, type PadV2Attrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const padV2Config = aten(PadV2, (args) => {
  const { x } = inputsOf(args.inputs, 'x');
  if (x.dtype === 'string') return cpuFallback(PadV2)(args);
  const { paddings, constantValue } = args.attrs as unknown as PadV2Attrs;
  const b = args.backend as AtenBackend;
  const shape = x.shape.map((d, i) => paddings[i]![0] + d + paddings[i]![1]);
  return b.output(b.aten.pad(b.handle(x), paddings.flat(), constantValue), shape, x.dtype);
});
