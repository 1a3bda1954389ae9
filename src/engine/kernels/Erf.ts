// Erf: the error function, elementwise.
import { Erf } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const erfConfig = unaryKernel(Erf);
