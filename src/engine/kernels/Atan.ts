// Atan: arctan(x), elementwise.
import { Atan } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const atanConfig = unaryKernel(Atan);
