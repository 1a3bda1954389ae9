// Square: x * x, elementwise.
import { Square } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const squareConfig = unaryKernel(Square);
