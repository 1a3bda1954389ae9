// LogicalAnd: a && b (bool), elementwise with broadcasting.
import { LogicalAnd } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const logicalAndConfig = binaryKernel(LogicalAnd, 'bool');
