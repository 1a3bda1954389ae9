// LogicalOr: a || b (bool), elementwise with broadcasting.
import { LogicalOr } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const logicalOrConfig = binaryKernel(LogicalOr, 'bool');
