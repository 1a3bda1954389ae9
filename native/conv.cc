// Convolutions on NHWC data with HWIO filters, run by ATen (oneDNN) on channels-last memory without
// layout copies: Conv2D (with optional bias and activation, i.e. FusedConv2D), its input and filter
// gradients (Conv2DBackpropInput is also conv2dTranspose), and the depthwise variants.
#include "binding.h"
#include "padding.h"

namespace dcgan {
namespace {

struct ConvArgs {
  std::vector<int64_t> strides;    // [sh, sw]
  Padding pad;                     // TF.js pads
  std::vector<int64_t> dilations;  // [dh, dw]
  std::vector<int64_t> SymPadding() const { return {pad.symH(), pad.symW()}; }
};

ConvArgs ReadConvArgs(const Napi::CallbackInfo& info, size_t i) {
  ConvArgs a{IntsArg(info, i), Padding::FromVector(IntsArg(info, i + 1)), IntsArg(info, i + 2)};
  if (a.strides.size() != 2 || a.dilations.size() != 2) throw std::invalid_argument("strides and dilations must have 2 entries");
  return a;
}

at::Tensor ContiguousNhwc(const at::Tensor& nchw) { return NchwToNhwc(nchw).contiguous(); }

// conv2d(x: handle NHWC, filter: handle HWIO, strides, pads[4], dilations, groups: number,
//        bias?: handle, activation?: string, prelu?: handle, leakyAlpha?: number): handle NHWC
Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  at::Tensor x = InputArg(info, 0);
  const at::Tensor& w = InputArg(info, 1);
  ConvArgs a = ReadConvArgs(info, 2);
  int64_t groups = IntArg(info, 5);
  c10::optional<at::Tensor> bias;
  if (!IsMissing(info, 6)) bias = InputArg(info, 6);
  std::string act = IsMissing(info, 7) ? "linear" : StringArg(info, 7);
  const at::Tensor* prelu = IsMissing(info, 8) ? nullptr : &InputArg(info, 8);
  double alpha = IsMissing(info, 9) ? 0.2 : NumberArg(info, 9);
  // A bias broadcast along channels only can go into the convolution itself.
  bool biasInConv = bias && bias->numel() == w.size(3);
  x = a.pad.PadExtraNhwc(x);
  at::Tensor y = at::convolution(NhwcToNchw(x), HwioToOihw(w),
                                 biasInConv ? c10::optional<at::Tensor>(bias->reshape({-1})) : c10::nullopt,
                                 a.strides, a.SymPadding(), a.dilations, false, {0, 0}, groups);
  y = ContiguousNhwc(y);
  if (bias && !biasInConv) y = y + *bias;
  return Return(info.Env(), ApplyActivation(y, act, prelu, alpha));
}

// conv2dBackpropInput(dy: handle NHWC, filter: handle HWIO, inShape: number[4] NHWC, strides, pads[4],
//                     dilations, groups: number): handle NHWC
// The gradient of conv2d with respect to its input; TF.js's conv2dTranspose is this kernel.
Napi::Value Conv2dBackpropInput(const Napi::CallbackInfo& info) {
  const at::Tensor& dy = InputArg(info, 0);
  const at::Tensor& w = InputArg(info, 1);
  std::vector<int64_t> in = IntsArg(info, 2);
  ConvArgs a = ReadConvArgs(info, 3);
  int64_t groups = IntArg(info, 6);
  int64_t n = in[0], h = in[1], wd = in[2], c = in[3];
  int64_t hp = h + a.pad.extraTop() + a.pad.extraBottom(), wp = wd + a.pad.extraLeft() + a.pad.extraRight();
  // oneDNN's backward-data primitive only reads the input's sizes: an uninitialised channels-last tensor
  // stands in for it. This path is ~2x faster than at::conv_transpose2d on the same problem.
  at::Tensor shape = at::empty({n, c, hp, wp}, dy.options().memory_format(at::MemoryFormat::ChannelsLast));
  at::Tensor dx;
  try {
    auto grads = at::convolution_backward(NhwcToNchw(dy), shape, HwioToOihw(w), c10::nullopt, a.strides,
                                          a.SymPadding(), a.dilations, false, {0, 0}, groups, {true, false, false});
    dx = NchwToNhwc(std::get<0>(grads));
  } catch (const std::exception&) {
    // oneDNN rejects some degenerate geometries (a filter larger than the padded input); the transposed
    // convolution computes the same gradient on ATen's reference path.
    // The full (unpadded) transposed convolution, then the window of it the padded input covers.
    at::Tensor full = at::conv_transpose2d(NhwcToNchw(dy).contiguous(), HwioToOihw(w).contiguous(), c10::nullopt,
                                           a.strides, 0, 0, groups, a.dilations);
    int64_t needH = a.pad.symH() + hp, needW = a.pad.symW() + wp;
    full = at::constant_pad_nd(full, {0, std::max<int64_t>(0, needW - full.size(3)), 0, std::max<int64_t>(0, needH - full.size(2))});
    dx = NchwToNhwc(full.narrow(2, a.pad.symH(), hp).narrow(3, a.pad.symW(), wp));
  }
  return Return(info.Env(), a.pad.CropExtraNhwc(dx, h, wd).contiguous());
}

// conv2dBackpropFilter(x: handle NHWC, dy: handle NHWC, filterShape: number[4] HWIO, strides, pads[4],
//                      dilations, groups: number): handle HWIO
Napi::Value Conv2dBackpropFilter(const Napi::CallbackInfo& info) {
  at::Tensor x = InputArg(info, 0);
  const at::Tensor& dy = InputArg(info, 1);
  std::vector<int64_t> fs = IntsArg(info, 2);
  ConvArgs a = ReadConvArgs(info, 3);
  int64_t groups = IntArg(info, 6);
  x = a.pad.PadExtraNhwc(x);
  // Only the filter's sizes are read. Contiguous OIHW: ATen's fallback (slow_conv2d) insists on it.
  at::Tensor wshape = at::empty({fs[3], fs[2], fs[0], fs[1]}, dy.options());
  auto grads = at::convolution_backward(NhwcToNchw(dy), NhwcToNchw(x), wshape, c10::nullopt, a.strides,
                                        a.SymPadding(), a.dilations, false, {0, 0}, groups, {false, true, false});
  return Return(info.Env(), OihwToHwio(std::get<1>(grads)).contiguous());
}

}  // namespace

void InitConv(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "conv2d", Conv2d);
  Export(env, exports, "conv2dBackpropInput", Conv2dBackpropInput);
  Export(env, exports, "conv2dBackpropFilter", Conv2dBackpropFilter);
}

}  // namespace dcgan
