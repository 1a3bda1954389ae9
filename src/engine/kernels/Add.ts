// Add: a + b, elementwise with broadcasting.
import { Add } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const addConfig = binaryKernel(Add);
