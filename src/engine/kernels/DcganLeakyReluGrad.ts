// DcganLeakyReluGrad: dy where x > 0, alpha * dy elsewhere (the gradient of Relu and LeakyRelu).
import type { AtenBackend } from '../backend.js';
import { LeakyReluGrad } from '../custom-kernels.js';
import { aten, inputsOf, numAttr } from '../kernel-utils.js';

export const dcganLeakyReluGradConfig = aten(LeakyReluGrad, ({ inputs, backend, attrs }) => {
  const { dy, x } = inputsOf(inputs, 'dy', 'x');
  const b = backend as AtenBackend;
  return b.output(b.aten.leakyReluGrad(b.handle(dy), b.handle(x), numAttr(attrs, 'alpha', 0)), [...x.shape], 'float32');
});
