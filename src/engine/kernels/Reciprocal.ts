// Reciprocal: 1 / x, elementwise.
import { Reciprocal } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const reciprocalConfig = unaryKernel(Reciprocal);
