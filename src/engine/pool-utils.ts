// Shared by the pooling kernels: TF.js's pooling geometry as the native functions' arguments.
import { backend_util } from '@tensorflow/tfjs-core';
import type { Pads4 } from './native.js';

export interface NativePoolGeometry {
  kernel: [number, number];
  strides: [number, number];
  pads: Pads4;
}

/**
 * Whether ATen's pooling computes TF.js's result for this geometry: the output size must be what ATen's
 * floor rounding gives, and no window may lie entirely in the padding (TF.js rounds with
 * dimRoundingMode and clamps windows to the input). Other geometries run on the cpu fallback.
 */
export function atenPoolable(info: backend_util.Conv2DInfo): boolean {
  const p = info.padInfo;
  const outH = Math.floor((info.inHeight + p.top + p.bottom - info.filterHeight) / info.strideHeight) + 1;
  const outW = Math.floor((info.inWidth + p.left + p.right - info.filterWidth) / info.strideWidth) + 1;
  const windowsReal = Math.max(p.top, p.bottom) < info.filterHeight && Math.max(p.left, p.right) < info.filterWidth;
  return outH === info.outHeight && outW === info.outWidth && windowsReal;
}

export function poolGeometry(
  shape: readonly number[],
  filterSize: number | [number, number],
  strides: number | [number, number],
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): { info: backend_util.Conv2DInfo; geometry: NativePoolGeometry } {
  const info = backend_util.computePool2DInfo(shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const p = info.padInfo;
  return {
    info,
    geometry: {
      kernel: [info.filterHeight, info.filterWidth],
      strides: [info.strideHeight, info.strideWidth],
      pads: [p.top, p.bottom, p.left, p.right],
    },
  };
}
