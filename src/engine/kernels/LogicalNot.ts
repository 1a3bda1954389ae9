// LogicalNot: !x (bool), elementwise.
import { LogicalNot } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const logicalNotConfig = unaryKernel(LogicalNot, 'bool');
