// Multiply: a * b, elementwise with broadcasting.
import { Multiply } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const multiplyConfig = binaryKernel(Multiply);
