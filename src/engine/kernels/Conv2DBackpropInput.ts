// Conv2DBackpropInput: the gradient of Conv2D with respect to its input, which is also conv2dTranspose
// (the generator's up-sampling layers). Runs oneDNN's backward-data primitive, about twice as fast as
// ATen's conv_transpose2d on the same problem.
import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
} from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { nativeGeometry, nhwcHandle, nhwcShape } from '../conv-utils.js';
import { aten, inputsOf } from '../kernel-utils.js';
import type { Handle } from '../native.js';

export const conv2DBackpropInputConfig = aten(Conv2DBackpropInput, ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputsOf(inputs, 'dy', 'filter');
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as Conv2DBackpropInputAttrs;
  const b = backend as AtenBackend;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  const channelsFirst = format === 'channelsFirst';
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad,
    dimRoundingMode, false, format);
  const g = nativeGeometry(info);
  const temp: Handle[] = [];
  let dyh = nhwcHandle(b, dy, channelsFirst, temp);
  const [dn, dh, dw, dc] = nhwcShape(dy.shape, channelsFirst) as [number, number, number, number];
  if (dh > info.outHeight || dw > info.outWidth) {
    // A dy larger than the convolution's output: TF.js's kernels read only its first outHeight x outWidth.
    dyh = b.aten.slice(dyh, [0, 0, 0, 0], [dn, info.outHeight, info.outWidth, dc]);
    temp.push(dyh);
  }
  let dx = b.aten.conv2dBackpropInput(dyh, b.handle(filter), nhwcShape(inputShape, channelsFirst), g.strides, g.pads, g.dilations, 1);
  if (channelsFirst) {
    const t = b.aten.transpose(dx, [0, 3, 1, 2]);
    b.aten.release(dx);
    dx = t;
  }
  for (const t of temp) b.aten.release(t);
  return b.output(dx, [...inputShape], 'float32');
});
