// LessEqual: a <= b (bool), elementwise with broadcasting.
import { LessEqual } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const lessEqualConfig = binaryKernel(LessEqual, 'bool');
