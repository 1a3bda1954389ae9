// Relu: max(x, 0); NaN stays NaN, elementwise.
import { Relu } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const reluConfig = unaryKernel(Relu);
