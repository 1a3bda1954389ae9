// IsNan: whether x is NaN (bool), elementwise.
import { IsNan } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const isNanConfig = unaryKernel(IsNan, 'bool');
