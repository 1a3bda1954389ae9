// Round: round half to even, elementwise.
import { Round } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const roundConfig = unaryKernel(Round);
