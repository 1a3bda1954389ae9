// ComplexAbs: |x| = sqrt(re^2 + im^2) of a complex64 x, as float32.
import { ComplexAbs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const complexAbsConfig = aten(ComplexAbs, ({ inputs, backend }) => {
  const { x } = inputsOf(inputs, 'x');
  const b = backend as AtenBackend;
  return b.output(b.aten.unary('Abs', b.handle(x), 0, 0, 'float32'), [...x.shape], 'float32');
});
