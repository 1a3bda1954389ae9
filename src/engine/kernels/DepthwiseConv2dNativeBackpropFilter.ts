// DepthwiseConv2dNativeBackpropFilter: the gradient of DepthwiseConv2dNative with respect to its
// [kh, kw, C, m] filter.
import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
} from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { nativeGeometry } from '../conv-utils.js';
import { aten, inputsOf } from '../kernel-utils.js';

export const depthwiseConv2dNativeBackpropFilterConfig = aten(DepthwiseConv2dNativeBackpropFilter, ({ inputs, backend, attrs }) => {
  const { x, dy } = inputsOf(inputs, 'x', 'dy');
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const b = backend as AtenBackend;
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides,
    dilations, pad, dimRoundingMode, true);
  const g = nativeGeometry(info);
  const [kh, kw, c, m] = filterShape;
  const dw = b.aten.conv2dBackpropFilter(b.handle(x), b.handle(dy), [kh, kw, 1, c * m], g.strides, g.pads, g.dilations, c);
  return b.outputReshaped(dw, [...filterShape], 'float32');
});
