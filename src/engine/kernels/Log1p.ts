// Log1p: log(1 + x), elementwise.
import { Log1p } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const log1pConfig = unaryKernel(Log1p);
