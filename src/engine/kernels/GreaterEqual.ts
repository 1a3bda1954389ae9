// GreaterEqual: a >= b (bool), elementwise with broadcasting.
import { GreaterEqual } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const greaterEqualConfig = binaryKernel(GreaterEqual, 'bool');
