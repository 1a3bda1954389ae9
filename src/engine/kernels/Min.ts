// Min: minimum over attrs.axis.
import { Min } from '@tensorflow/tfjs-core';
import { asNativeDtype, reduceKernel } from '../kernel-utils.js';

export const minConfig = reduceKernel(Min, (x) => asNativeDtype(x.dtype));
