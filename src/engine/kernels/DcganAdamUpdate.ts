// DcganAdamUpdate: one Adam step for one variable (new value, first and second moments) in one native pass;
// in place when the kernel's inputs are the only holders of their data (the optimizer's usual case).
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { AdamUpdate, type AdamAttrs } from '../custom-kernels.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const dcganAdamUpdateConfig = aten(AdamUpdate, ({ inputs, backend, attrs }) => {
  const { w, m, v, g } = inputsOf(inputs, 'w', 'm', 'v', 'g');
  const b = backend as AtenBackend;
  const a = attrs as unknown as AdamAttrs;
  // Tensors are immutable in TF.js: overwriting is allowed only when no other tensor holds the same data.
  const distinct = new Set([w.dataId, m.dataId, v.dataId, g.dataId]).size === 4;
  const exclusive = distinct && [w, m, v].every((t) => b.refCount(t.dataId) === 1);
  const out = b.aten.adamUpdate(b.handle(w), b.handle(m), b.handle(v), b.handle(g), a.lr, a.beta1, a.beta2, a.epsilon, a.step, exclusive);
  if (out === null) {
    // Updated in place: the outputs are the inputs' data (the kernel contract: incRef what is returned).
    return [w, m, v].map((t) => {
      b.incRef(t.dataId);
      return { dataId: t.dataId, shape: [...t.shape], dtype: 'float32' };
    }) as TensorInfo[];
  }
  return out.map((h) => b.output(h, [...w.shape], 'float32')) as TensorInfo[];
});
