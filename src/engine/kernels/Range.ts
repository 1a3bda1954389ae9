// Range: start, start + step, ... up to (not including) stop; empty when the step points away from stop.
import { Range, type RangeAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, asNativeDtype } from '../kernel-utils.js';

export const rangeConfig = aten(Range, ({ backend, attrs }) => {
  const { start, stop, step, dtype } = attrs as unknown as RangeAttrs;
  const b = backend as AtenBackend;
  const empty = start === stop || (start < stop && step < 0) || (stop < start && step > 1);
  const count = empty ? 0 : Math.abs(Math.ceil((stop - start) / step));
  // As TF.js: a decreasing range with the default step of 1 counts down.
  const $step = stop < start && step === 1 ? -1 : step;
  return b.output(b.aten.range(start, $step, count, asNativeDtype(dtype)), [count], dtype);
});
