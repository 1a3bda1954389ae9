// Normalisation and optimisation: FusedBatchNorm (inference-style, with given mean and variance) as one fused pass, and
// training-mode batch normalisation over all axes but the last, forward and backward, on ATen's kernels.
#include <cmath>

#include "binding.h"

namespace dcgan {
namespace {

// batchNorm(x: handle, mean: handle, variance: handle, offset?: handle, scale?: handle, eps: number): handle
// (x - mean) / sqrt(variance + eps) * scale + offset, every parameter broadcast against x.
Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  const at::Tensor& x = TensorArg(info, 0);
  const at::Tensor& mean = TensorArg(info, 1);
  const at::Tensor& var = TensorArg(info, 2);
  double eps = NumberArg(info, 5);
  at::Tensor inv = at::rsqrt(var + eps);
  if (!IsMissing(info, 4)) inv = inv * TensorArg(info, 4);
  at::Tensor shift = -mean * inv;
  if (!IsMissing(info, 3)) shift = shift + TensorArg(info, 3);
  // One pass over x: shift + x * inv.
  return Return(info.Env(), at::addcmul(shift, x, inv));
}

// Channels-last data as ATen's (N, C, ...) layout: NHWC -> NCHW view; [N, C] stays.
at::Tensor ChannelsSecond(const at::Tensor& x) { return x.dim() == 4 ? NhwcToNchw(x) : x; }
at::Tensor ChannelsLastAgain(const at::Tensor& x) { return x.dim() == 4 ? NchwToNhwc(x).contiguous() : x.contiguous(); }

// batchNormTrain(x: handle, gamma: handle, beta: handle, eps: number, alpha?: number): [y, mean, invStd]
// Normalises x ([N, C] or NHWC) with its own per-channel statistics over every axis but the channels:
// y = (x - mean) * invStd * gamma + beta, invStd = 1 / sqrt(biased variance + eps); with alpha, followed in
// place by LeakyReLU(alpha) (alpha 0: ReLU), so the pre-activation never exists as a separate tensor.
Napi::Value BatchNormTrain(const Napi::CallbackInfo& info) {
  const at::Tensor& x = TensorArg(info, 0);
  const at::Tensor& gamma = TensorArg(info, 1);
  const at::Tensor& beta = TensorArg(info, 2);
  double eps = NumberArg(info, 3);
  auto r = at::native_batch_norm(ChannelsSecond(x), gamma, beta, c10::nullopt, c10::nullopt, true, 0.0, eps);
  at::Tensor y = ChannelsLastAgain(std::get<0>(r));
  if (!IsMissing(info, 4)) {
    double alpha = NumberArg(info, 4);
    if (alpha == 0) y.relu_();
    else at::leaky_relu_(y, alpha);
  }
  return ReturnList(info.Env(), {y, std::get<1>(r), std::get<2>(r)});
}

// batchNormTrainGrad(dy, x, gamma, mean, invStd: handle, eps: number, y?: handle, alpha?: number):
//   [dx, dgamma, dbeta]
// With y and alpha, dy is first taken back through the activation (whose sign pattern y keeps).
Napi::Value BatchNormTrainGrad(const Napi::CallbackInfo& info) {
  at::Tensor dy = TensorArg(info, 0);
  const at::Tensor& x = TensorArg(info, 1);
  const at::Tensor& gamma = TensorArg(info, 2);
  const at::Tensor& mean = TensorArg(info, 3);
  const at::Tensor& invStd = TensorArg(info, 4);
  double eps = NumberArg(info, 5);
  if (!IsMissing(info, 6)) {
    const at::Tensor& y = TensorArg(info, 6);
    double alpha = NumberArg(info, 7);
    dy = alpha == 0 ? at::threshold_backward(dy, y, 0) : at::leaky_relu_backward(dy, y, alpha, true);
  }
  auto r = at::native_batch_norm_backward(ChannelsSecond(dy), ChannelsSecond(x), gamma, c10::nullopt, c10::nullopt, mean,
                                          invStd, true, eps, {true, true, true});
  return ReturnList(info.Env(), {ChannelsLastAgain(std::get<0>(r)), std::get<1>(r), std::get<2>(r)});
}

// adamUpdate(w, m, v, g: handle, lr, beta1, beta2, eps: number, step: number): [w', m', v']
// One Adam step (Kingma & Ba 2015, algorithm 1; PyTorch's arithmetic): m' = b1 m + (1 - b1) g,
// v' = b2 v + (1 - b2) g^2, w' = w - lr / (1 - b1^t) * m' / (sqrt(v') / sqrt(1 - b2^t) + eps).
Napi::Value AdamUpdate(const Napi::CallbackInfo& info) {
  const at::Tensor& w = TensorArg(info, 0);
  const at::Tensor& m = TensorArg(info, 1);
  const at::Tensor& v = TensorArg(info, 2);
  const at::Tensor& g = TensorArg(info, 3);
  double lr = NumberArg(info, 4), b1 = NumberArg(info, 5), b2 = NumberArg(info, 6), eps = NumberArg(info, 7);
  double t = NumberArg(info, 8);
  double bc1 = 1 - std::pow(b1, t), bc2 = 1 - std::pow(b2, t);
  at::Tensor m2 = m.mul(b1).add_(g, 1 - b1);
  at::Tensor v2 = v.mul(b2).addcmul_(g, g, 1 - b2);
  at::Tensor denom = v2.sqrt().div_(std::sqrt(bc2)).add_(eps);
  at::Tensor w2 = w.addcdiv(m2, denom, -lr / bc1);
  return ReturnList(info.Env(), {w2, m2, v2});
}

}  // namespace

void InitNorm(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "adamUpdate", AdamUpdate);
  Export(env, exports, "batchNorm", BatchNorm);
  Export(env, exports, "batchNormTrain", BatchNormTrain);
  Export(env, exports, "batchNormTrainGrad", BatchNormTrainGrad);
}

}  // namespace dcgan
