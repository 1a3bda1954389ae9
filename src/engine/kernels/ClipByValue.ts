// ClipByValue: min(max(x, clipValueMin), clipValueMax), elementwise.
import { ClipByValue } from '@tensorflow/tfjs-core';
import { numAttr, unaryKernel } from '../kernel-utils.js';

export const clipByValueConfig = unaryKernel(ClipByValue, undefined, (attrs) => [numAttr(attrs, 'clipValueMin', -Infinity), numAttr(attrs, 'clipValueMax', Infinity)]);
