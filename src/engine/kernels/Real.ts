// Real: the real part of a complex64 tensor, as float32.
import { Real, type RealInputs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const realConfig = aten(Real, ({ inputs, backend }) => {
  const { input } = inputsOf(inputs as RealInputs, 'input');
  const b = backend as AtenBackend;
  return b.output(b.aten.real(b.handle(input)), [...input.shape], 'float32');
});
