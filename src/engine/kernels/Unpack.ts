// Unpack: x split into its slices along attrs.axis, each without that dimension.
import { Unpack, type UnpackAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const unpackConfig = aten(Unpack, (args) => {
  const { value } = inputsOf(args.inputs, 'value');
  if (value.dtype === 'string') return cpuFallback(Unpack)(args);
  const { axis } = args.attrs as unknown as UnpackAttrs;
  const b = args.backend as AtenBackend;
  const $axis = axis < 0 ? axis + value.shape.length : axis;
  const shape = value.shape.filter((_, i) => i !== $axis);
  return b.aten.unstack(b.handle(value), $axis).map((h) => b.output(h, [...shape], value.dtype));
});
