// Step: x > 0 ? 1 : alpha (NaN stays NaN); the gradient of Relu, elementwise.
import { Step } from '@tensorflow/tfjs-core';
import { numAttr, unaryKernel } from '../kernel-utils.js';

export const stepConfig = unaryKernel(Step, undefined, (attrs) => [numAttr(attrs, 'alpha', 0), 0]);
