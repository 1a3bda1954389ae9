// Maximum: max(a, b), NaN-propagating, elementwise with broadcasting.
import { Maximum } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const maximumConfig = binaryKernel(Maximum);
