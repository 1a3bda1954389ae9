// Selu: scaled exponential linear unit, elementwise.
import { Selu } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const seluConfig = unaryKernel(Selu);
