// complex64 tensors and the Fourier transforms: Complex, Real, Imag and FFT / IFFT over the innermost
// dimension (TF.js composes RFFT, IRFFT and STFT from these), on ATen's complex tensors and pocketfft.
#include "binding.h"

namespace dcgan {
namespace {

// complex(real: handle, imag: handle): handle (complex64). Both float32 of one shape.
Napi::Value Complex(const Napi::CallbackInfo& info) {
  const at::Tensor& re = InputArg(info, 0);
  const at::Tensor& im = InputArg(info, 1);
  return Return(info.Env(), at::complex(re.to(at::kFloat), im.to(at::kFloat)));
}

// real(x: handle): handle, imag(x: handle): handle (float32). For a real x, x itself and zeros.
Napi::Value Real(const Napi::CallbackInfo& info) {
  const at::Tensor& x = InputArg(info, 0);
  return Return(info.Env(), x.is_complex() ? at::real(x).contiguous() : x.to(at::kFloat).clone());
}
Napi::Value Imag(const Napi::CallbackInfo& info) {
  const at::Tensor& x = InputArg(info, 0);
  return Return(info.Env(), x.is_complex() ? at::imag(x).contiguous() : at::zeros_like(x, at::kFloat));
}

// fft(x: handle, inverse: boolean): handle. The discrete Fourier transform of each row of the innermost
// dimension of a complex64 x; the inverse divides by its length, as TF's IFFT does.
Napi::Value Fft(const Napi::CallbackInfo& info) {
  at::Tensor x = InputArg(info, 0);
  bool inverse = BoolArg(info, 1);
  if (!x.is_complex()) x = at::complex(x.to(at::kFloat), at::zeros_like(x, at::kFloat));
  if (x.dim() == 0 || x.numel() == 0) return Return(info.Env(), x.clone());
  at::Tensor y = inverse ? at::fft_ifft(x, c10::nullopt, -1) : at::fft_fft(x, c10::nullopt, -1);
  return Return(info.Env(), y.contiguous());
}

}  // namespace

void InitSpectral(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "complex", Complex);
  Export(env, exports, "real", Real);
  Export(env, exports, "imag", Imag);
  Export(env, exports, "fft", Fft);
}

}  // namespace dcgan
