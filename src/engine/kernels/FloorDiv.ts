// FloorDiv: floor(a / b); int32 as in TF.js's cpu backend, elementwise with broadcasting.
import { FloorDiv } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const floorDivConfig = binaryKernel(FloorDiv, 'int32');
