// Atan2: atan2(a, b), elementwise with broadcasting.
import { Atan2 } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const atan2Config = binaryKernel(Atan2);
