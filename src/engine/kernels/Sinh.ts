// Sinh: sinh(x), elementwise.
import { Sinh } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const sinhConfig = unaryKernel(Sinh);
