// BatchMatMul: a @ b over the last two dimensions (optionally transposed), broadcasting the leading ones;
// on OpenBLAS through ATen. Shared with _FusedMatMul.
import {
  backend_util,
  BatchMatMul,
  util,
  type BatchMatMulAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import type { ConvEpilogue } from './Conv2D.js';

export function batchMatMul(b: AtenBackend, a: TensorInfo, bb: TensorInfo, transposeA: boolean, transposeB: boolean,
  epilogue: ConvEpilogue = {}): TensorInfo {
  const ra = a.shape.length, rb = bb.shape.length;
  const inner = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const innerB = transposeB ? bb.shape[rb - 1]! : bb.shape[rb - 2]!;
  util.assert(inner === innerB, () => `Error in matMul: inner shapes (${inner}) and (${innerB}) of Tensors with shapes ${a.shape} and ${bb.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const n = transposeB ? bb.shape[rb - 2]! : bb.shape[rb - 1]!;
  const batch = backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), bb.shape.slice(0, -2));
  const shape = [...batch, m, n];
  const h = b.aten.matMul(b.handle(a), b.handle(bb), transposeA, transposeB,
    epilogue.bias ? b.handle(epilogue.bias) : undefined, epilogue.activation,
    epilogue.prelu ? b.handle(epilogue.prelu) : undefined, epilogue.leakyAlpha);
  return b.output(h, shape, a.dtype);
}

export const batchMatMulConfig = aten(BatchMatMul, ({ inputs, backend, attrs }) => {
  const { a, b } = inputsOf(inputs, 'a', 'b');
  const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
  return batchMatMul(backend as AtenBackend, a, b, transposeA, transposeB);
});
