// Identity: x itself. The output shares x's data, so its reference count goes up (the kernel contract).
import { Identity } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const identityConfig = aten(Identity, (args) => {
  const { x } = inputsOf(args.inputs, 'x');
  (args.backend as AtenBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
});
