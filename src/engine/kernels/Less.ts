// Less: a < b (bool), elementwise with broadcasting.
import { Less } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const lessConfig = binaryKernel(Less, 'bool');
