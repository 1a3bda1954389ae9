// Sqrt: sqrt(x), elementwise.
import { Sqrt } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const sqrtConfig = unaryKernel(Sqrt);
