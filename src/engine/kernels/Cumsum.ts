// Cumsum: running sum along attrs.axis, optionally exclusive and/or reversed.
import { Cumsum, upcastType, type CumsumAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { asNativeDtype, aten, inputsOf } from '../kernel-utils.js';

export const cumsumConfig = aten(Cumsum, ({ inputs, backend, attrs }) => {
  const { x } = inputsOf(inputs, 'x');
  const { axis, exclusive, reverse } = attrs as unknown as CumsumAttrs;
  const b = backend as AtenBackend;
  const dtype = asNativeDtype(upcastType(x.dtype, 'int32'));
  const h = b.aten.cumulative('Cumsum', b.handle(x), axis, exclusive, reverse);
  return b.output(b.aten.dtypeOf(h) === dtype ? h : b.castAndRelease(h, dtype), [...x.shape], dtype);
});
