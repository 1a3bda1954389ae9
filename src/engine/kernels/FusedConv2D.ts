// FusedConv2D: Conv2D + bias + activation in one native call (the bias goes inside the oneDNN primitive).
import { FusedConv2D, type FusedConv2DAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import type { Activation } from '../native.js';
import { conv2d } from './Conv2D.js';

export const fusedConv2DConfig = aten(FusedConv2D, ({ inputs, backend, attrs }) => {
  const { x, filter } = inputsOf(inputs, 'x', 'filter');
  const { bias, preluActivationWeights } = inputs;
  const a = attrs as unknown as FusedConv2DAttrs;
  return conv2d(backend as AtenBackend, x, filter, a, {
    bias,
    activation: a.activation as Activation,
    prelu: preluActivationWeights,
    leakyAlpha: a.leakyreluAlpha,
  });
});
