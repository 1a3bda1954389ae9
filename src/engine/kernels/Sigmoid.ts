// Sigmoid: 1 / (1 + e^-x), elementwise.
import { Sigmoid } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const sigmoidConfig = unaryKernel(Sigmoid);
