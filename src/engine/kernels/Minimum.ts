// Minimum: min(a, b), NaN-propagating, elementwise with broadcasting.
import { Minimum } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const minimumConfig = binaryKernel(Minimum);
