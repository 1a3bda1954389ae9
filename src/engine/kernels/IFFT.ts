// IFFT: the inverse discrete Fourier transform of each row of a complex64 tensor's innermost dimension.
import { IFFT, type IFFTInputs } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';
import { fft } from './FFT.js';

export const ifftConfig = aten(IFFT, ({ inputs, backend }) => fft(backend as AtenBackend, inputsOf(inputs as IFFTInputs, 'input').input, true));
