// 2-D max and average pooling on NHWC data and their gradients, with TF's padding rules: max pooling
// ignores padded cells, average pooling divides by the number of real cells under the window.
#include <limits>

#include "binding.h"
#include "padding.h"

namespace dcgan {
namespace {

struct PoolArgs {
  std::vector<int64_t> kernel, strides;
  Padding pad;
  // ATen's pooling kernels accept symmetric padding up to half the window.
  bool native() const { return !pad.hasExtra() && pad.top * 2 <= kernel[0] && pad.left * 2 <= kernel[1]; }
};

PoolArgs ReadPoolArgs(const Napi::CallbackInfo& info, size_t i) {
  return PoolArgs{IntsArg(info, i), IntsArg(info, i + 1), Padding::FromVector(IntsArg(info, i + 2))};
}

at::Tensor PadAll(const at::Tensor& x, const Padding& p, double v) {
  return at::constant_pad_nd(x, {0, 0, p.left, p.right, p.top, p.bottom}, v);
}

// Sum of each window over real cells only, and the count of real cells, for the explicit-padding path.
at::Tensor WindowCount(const at::Tensor& x, const PoolArgs& a) {
  at::Tensor ones = at::ones({1, x.size(1), x.size(2), 1}, x.options());
  at::Tensor c = at::avg_pool2d(NhwcToNchw(PadAll(ones, a.pad, 0)), a.kernel, a.strides, 0, false, true);
  return NchwToNhwc(c) * static_cast<double>(a.kernel[0] * a.kernel[1]);
}

// TF's max pooling skips NaN; ATen's propagates it. A NaN becomes -inf, which never wins.
at::Tensor NoNaN(const at::Tensor& x) {
  if (!x.is_floating_point()) return x;
  return at::where(at::isnan(x), at::scalar_tensor(-std::numeric_limits<double>::infinity(), x.options()), x);
}

// maxPool(x: handle NHWC, kernel[2], strides[2], pads[4]): handle
Napi::Value MaxPool(const Napi::CallbackInfo& info) {
  at::Tensor x = NoNaN(InputArg(info, 0));
  PoolArgs a = ReadPoolArgs(info, 1);
  at::Tensor y;
  if (a.native()) {
    y = at::max_pool2d(NhwcToNchw(x), a.kernel, a.strides, {a.pad.top, a.pad.left});
  } else {
    y = at::max_pool2d(NhwcToNchw(PadAll(x, a.pad, -std::numeric_limits<double>::infinity())), a.kernel, a.strides, 0);
  }
  return Return(info.Env(), NchwToNhwc(y).contiguous());
}

// maxPoolGrad(dy: handle, x: handle, kernel, strides, pads): handle. The gradient goes to the first
// maximum of each window, as in TF.
Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  const at::Tensor& dy = InputArg(info, 0);
  at::Tensor x = NoNaN(InputArg(info, 1));
  PoolArgs a = ReadPoolArgs(info, 2);
  bool nat = a.native();
  at::Tensor xp = nat ? x : PadAll(x, a.pad, -std::numeric_limits<double>::infinity());
  std::vector<int64_t> p = nat ? std::vector<int64_t>{a.pad.top, a.pad.left} : std::vector<int64_t>{0, 0};
  auto yi = at::max_pool2d_with_indices(NhwcToNchw(xp), a.kernel, a.strides, p);
  at::Tensor dx = at::max_pool2d_with_indices_backward(NhwcToNchw(dy), NhwcToNchw(xp), a.kernel, a.strides, p, {1, 1},
                                                       false, std::get<1>(yi));
  dx = NchwToNhwc(dx);
  if (!nat) dx = dx.narrow(1, a.pad.top, x.size(1)).narrow(2, a.pad.left, x.size(2));
  return Return(info.Env(), dx.contiguous());
}

// avgPool(x: handle NHWC, kernel, strides, pads): handle
Napi::Value AvgPool(const Napi::CallbackInfo& info) {
  const at::Tensor& x = InputArg(info, 0);
  PoolArgs a = ReadPoolArgs(info, 1);
  at::Tensor y;
  if (a.native()) {
    y = NchwToNhwc(at::avg_pool2d(NhwcToNchw(x), a.kernel, a.strides, {a.pad.top, a.pad.left}, false, false));
  } else {
    at::Tensor s = at::avg_pool2d(NhwcToNchw(PadAll(x, a.pad, 0)), a.kernel, a.strides, 0, false, true);
    y = NchwToNhwc(s) * static_cast<double>(a.kernel[0] * a.kernel[1]) / WindowCount(x, a);
  }
  return Return(info.Env(), y.contiguous());
}

// avgPoolGrad(dy: handle, x: handle, kernel, strides, pads): handle
// As TF.js's kernels do, every window's gradient is divided by the full window size, also where the
// forward pass divided by the number of real cells (padded windows).
Napi::Value AvgPoolGrad(const Napi::CallbackInfo& info) {
  const at::Tensor& dy = InputArg(info, 0);
  const at::Tensor& x = InputArg(info, 1);
  PoolArgs a = ReadPoolArgs(info, 2);
  at::Tensor xp = PadAll(x, a.pad, 0);
  at::Tensor dx = at::avg_pool2d_backward(NhwcToNchw(dy), NhwcToNchw(xp), a.kernel, a.strides, {0, 0}, false, true,
                                          c10::nullopt);
  dx = NchwToNhwc(dx).narrow(1, a.pad.top, x.size(1)).narrow(2, a.pad.left, x.size(2));
  return Return(info.Env(), dx.contiguous());
}

}  // namespace

void InitPool(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "maxPool", MaxPool);
  Export(env, exports, "maxPoolGrad", MaxPoolGrad);
  Export(env, exports, "avgPool", AvgPool);
  Export(env, exports, "avgPoolGrad", AvgPoolGrad);
}

}  // namespace dcgan
