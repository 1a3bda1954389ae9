// GatherV2: slices of x along attrs.axis picked by indices (with attrs.batchDims leading batch dimensions).
import { backend_util, GatherV2, util, type GatherV2Attrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const gatherV2Config = aten(GatherV2, (args) => {
  const { x, indices } = inputsOf(args.inputs, 'x', 'indices');
  if (x.dtype === 'string') return cpuFallback(GatherV2)(args);
  const { axis, batchDims } = args.attrs as unknown as GatherV2Attrs;
  const b = args.backend as AtenBackend;
  const $axis = util.parseAxisParam(axis, x.shape)[0]!;
  const info = backend_util.segment_util.collectGatherOpShapeInfo(x as never, indices as never, $axis, batchDims ?? 0);
  const h = b.aten.gather(b.handle(x), b.handle(indices), info.batchSize, info.outerSize, info.dimSize, info.sliceSize);
  return b.outputReshaped(h, info.outputShape, x.dtype);
});
