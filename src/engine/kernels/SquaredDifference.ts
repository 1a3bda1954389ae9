// SquaredDifference: (a - b)^2, elementwise with broadcasting.
import { SquaredDifference } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const squaredDifferenceConfig = binaryKernel(SquaredDifference);
