// Acosh: arcosh(x), elementwise.
import { Acosh } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const acoshConfig = unaryKernel(Acosh);
