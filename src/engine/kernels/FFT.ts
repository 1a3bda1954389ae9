// FFT: the discrete Fourier transform of each row of a complex64 tensor's innermost dimension (ATen's
// pocketfft). TF.js composes rfft, irfft and stft from this kernel, IFFT, Complex, Real and Imag.
import { FFT, type FFTInputs, type TensorInfo } from '@tensorflow/tfjs-core';
import type { AtenBackend } from '../backend.js';
import { aten, inputsOf } from '../kernel-utils.js';

/** FFT or, with `inverse`, IFFT (which divides by the row length, as TF's does). */
export function fft(b: AtenBackend, input: TensorInfo, inverse: boolean): TensorInfo {
  return b.output(b.aten.fft(b.handle(input), inverse), [...input.shape], 'complex64');
}

export const fftConfig = aten(FFT, ({ inputs, backend }) => fft(backend as AtenBackend, inputsOf(inputs as FFTInputs, 'input').input, false));
