// Exp: e^x, always float32, elementwise.
import { Exp } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const expConfig = unaryKernel(Exp, 'float32');
