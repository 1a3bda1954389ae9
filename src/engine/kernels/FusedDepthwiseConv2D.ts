// FusedDepthwiseConv2D: DepthwiseConv2dNative + bias + activation in one native call.
import { FusedDepthwiseConv2D, type FusedDepthwiseConv2DAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import type { Activation } from '../native.js';
import { depthwiseConv2d } from './DepthwiseConv2dNative.js';

export const fusedDepthwiseConv2DConfig = aten(FusedDepthwiseConv2D, ({ inputs, backend, attrs }) => {
  const { x, filter } = inputsOf(inputs, 'x', 'filter');
  const { bias, preluActivationWeights } = inputs;
  const a = attrs as unknown as FusedDepthwiseConv2DAttrs;
  return depthwiseConv2d(backend as AtenBackend, x, filter, a, {
    bias,
    activation: a.activation as Activation,
    prelu: preluActivationWeights,
    leakyAlpha: a.leakyreluAlpha,
  });
});
