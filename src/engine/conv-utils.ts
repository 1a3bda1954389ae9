// Shared by the convolution kernels: TF.js's conv geometry (backend_util.Conv2DInfo) turned into the
// arguments of the native conv functions, and NCHW data handled by transposing to NHWC and back.
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { AtenBackend } from './backend.js';
import type { Handle, Pads4 } from './native.js';

export interface NativeConvGeometry {
  strides: [number, number];
  pads: Pads4;
  dilations: [number, number];
}

export function nativeGeometry(info: backend_util.Conv2DInfo): NativeConvGeometry {
  const p = info.padInfo;
  return {
    strides: [info.strideHeight, info.strideWidth],
    pads: [p.top, p.bottom, p.left, p.right],
    dilations: [info.dilationHeight, info.dilationWidth],
  };
}

const TO_NHWC = [0, 2, 3, 1];
const TO_NCHW = [0, 3, 1, 2];

/** The handle of x in NHWC layout; `temp` collects handles the caller must release. */
export function nhwcHandle(b: AtenBackend, x: TensorInfo, channelsFirst: boolean, temp: Handle[]): Handle {
  if (!channelsFirst) return b.handle(x);
  const h = b.aten.transpose(b.handle(x), TO_NHWC);
  temp.push(h);
  return h;
}

/** Turns an NHWC result into the kernel's output, transposing back to NCHW when the data format asks. */
export function nhwcOutput(b: AtenBackend, h: Handle, info: backend_util.Conv2DInfo, channelsFirst: boolean, temp: Handle[]): TensorInfo {
  let out = h;
  if (channelsFirst) {
    out = b.aten.transpose(h, TO_NCHW);
    b.aten.release(h);
  }
  for (const t of temp) b.aten.release(t);
  return b.output(out, [...info.outShape], 'float32');
}

/** The NHWC shape of an input whose shape is given in the kernel's data format. */
export function nhwcShape(shape: readonly number[], channelsFirst: boolean): number[] {
  return channelsFirst ? [shape[0]!, shape[2]!, shape[3]!, shape[1]!] : [...shape];
}
