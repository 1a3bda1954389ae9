// IsInf: whether x is +-Infinity (bool), elementwise.
import { IsInf } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const isInfConfig = unaryKernel(IsInf, 'bool');
