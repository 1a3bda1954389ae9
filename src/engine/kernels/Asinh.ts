// Asinh: arsinh(x), elementwise.
import { Asinh } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const asinhConfig = unaryKernel(Asinh);
