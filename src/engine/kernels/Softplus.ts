// Softplus: log(1 + e^x), with TF.js's tails, elementwise.
import { Softplus } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const softplusConfig = unaryKernel(Softplus);
