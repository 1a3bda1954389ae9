// Tanh: tanh(x), elementwise.
import { Tanh } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const tanhConfig = unaryKernel(Tanh);
