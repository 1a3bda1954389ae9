// All: logical and over attrs.axis.
import { All } from '@tensorflow/tfjs-core';
import { reduceKernel } from '../kernel-utils.js';

export const allConfig = reduceKernel(All, () => 'bool');
