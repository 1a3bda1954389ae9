// ArgMin: index of the smallest value along attrs.axis (the first one on ties), int32.
import { ArgMin, util, type ArgMinAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const argMinConfig = aten(ArgMin, ({ inputs, backend, attrs }) => {
  const { x } = inputsOf(inputs, 'x');
  const b = backend as AtenBackend;
  const axis = util.parseAxisParam((attrs as unknown as ArgMinAttrs).axis, x.shape)[0]!;
  const shape = x.shape.filter((_, i) => i !== axis);
  return b.output(b.aten.argReduce('ArgMin', b.handle(x), axis), shape, 'int32');
});
