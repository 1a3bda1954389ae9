// Sign: -1, 0 or 1 (0 for NaN), elementwise.
import { Sign } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const signConfig = unaryKernel(Sign);
