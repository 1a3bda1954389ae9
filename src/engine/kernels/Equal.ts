// Equal: a == b (bool), elementwise with broadcasting.
import { Equal } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const equalConfig = binaryKernel(Equal, 'bool');
