// DcganBatchNormTrain: training-mode batch norm over all axes but the last, on ATen's batch-norm kernel,
// with the activation after it applied in place.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { activationAlpha, BatchNormTrain, type BatchNormTrainAttrs } from '../custom-kernels.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const dcganBatchNormTrainConfig = aten(BatchNormTrain, ({ inputs, backend, attrs }) => {
  const { x, gamma, beta } = inputsOf(inputs, 'x', 'gamma', 'beta');
  const b = backend as AtenBackend;
  const c = x.shape[x.shape.length - 1]!;
  const a = attrs as unknown as BatchNormTrainAttrs;
  const [y, mean, invStd] = b.aten.batchNormTrain(b.handle(x), b.handle(gamma), b.handle(beta), a.epsilon, activationAlpha(a));
  return [b.output(y, [...x.shape], 'float32'), b.output(mean, [c], 'float32'), b.output(invStd, [c], 'float32')] as TensorInfo[];
});
