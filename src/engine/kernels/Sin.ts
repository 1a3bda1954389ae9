// Sin: sin(x), elementwise.
import { Sin } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const sinConfig = unaryKernel(Sin);
