// Sub: a - b, elementwise with broadcasting.
import { Sub } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const subConfig = binaryKernel(Sub);
