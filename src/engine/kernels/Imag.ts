// Imag: the imaginary part of a complex64 tensor, as float32.
import { Imag, type ImagInputs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const imagConfig = aten(Imag, ({ inputs, backend }) => {
  const { input } = inputsOf(inputs as ImagInputs, 'input');
  const b = backend as AtenBackend;
  return b.output(b.aten.imag(b.handle(input)), [...input.shape], 'float32');
});
