// Softmax: exp(x) / sum(exp(x)) along the last dimension.
import { Softmax, type SoftmaxAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const softmaxConfig = aten(Softmax, ({ inputs, backend, attrs }) => {
  const { logits } = inputsOf(inputs, 'logits');
  const { dim } = attrs as unknown as SoftmaxAttrs;
  const b = backend as AtenBackend;
  const rank = logits.shape.length;
  const $dim = dim === -1 ? rank - 1 : dim;
  if ($dim !== rank - 1) {
    throw new Error(`Softmax along a non-last dimension is not yet supported. Logits was rank ${rank} and dim was ${$dim}`);
  }
  return b.output(b.aten.softmax(b.handle(logits), $dim, false), [...logits.shape], 'float32');
});
