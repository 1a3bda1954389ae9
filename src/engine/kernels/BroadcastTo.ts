// BroadcastTo: x expanded to attrs.shape by numpy broadcasting (a copy).
import { BroadcastTo, type BroadCastToAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const broadcastToConfig = aten(BroadcastTo, (args) => {
  const { x } = inputsOf(args.inputs, 'x');
  if (x.dtype === 'string') return cpuFallback(BroadcastTo)(args);
  const { shape } = args.attrs as unknown as BroadCastToAttrs;
  const b = args.backend as AtenBackend;
  return b.output(b.aten.broadcastTo(b.handle(x), shape), [...shape], x.dtype);
});
