// Prod: product over attrs.axis (int32 and bool multiply to int32).
import { Prod } from '@tensorflow/tfjs-core';
import { reduceKernel } from '../kernel-utils.js';

export const prodConfig = reduceKernel(Prod, (x) => (x.dtype === 'float32' ? 'float32' : 'int32'));
