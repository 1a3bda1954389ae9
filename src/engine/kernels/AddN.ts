// AddN: the sum of a list of tensors of one shape.
import { AddN, type AddNInputs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten } from '../kernel-utils.js';

export const addNConfig = aten(AddN, ({ inputs, backend }) => {
  const tensors = inputs as unknown as AddNInputs;
  const b = backend as AtenBackend;
  const first = tensors[0]!;
  return b.output(b.aten.addN(tensors.map((t) => b.handle(t))), [...first.shape], first.dtype);
});
