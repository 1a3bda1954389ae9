// DepthwiseConv2dNative: each input channel convolved with its own `multiplier` filters ([kh, kw, C, m]),
// run as a grouped convolution (groups = C) whose HWIO filter is the same memory viewed as [kh, kw, 1, C*m].
// Shared with FusedDepthwiseConv2D.
import {
  backend_util,
  DepthwiseConv2dNative,
  type DepthwiseConv2dNativeAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { nativeGeometry, nhwcHandle, nhwcOutput } from '../conv-utils.js';
import { aten, inputsOf } from '../kernel-utils.js';
import type { Handle } from '../native.js';
import { epilogueHandle, type ConvEpilogue } from './Conv2D.js';

export function depthwiseConv2d(b: AtenBackend, x: TensorInfo, filter: TensorInfo, attrs: DepthwiseConv2dNativeAttrs,
  epilogue: ConvEpilogue = {}): TensorInfo {
  const format = backend_util.convertConv2DDataFormat(attrs.dataFormat);
  const channelsFirst = format === 'channelsFirst';
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number], attrs.strides, attrs.dilations ?? [1, 1], attrs.pad, attrs.dimRoundingMode,
    true, format);
  const g = nativeGeometry(info);
  const [kh, kw, c, m] = filter.shape as [number, number, number, number];
  const temp: Handle[] = [];
  const xh = nhwcHandle(b, x, channelsFirst, temp);
  const fh = b.aten.reshape(b.handle(filter), [kh, kw, 1, c * m]);
  temp.push(fh);
  const y = b.aten.conv2d(xh, fh, g.strides, g.pads, g.dilations, c,
    epilogueHandle(b, epilogue.bias, channelsFirst, temp), epilogue.activation,
    epilogueHandle(b, epilogue.prelu, channelsFirst, temp), epilogue.leakyAlpha);
  return nhwcOutput(b, y, info, channelsFirst, temp);
}

export const depthwiseConv2dNativeConfig = aten(DepthwiseConv2dNative, ({ inputs, backend, attrs }) => {
  const { x, filter } = inputsOf(inputs, 'x', 'filter');
  return depthwiseConv2d(backend as AtenBackend, x, filter, attrs as unknown as DepthwiseConv2dNativeAttrs);
});
