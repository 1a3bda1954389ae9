// Image resizing on NHWC data with TF's sampling positions, which the kernels compute in JavaScript and
// pass as index and weight vectors: bilinear resize and its gradient (the exact adjoint).
#include "binding.h"

namespace dcgan {
namespace {

at::Tensor Longs(const std::vector<int64_t>& v) { return at::tensor(v, at::TensorOptions().dtype(at::kLong)); }

at::Tensor Floats(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw std::invalid_argument("argument " + std::to_string(i) + " must be a Float32Array");
  }
  Napi::Float32Array a = info[i].As<Napi::Float32Array>();
  return at::from_blob(a.Data(), {static_cast<int64_t>(a.ElementLength())}, at::kFloat).clone();
}

// Interpolates along `axis` of x between rows lo[k] and hi[k] with weight frac[k] on hi.
at::Tensor Lerp(const at::Tensor& x, int64_t axis, const at::Tensor& lo, const at::Tensor& hi, const at::Tensor& frac) {
  at::Tensor a = x.index_select(axis, lo);
  at::Tensor b = x.index_select(axis, hi);
  std::vector<int64_t> shape(x.dim(), 1);
  shape[axis] = frac.size(0);
  return at::addcmul(a, b - a, frac.reshape(shape));
}

// The adjoint of Lerp: scatters g back onto `size` rows along axis.
at::Tensor LerpGrad(const at::Tensor& g, int64_t axis, const at::Tensor& lo, const at::Tensor& hi, const at::Tensor& frac,
                    int64_t size) {
  std::vector<int64_t> shape(g.dim(), 1);
  shape[axis] = frac.size(0);
  at::Tensor f = frac.reshape(shape);
  std::vector<int64_t> outShape = g.sizes().vec();
  outShape[axis] = size;
  at::Tensor out = at::zeros(outShape, g.options());
  out.index_add_(axis, lo, g * (1 - f));
  out.index_add_(axis, hi, g * f);
  return out;
}

// resizeBilinear(x: handle NHWC, rowLo: Int32Array, rowHi: Int32Array, rowFrac: Float32Array,
//                colLo: Int32Array, colHi: Int32Array, colFrac: Float32Array): handle (float32)
Napi::Value ResizeBilinear(const Napi::CallbackInfo& info) {
  at::Tensor x = InputArg(info, 0);
  if (!x.is_floating_point()) x = x.to(at::kFloat);
  at::Tensor rows = Lerp(x, 1, Longs(IntsArg(info, 1)), Longs(IntsArg(info, 2)), Floats(info, 3));
  return Return(info.Env(), Lerp(rows, 2, Longs(IntsArg(info, 4)), Longs(IntsArg(info, 5)), Floats(info, 6)).contiguous());
}

// resizeBilinearGrad(dy: handle, inHeight: number, inWidth: number, rowLo, rowHi, rowFrac, colLo, colHi, colFrac): handle
Napi::Value ResizeBilinearGrad(const Napi::CallbackInfo& info) {
  const at::Tensor& dy = InputArg(info, 0);
  int64_t h = IntArg(info, 1), w = IntArg(info, 2);
  at::Tensor cols = LerpGrad(dy, 2, Longs(IntsArg(info, 6)), Longs(IntsArg(info, 7)), Floats(info, 8), w);
  return Return(info.Env(), LerpGrad(cols, 1, Longs(IntsArg(info, 3)), Longs(IntsArg(info, 4)), Floats(info, 5), h));
}

}  // namespace

void InitImage(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "resizeBilinear", ResizeBilinear);
  Export(env, exports, "resizeBilinearGrad", ResizeBilinearGrad);
}

}  // namespace dcgan
