// LeakyRelu: x < 0 ? alpha * x : x (float32), elementwise.
import { LeakyRelu } from '@tensorflow/tfjs-core';
import { numAttr, unaryKernel } from '../kernel-utils.js';

export const leakyReluConfig = unaryKernel(LeakyRelu, 'float32', (attrs) => [numAttr(attrs, 'alpha', 0.2), 0]);
