// Greater: a > b (bool), elementwise with broadcasting.
import { Greater } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const greaterConfig = binaryKernel(Greater, 'bool');
