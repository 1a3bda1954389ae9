// Pow: a ^ b, elementwise with broadcasting.
import { Pow } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const powConfig = binaryKernel(Pow);
