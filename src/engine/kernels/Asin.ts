// Asin: arcsin(x), elementwise.
import { Asin } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const asinConfig = unaryKernel(Asin);
