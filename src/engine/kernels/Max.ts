// Max: maximum over attrs.reductionIndices.
import { Max } from '@tensorflow/tfjs-core';
import { asNativeDtype, reduceKernel } from '../kernel-utils.js';

export const maxConfig = reduceKernel(Max, (x) => asNativeDtype(x.dtype), 'reductionIndices');
