// Ceil: ceil(x), elementwise.
import { Ceil } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const ceilConfig = unaryKernel(Ceil);
