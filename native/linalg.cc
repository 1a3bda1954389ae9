// Matrix products: BatchMatMul and _FusedMatMul (product, bias, activation), on ATen's BLAS (OpenBLAS).
#include "binding.h"

namespace dcgan {
namespace {

// matMul(a: handle, b: handle, transposeA: boolean, transposeB: boolean, bias?: handle,
//        activation?: string, prelu?: handle, leakyAlpha?: number): handle
// a, b have rank >= 2; leading (batch) dimensions broadcast.
Napi::Value MatMul(const Napi::CallbackInfo& info) {
  at::Tensor a = InputArg(info, 0);
  at::Tensor b = InputArg(info, 1);
  if (BoolArg(info, 2)) a = a.transpose(-2, -1);
  if (BoolArg(info, 3)) b = b.transpose(-2, -1);
  at::Tensor y;
  bool hasBias = !IsMissing(info, 4);
  if (hasBias && a.dim() == 2 && b.dim() == 2) {
    const at::Tensor& bias = InputArg(info, 4);
    // addmm folds the bias into the GEMM's output initialisation.
    y = at::addmm(bias.dim() <= 1 ? bias : bias.expand({a.size(0), b.size(1)}), a, b);
  } else {
    y = at::matmul(a, b);
    if (hasBias) y = y + InputArg(info, 4);
  }
  if (y.scalar_type() != a.scalar_type()) y = y.to(a.scalar_type());
  std::string act = IsMissing(info, 5) ? "linear" : StringArg(info, 5);
  const at::Tensor* prelu = IsMissing(info, 6) ? nullptr : &InputArg(info, 6);
  double alpha = IsMissing(info, 7) ? 0.2 : NumberArg(info, 7);
  return Return(info.Env(), ApplyActivation(y.contiguous(), act, prelu, alpha));
}

}  // namespace

void InitLinalg(Napi::Env env, Napi::Object exports) { Export(env, exports, "matMul", MatMul); }

}  // namespace dcgan
