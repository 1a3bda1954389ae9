// Rsqrt: 1 / sqrt(x), elementwise.
import { Rsqrt } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const rsqrtConfig = unaryKernel(Rsqrt);
