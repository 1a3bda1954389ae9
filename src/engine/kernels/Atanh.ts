// Atanh: artanh(x), elementwise.
import { Atanh } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const atanhConfig = unaryKernel(Atanh);
