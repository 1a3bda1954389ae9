// RealDiv: a / b, elementwise with broadcasting.
import { RealDiv } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const realDivConfig = binaryKernel(RealDiv);
