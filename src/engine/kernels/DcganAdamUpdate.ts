// DcganAdamUpdate: one Adam step for one variable (new value, first and second moments) in one native call.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { AdamUpdate, type AdamAttrs } from '../custom-kernels.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const dcganAdamUpdateConfig = aten(AdamUpdate, ({ inputs, backend, attrs }) => {
  const { w, m, v, g } = inputsOf(inputs, 'w', 'm', 'v', 'g');
  const b = backend as AtenBackend;
  const a = attrs as unknown as AdamAttrs;
  const out = b.aten.adamUpdate(b.handle(w), b.handle(m), b.handle(v), b.handle(g), a.lr, a.beta1, a.beta2, a.epsilon, a.step);
  return out.map((h) => b.output(h, [...w.shape], 'float32')) as TensorInfo[];
});
