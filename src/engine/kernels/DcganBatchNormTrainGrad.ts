// DcganBatchNormTrainGrad: the gradient of DcganBatchNormTrain (dx, dgamma, dbeta), on ATen's kernels.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { activationAlpha, BatchNormTrainGrad, type BatchNormTrainAttrs } from '../custom-kernels.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const dcganBatchNormTrainGradConfig = aten(BatchNormTrainGrad, ({ inputs, backend, attrs }) => {
  const { dy, x, gamma, mean, invStd, y } = inputsOf(inputs, 'dy', 'x', 'gamma', 'mean', 'invStd', 'y');
  const b = backend as AtenBackend;
  const c = x.shape[x.shape.length - 1]!;
  const a = attrs as unknown as BatchNormTrainAttrs;
  const alpha = activationAlpha(a);
  const [dx, dg, db] = b.aten.batchNormTrainGrad(b.handle(dy), b.handle(x), b.handle(gamma), b.handle(mean),
    b.handle(invStd), a.epsilon, alpha === undefined ? undefined : b.handle(y), alpha);
  return [b.output(dx, [...x.shape], 'float32'), b.output(dg, [c], 'float32'), b.output(db, [c], 'float32')] as TensorInfo[];
});
