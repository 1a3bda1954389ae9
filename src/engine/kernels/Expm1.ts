// Expm1: e^x - 1, elementwise.
import { Expm1 } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const expm1Config = unaryKernel(Expm1);
