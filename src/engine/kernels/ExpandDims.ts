// ExpandDims: inserts a dimension of size 1 at attrs.dim (negative counts from the end). A view.
import { ExpandDims, util, type ExpandDimsAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { reshape } from './Reshape.js';

export const expandDimsConfig = aten(ExpandDims, ({ inputs, backend, attrs }) => {
  const { input } = inputsOf(inputs, 'input');
  const { dim } = attrs as unknown as ExpandDimsAttrs;
  const rank = input.shape.length;
  util.assert(dim >= -(rank + 1) && dim <= rank, () => `Axis must be in the interval [${-(rank + 1)}, ${rank}]`);
  const shape = [...input.shape];
  shape.splice(dim < 0 ? rank + dim + 1 : dim, 0, 1);
  return reshape(backend as AtenBackend, input, shape);
});
