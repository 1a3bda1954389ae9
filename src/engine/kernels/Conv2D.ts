// Conv2D: 2-D convolution of NHWC (or NCHW) x with an HWIO filter, on oneDNN through ATen, channels-last.
// Shared with FusedConv2D, which adds a bias and an activation in the same native call.
import {
  backend_util,
  Conv2D,
  type Conv2DAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { nativeGeometry, nhwcHandle, nhwcOutput } from '../conv-utils.js';
import { aten, inputsOf } from '../kernel-utils.js';
import type { Activation, Handle } from '../native.js';

export interface ConvEpilogue {
  bias?: TensorInfo;
  activation?: Activation;
  prelu?: TensorInfo;
  leakyAlpha?: number;
}

export function conv2d(b: AtenBackend, x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs, epilogue: ConvEpilogue = {}): TensorInfo {
  const channelsFirst = backend_util.convertConv2DDataFormat(attrs.dataFormat) === 'channelsFirst';
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number], attrs.strides,
    attrs.dilations, attrs.pad, attrs.dimRoundingMode, false, backend_util.convertConv2DDataFormat(attrs.dataFormat));
  const g = nativeGeometry(info);
  const temp: Handle[] = [];
  const xh = nhwcHandle(b, x, channelsFirst, temp);
  const y = b.aten.conv2d(xh, b.handle(filter), g.strides, g.pads, g.dilations, 1,
    epilogueHandle(b, epilogue.bias, channelsFirst, temp), epilogue.activation,
    epilogueHandle(b, epilogue.prelu, channelsFirst, temp), epilogue.leakyAlpha);
  return nhwcOutput(b, y, info, channelsFirst, temp);
}

/**
 * A bias or PReLU weight for the NHWC result. Per-channel ([C]) ones apply as they are; a per-position one
 * given for NCHW output ([C, H, W]) is transposed to [H, W, C].
 */
export function epilogueHandle(b: AtenBackend, t: TensorInfo | undefined, channelsFirst: boolean, temp: Handle[]): Handle | undefined {
  if (!t) return undefined;
  if (!channelsFirst || t.shape.length !== 3) return b.handle(t);
  const h = b.aten.transpose(b.handle(t), [1, 2, 0]);
  temp.push(h);
  return h;
}

export const conv2DConfig = aten(Conv2D, ({ inputs, backend, attrs }) => {
  const { x, filter } = inputsOf(inputs, 'x', 'filter');
  return conv2d(backend as AtenBackend, x, filter, attrs as unknown as Conv2DAttrs);
});
