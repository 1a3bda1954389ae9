// Log: natural logarithm, elementwise.
import { Log } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const logConfig = unaryKernel(Log);
