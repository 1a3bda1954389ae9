// _FusedMatMul: BatchMatMul + bias + activation (the Dense layer); a 2-D product with a bias is one addmm.
import { _FusedMatMul, type _FusedMatMulAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import type { Activation } from '../native.js';
import { batchMatMul } from './BatchMatMul.js';

export const fusedMatMulConfig = aten(_FusedMatMul, ({ inputs, backend, attrs }) => {
  const { a, b } = inputsOf(inputs, 'a', 'b');
  const { bias, preluActivationWeights } = inputs;
  const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as unknown as _FusedMatMulAttrs;
  return batchMatMul(backend as AtenBackend, a, b, transposeA, transposeB, {
    bias,
    activation: activation as Activation,
    prelu: preluActivationWeights,
    leakyAlpha: leakyreluAlpha,
  });
});
