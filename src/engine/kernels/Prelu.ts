// Prelu: x < 0 ? alpha * x : x, alpha broadcast against x.
import { backend_util, Prelu } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const preluConfig = aten(Prelu, ({ inputs, backend }) => {
  const { x, alpha } = inputsOf(inputs, 'x', 'alpha');
  const b = backend as AtenBackend;
  const shape = backend_util.assertAndGetBroadcastShape(x.shape, alpha.shape);
  return b.output(b.aten.binary('Prelu', b.handle(x), b.handle(alpha), 'float32'), shape, 'float32');
});
