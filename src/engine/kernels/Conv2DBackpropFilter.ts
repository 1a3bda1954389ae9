// Conv2DBackpropFilter: the gradient of Conv2D with respect to its HWIO filter.
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
} from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { nativeGeometry, nhwcHandle } from '../conv-utils.js';
import { aten, inputsOf } from '../kernel-utils.js';
import type { Handle } from '../native.js';

export const conv2DBackpropFilterConfig = aten(Conv2DBackpropFilter, ({ inputs, backend, attrs }) => {
  const { x, dy } = inputsOf(inputs, 'x', 'dy');
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  const b = backend as AtenBackend;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  const channelsFirst = format === 'channelsFirst';
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad,
    dimRoundingMode, false, format);
  const g = nativeGeometry(info);
  const temp: Handle[] = [];
  const xh = nhwcHandle(b, x, channelsFirst, temp);
  const dyh = nhwcHandle(b, dy, channelsFirst, temp);
  const dw = b.aten.conv2dBackpropFilter(xh, dyh, filterShape, g.strides, g.pads, g.dilations, 1);
  for (const t of temp) b.aten.release(t);
  return b.output(dw, [...filterShape], 'float32');
});
