// Tan: tan(x), elementwise.
import { Tan } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const tanConfig = unaryKernel(Tan);
