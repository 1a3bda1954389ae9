// Complex: a complex64 tensor from float32 real and imaginary parts (one native complex tensor, not the
// pair of float tensors TF.js's cpu backend keeps).
import { Complex, type ComplexInputs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const complexConfig = aten(Complex, ({ inputs, backend }) => {
  const { real, imag } = inputsOf(inputs as ComplexInputs, 'real', 'imag');
  const b = backend as AtenBackend;
  return b.output(b.aten.complex(b.handle(real), b.handle(imag)), [...real.shape], 'complex64');
});
