// DcganRandomNormal: seeded N(mean, stddev^2) values from ATen's generator.
import type { AtenBackend } from '../backend.js';
import { RandomNormal, type RandomNormalAttrs } from '../custom-kernels.js';
import { aten } from '../kernel-utils.js';

export const dcganRandomNormalConfig = aten(RandomNormal, ({ backend, attrs }) => {
  const b = backend as AtenBackend;
  const a = attrs as unknown as RandomNormalAttrs;
  return b.output(b.aten.randomNormal(a.shape, a.mean, a.stddev, a.seed), [...a.shape], 'float32');
});
