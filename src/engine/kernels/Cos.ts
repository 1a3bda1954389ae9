// Cos: cos(x), elementwise.
import { Cos } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const cosConfig = unaryKernel(Cos);
