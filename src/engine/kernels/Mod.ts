// Mod: a mod b with the sign of b, elementwise with broadcasting.
import { Mod } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const modConfig = binaryKernel(Mod);
