// Reductions over axes (Sum, Mean, Max, Min, Prod, All, Any), ArgMax/ArgMin, cumulative sums and products,
// and the softmax family.
#include <functional>
#include <limits>
#include <unordered_map>

#include "binding.h"

namespace dcgan {
namespace {

using Reduction = std::function<at::Tensor(const at::Tensor& x, at::IntArrayRef axes, bool keep)>;

const std::unordered_map<std::string, Reduction>& Reductions() {
  static const std::unordered_map<std::string, Reduction> ops = {
      {"Sum", [](const at::Tensor& x, at::IntArrayRef a, bool k) { return at::sum(x, a, k); }},
      {"Mean", [](const at::Tensor& x, at::IntArrayRef a, bool k) {
         return at::mean(x.is_floating_point() ? x : x.to(at::kFloat), a, k);
       }},
      {"Max", [](const at::Tensor& x, at::IntArrayRef a, bool k) { return at::amax(x, a, k); }},
      {"Min", [](const at::Tensor& x, at::IntArrayRef a, bool k) { return at::amin(x, a, k); }},
      {"Prod", [](const at::Tensor& x, at::IntArrayRef a, bool k) {
         at::Tensor y = x;
         // at::prod reduces one dim at a time; go from the last axis so earlier indices stay valid.
         std::vector<int64_t> axes(a.begin(), a.end());
         std::sort(axes.rbegin(), axes.rend());
         for (int64_t ax : axes) y = at::prod(y, ax, k);
         return y;
       }},
      {"All", [](const at::Tensor& x, at::IntArrayRef a, bool k) {
         at::Tensor y = x.to(at::kBool);
         std::vector<int64_t> axes(a.begin(), a.end());
         std::sort(axes.rbegin(), axes.rend());
         for (int64_t ax : axes) y = at::all(y, ax, k);
         return y;
       }},
      {"Any", [](const at::Tensor& x, at::IntArrayRef a, bool k) {
         at::Tensor y = x.to(at::kBool);
         std::vector<int64_t> axes(a.begin(), a.end());
         std::sort(axes.rbegin(), axes.rend());
         for (int64_t ax : axes) y = at::any(y, ax, k);
         return y;
       }},
  };
  return ops;
}

// reduce(op: ReduceOp, x: handle, axes: number[], keepDims: boolean, dtype: DType): handle
// An empty axes list reduces nothing (a copy), as in TF.js. The sum or mean of a lazy expression is
// computed block by block from its operands, without storing it, when first read (lazy.h).
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  std::string op = StringArg(info, 0);
  auto it = Reductions().find(op);
  if (it == Reductions().end()) throw std::invalid_argument("unknown reduction '" + op + "'");
  std::vector<int64_t> axes = IntsArg(info, 2);
  bool keep = BoolArg(info, 3);
  at::ScalarType dtype = DtypeArg(info, 4);
  std::shared_ptr<Node> xn = NodeArg(info, 1);
  if (xn->lazy() && !axes.empty() && dtype == at::kFloat && (op == "Sum" || op == "Mean")) {
    return ReturnNode(info.Env(), LazyReduction(xn, axes, keep, op == "Mean"));
  }
  const at::Tensor& x = InputArg(info, 1);
  if (axes.empty()) return Return(info.Env(), x.to(dtype).clone());
  return Return(info.Env(), it->second(x, axes, keep).to(dtype));
}

// argReduce(op: 'ArgMax' | 'ArgMin', x: handle, axis: number): handle (int32)
Napi::Value ArgReduce(const Napi::CallbackInfo& info) {
  std::string op = StringArg(info, 0);
  at::Tensor x = InputArg(info, 1);
  int64_t axis = IntArg(info, 2);
  if (x.scalar_type() == at::kBool) x = x.to(at::kInt);
  bool isMax = op == "ArgMax";
  // TF ignores NaN; ATen would pick it. A NaN becomes the value that never wins.
  if (x.is_floating_point()) {
    double never = isMax ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    x = at::where(at::isnan(x), at::scalar_tensor(never, x.options()), x);
  }
  at::Tensor y;
  // TF returns the first index of the extreme value; ATen on CPU does too.
  if (isMax) y = at::argmax(x, axis);
  else if (op == "ArgMin") y = at::argmin(x, axis);
  else throw std::invalid_argument("unknown arg reduction '" + op + "'");
  return Return(info.Env(), y.to(at::kInt));
}

// cumulative(op: 'Cumsum' | 'Cumprod', x: handle, axis: number, exclusive: boolean, reverse: boolean): handle
Napi::Value Cumulative(const Napi::CallbackInfo& info) {
  std::string op = StringArg(info, 0);
  at::Tensor x = InputArg(info, 1);
  int64_t axis = IntArg(info, 2);
  bool exclusive = BoolArg(info, 3), reverse = BoolArg(info, 4);
  at::ScalarType dtype = x.scalar_type();
  bool sum = op == "Cumsum";
  if (!sum && op != "Cumprod") throw std::invalid_argument("unknown cumulative op '" + op + "'");
  if (reverse) x = x.flip(axis);
  at::Tensor y = sum ? at::cumsum(x, axis) : at::cumprod(x, axis);
  if (exclusive) {
    // Shift by one along the axis, filling with the identity element.
    int64_t n = x.size(axis);
    at::Tensor first = sum ? at::zeros_like(x.narrow(axis, 0, 1)) : at::ones_like(x.narrow(axis, 0, 1));
    y = at::cat({first, y.narrow(axis, 0, n - 1)}, axis);
  }
  if (reverse) y = y.flip(axis);
  return Return(info.Env(), y.to(dtype).contiguous());
}

// softmax(logits: handle, dim: number, log: boolean): handle
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  const at::Tensor& x = InputArg(info, 0);
  int64_t dim = IntArg(info, 1);
  bool log = BoolArg(info, 2);
  return Return(info.Env(), log ? at::log_softmax(x, dim) : at::softmax(x, dim));
}

}  // namespace

void InitReduce(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "reduce", Reduce);
  Export(env, exports, "argReduce", ArgReduce);
  Export(env, exports, "cumulative", Cumulative);
  Export(env, exports, "softmax", Softmax);
}

}  // namespace dcgan
