// Abs: |x|, elementwise.
import { Abs } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const absConfig = unaryKernel(Abs);
