// Fill: a tensor of attrs.shape filled with attrs.value.
import { Fill, util, type FillAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, asNativeDtype } from '../kernel-utils.js';

export const fillConfig = aten(Fill, ({ backend, attrs }) => {
  const { shape, value, dtype } = attrs as unknown as FillAttrs;
  const b = backend as AtenBackend;
  const $dtype = dtype ?? util.inferDtype(value);
  if ($dtype === 'string') {
    const bytes = util.encodeString(String(value));
    return b.makeTensorInfo([...shape], 'string', new Array<Uint8Array>(util.sizeFromShape(shape)).fill(bytes));
  }
  return b.output(b.aten.fill(shape, Number(value), asNativeDtype($dtype)), [...shape], $dtype);
});
