// Reshape: x with a new shape (one dimension may be -1). A native view: no data is copied.
import { Reshape, util, type ReshapeAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';

export function reshape(b: AtenBackend, x: TensorInfo, shape: readonly number[]): TensorInfo {
  const size = util.sizeFromShape(x.shape);
  const $shape = util.inferFromImplicitShape([...shape], size);
  util.assert(
    size === util.sizeFromShape($shape),
    () => `The new shape (${$shape}) has ${util.sizeFromShape($shape)} elements and the old shape (${x.shape}) has ${size} elements. The new shape and old shape must have the same number of elements.`,
  );
  if (x.dtype === 'string') return b.makeTensorInfo($shape, 'string', b.strings(x));
  return b.output(b.aten.reshape(b.handle(x), $shape), $shape, x.dtype);
}

export const reshapeConfig = aten(Reshape, ({ inputs, backend, attrs }) =>
  reshape(backend as AtenBackend, inputsOf(inputs, 'x').x, (attrs as unknown as ReshapeAttrs).shape),
);
