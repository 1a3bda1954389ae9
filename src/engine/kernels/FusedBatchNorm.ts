// FusedBatchNorm: (x - mean) / sqrt(variance + eps) * scale + offset, in one pass over x.
import { FusedBatchNorm, type FusedBatchNormAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const fusedBatchNormConfig = aten(FusedBatchNorm, ({ inputs, backend, attrs }) => {
  const { x, mean, variance } = inputsOf(inputs, 'x', 'mean', 'variance');
  const { offset, scale } = inputs;
  const { varianceEpsilon } = attrs as unknown as FusedBatchNormAttrs;
  const b = backend as AtenBackend;
  const h = b.aten.batchNorm(b.handle(x), b.handle(mean), b.handle(variance),
    offset ? b.handle(offset) : undefined, scale ? b.handle(scale) : undefined, varianceEpsilon ?? 0.001);
  return b.output(h, [...x.shape], 'float32');
});
