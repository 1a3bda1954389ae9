// BitwiseAnd: a & b on int32, elementwise with broadcasting.
import { BitwiseAnd } from '@tensorflow/tfjs-core';
import { binaryKernel } from '../kernel-utils.js';

export const bitwiseAndConfig = binaryKernel(BitwiseAnd);
