// Mean: mean over attrs.axis (always float32).
import { Mean } from '@tensorflow/tfjs-core';
import { reduceKernel } from '../kernel-utils.js';

export const meanConfig = reduceKernel(Mean, () => 'float32');
