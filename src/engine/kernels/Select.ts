// Select: condition ? t : e, elementwise; a rank-1 condition picks whole rows.
import { backend_util, Select, upcastType } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { asNativeDtype, aten, inputsOf } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const selectConfig = aten(Select, (args) => {
  const { condition, t, e } = inputsOf(args.inputs, 'condition', 't', 'e');
  if (t.dtype === 'string') return cpuFallback(Select)(args);
  const b = args.backend as AtenBackend;
  const dtype = asNativeDtype(upcastType(t.dtype, e.dtype));
  const shape = backend_util.assertAndGetBroadcastShape(t.shape, e.shape);
  let h = b.aten.select(b.handle(condition), b.handle(t), b.handle(e));
  if (b.aten.dtypeOf(h) !== dtype) {
    const cast = b.aten.cast(h, dtype);
    b.aten.release(h);
    h = cast;
  }
  return b.output(h, shape, dtype);
});
