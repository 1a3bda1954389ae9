// Neg: -x, elementwise.
import { Neg } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const negConfig = unaryKernel(Neg);
