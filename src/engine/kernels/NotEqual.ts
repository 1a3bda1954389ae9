// NotEqual: a != b (bool), elementwise with broadcasting.
import { NotEqual } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const notEqualConfig = binaryKernel(NotEqual, 'bool');
