// Acos: arccos(x), elementwise.
import { Acos } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const acosConfig = unaryKernel(Acos);
