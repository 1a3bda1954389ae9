// IsFinite: whether x is finite (bool), elementwise.
import { IsFinite } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const isFiniteConfig = unaryKernel(IsFinite, 'bool');
