// Tile: x repeated attrs.reps[d] times along each dimension.
import { Tile, type TileAttrs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { cpuFallback } from '../fallback.js';

export const tileConfig = aten(Tile, (args) => {
  const { x } = inputsOf(args.inputs, 'x');
  if (x.dtype === 'string') return cpuFallback(Tile)(args);
  const { reps } = args.attrs as unknown as TileAttrs;
  const b = args.backend as AtenBackend;
  const shape = x.shape.map((d, i) => d * reps[i]!);
  return b.output(b.aten.tile(b.handle(x), reps), shape, x.dtype);
});
