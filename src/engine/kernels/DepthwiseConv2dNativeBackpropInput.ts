// DepthwiseConv2dNativeBackpropInput: the gradient of DepthwiseConv2dNative with respect to its input.
import {
  backend_util,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
} from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { nativeGeometry } from '../conv-utils.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const depthwiseConv2dNativeBackpropInputConfig = aten(DepthwiseConv2dNativeBackpropInput, ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputsOf(inputs, 'dy', 'filter');
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const b = backend as AtenBackend;
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides,
    dilations, pad, dimRoundingMode, true);
  const g = nativeGeometry(info);
  const [kh, kw, c, m] = filter.shape as [number, number, number, number];
  const fh = b.aten.reshape(b.handle(filter), [kh, kw, 1, c * m]);
  const dx = b.aten.conv2dBackpropInput(b.handle(dy), fh, inputShape, g.strides, g.pads, g.dilations, c);
  b.aten.release(fh);
  return b.output(dx, [...inputShape], 'float32');
});
