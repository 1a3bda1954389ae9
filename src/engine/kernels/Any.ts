// Any: logical or over attrs.axis.
import { Any } from '@tensorflow/tfjs-core';
import { reduceKernel } from '../kernel-utils.js';

export const anyConfig = reduceKernel(Any, () => 'bool');
