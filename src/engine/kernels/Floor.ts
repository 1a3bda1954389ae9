// Floor: floor(x), elementwise.
import { Floor } from '@tensorflow/tfjs-core';
import { unaryKernel } from '../kernel-utils.js';

export const floorConfig = unaryKernel(Floor);
