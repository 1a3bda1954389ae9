// ArgMax: index of the largest value along attrs.axis (the first one on ties), int32.
import { ArgMax, util, type ArgMaxAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const argMaxConfig = aten(ArgMax, ({ inputs, backend, attrs }) => {
  const { x } = inputsOf(inputs, 'x');
  const b = backend as AtenBackend;
  const axis = util.parseAxisParam((attrs as unknown as ArgMaxAttrs).axis, x.shape)[0]!;
  const shape = x.shape.filter((_, i) => i !== axis);
  return b.output(b.aten.argReduce('ArgMax', b.handle(x), axis), shape, 'int32');
});
