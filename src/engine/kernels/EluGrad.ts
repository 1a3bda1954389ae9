// EluGrad: the gradient of Elu from dy and the forward output y: dy where y >= 0, dy * (y + 1) elsewhere.
import { EluGrad } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const eluGradConfig = aten(EluGrad, ({ inputs, backend }) => {
  const { dy, y } = inputsOf(inputs, 'dy', 'y');
  const b = backend as AtenBackend;
  return b.output(b.aten.binary('EluGrad', b.handle(dy), b.handle(y), 'float32'), [...dy.shape], 'float32');
});
