// Sum: sum over attrs.axis (int32 and bool sum to int32).
import { Sum } from '@tensorflow/tfjs-core';
import { reduceKernel } from '../kernel-utils.js';

export const sumConfig = reduceKernel(Sum, (x) => (x.dtype === 'float32' ? 'float32' : 'int32'));
