// Relu6: min(max(x, 0), 6), elementwise.
import { Relu6 } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const relu6Config = unaryKernel(Relu6);
