// Cosh: cosh(x), elementwise.
import { Cosh } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const coshConfig = unaryKernel(Cosh);
