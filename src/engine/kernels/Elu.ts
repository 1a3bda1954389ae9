// Elu: x > 0 ? x : exp(x) - 1, elementwise.
import { Elu } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const eluConfig = unaryKernel(Elu);
