// Elementwise kernels: unary and binary ops by TF.js kernel name, casts, select, clip, addN. Large float32
// results are lazy expressions (lazy.h), fused with what consumes them.
#include <cmath>
#include <functional>
#include <limits>
#include <unordered_map>

#include "binding.h"

namespace dcgan {
namespace {

using Unary = std::function<at::Tensor(const at::Tensor& x, double a, double b)>;
using BinaryFn = std::function<at::Tensor(const at::Tensor& x, const at::Tensor& y)>;

at::Tensor AsFloat(const at::Tensor& x) { return x.is_floating_point() || x.is_complex() ? x : x.to(at::kFloat); }

// A tensor of x's shape and dtype with every element `value`: a large one is a single value broadcast (a
// stride-0 view), which tensors that never change in place can share.
at::Tensor Constant(const at::Tensor& x, double value) {
  if (x.numel() >= LazyMinElements()) return at::full({}, value, x.options()).expand(x.sizes());
  return at::full(x.sizes(), value, x.options());
}

// Keeps NaN where x is NaN (TF.js semantics for ops ATen would map NaN to a number).
at::Tensor KeepNaN(const at::Tensor& x, const at::Tensor& y) {
  return x.is_floating_point() ? at::where(at::isnan(x), x, y) : y;
}

const std::unordered_map<std::string, Unary>& UnaryOps() {
  static const std::unordered_map<std::string, Unary> ops = {
      {"Abs", [](const at::Tensor& x, double, double) { return at::abs(x); }},
      {"Acos", [](const at::Tensor& x, double, double) { return at::acos(AsFloat(x)); }},
      {"Acosh", [](const at::Tensor& x, double, double) { return at::acosh(AsFloat(x)); }},
      {"Asin", [](const at::Tensor& x, double, double) { return at::asin(AsFloat(x)); }},
      {"Asinh", [](const at::Tensor& x, double, double) { return at::asinh(AsFloat(x)); }},
      {"Atan", [](const at::Tensor& x, double, double) { return at::atan(AsFloat(x)); }},
      {"Atanh", [](const at::Tensor& x, double, double) { return at::atanh(AsFloat(x)); }},
      {"Ceil", [](const at::Tensor& x, double, double) { return at::ceil(x); }},
      {"Cos", [](const at::Tensor& x, double, double) { return at::cos(AsFloat(x)); }},
      {"Cosh", [](const at::Tensor& x, double, double) { return at::cosh(AsFloat(x)); }},
      {"Elu", [](const at::Tensor& x, double, double) { return at::elu(AsFloat(x)); }},
      {"Erf", [](const at::Tensor& x, double, double) { return at::erf(AsFloat(x)); }},
      {"Exp", [](const at::Tensor& x, double, double) { return at::exp(AsFloat(x)); }},
      {"Expm1", [](const at::Tensor& x, double, double) { return at::expm1(AsFloat(x)); }},
      {"Floor", [](const at::Tensor& x, double, double) { return at::floor(x); }},
      {"IsFinite", [](const at::Tensor& x, double, double) { return at::isfinite(x); }},
      {"IsInf", [](const at::Tensor& x, double, double) { return at::isinf(x); }},
      {"IsNan", [](const at::Tensor& x, double, double) { return at::isnan(x); }},
      {"Log", [](const at::Tensor& x, double, double) { return at::log(AsFloat(x)); }},
      {"Log1p", [](const at::Tensor& x, double, double) { return at::log1p(AsFloat(x)); }},
      {"LogicalNot", [](const at::Tensor& x, double, double) { return at::logical_not(x); }},
      {"Neg", [](const at::Tensor& x, double, double) { return at::neg(x); }},
      {"Reciprocal", [](const at::Tensor& x, double, double) { return at::reciprocal(AsFloat(x)); }},
      // at::relu and at::clamp propagate NaN, as TF does.
      {"Relu", [](const at::Tensor& x, double, double) { return at::relu(x); }},
      {"Relu6", [](const at::Tensor& x, double, double) { return at::clamp(x, 0, 6); }},
      {"Round", [](const at::Tensor& x, double, double) { return at::round(x); }},  // half to even, as TF
      {"Rsqrt", [](const at::Tensor& x, double, double) { return at::rsqrt(AsFloat(x)); }},
      {"Selu", [](const at::Tensor& x, double, double) { return at::selu(AsFloat(x)); }},
      {"Sigmoid", [](const at::Tensor& x, double, double) { return at::sigmoid(AsFloat(x)); }},
      {"Sign", [](const at::Tensor& x, double, double) { return x.is_floating_point() ? at::nan_to_num(at::sign(x), 0) : at::sign(x); }},
      {"Sin", [](const at::Tensor& x, double, double) { return at::sin(AsFloat(x)); }},
      {"Sinh", [](const at::Tensor& x, double, double) { return at::sinh(AsFloat(x)); }},
      // TF.js: log(exp(x) + 1) with linear / exponential tails beyond |x| > -log(eps) + 2.
      {"Softplus",
       [](const at::Tensor& x, double, double) {
         const double threshold = std::log(1.1920928955078125e-7) + 2.0;  // log(float32 epsilon) + 2
         at::Tensor xf = AsFloat(x);
         at::Tensor mid = at::log1p(at::exp(xf));
         return at::where(xf > -threshold, xf, at::where(xf < threshold, at::exp(xf), mid));
       }},
      {"Sqrt", [](const at::Tensor& x, double, double) { return at::sqrt(AsFloat(x)); }},
      {"Square", [](const at::Tensor& x, double, double) { return at::mul(x, x); }},
      {"Tan", [](const at::Tensor& x, double, double) { return at::tan(AsFloat(x)); }},
      {"Tanh", [](const at::Tensor& x, double, double) { return at::tanh(AsFloat(x)); }},
      // Parameterised: a = alpha.
      {"LeakyRelu", [](const at::Tensor& x, double a, double) { return at::leaky_relu(AsFloat(x), a); }},
      {"Step", [](const at::Tensor& x, double a, double) { return KeepNaN(x, at::where(x > 0, at::ones_like(x), at::full_like(x, a))); }},
      // a = min, b = max.
      {"ClipByValue", [](const at::Tensor& x, double a, double b) { return KeepNaN(x, at::clamp(x, a, b)); }},
      {"OnesLike", [](const at::Tensor& x, double, double) { return Constant(x, 1); }},
      {"ZerosLike", [](const at::Tensor& x, double, double) { return Constant(x, 0); }},
  };
  return ops;
}

at::Tensor FloorDiv(const at::Tensor& x, const at::Tensor& y) {
  if (x.is_floating_point() || y.is_floating_point()) return at::floor(at::div(x, y));
  return at::div(x, y, "floor");
}

at::Tensor Mod(const at::Tensor& x, const at::Tensor& y) {
  // Python/TF semantics: the result takes the divisor's sign.
  return at::remainder(x, y);
}

const std::unordered_map<std::string, BinaryFn>& BinaryOps() {
  static const std::unordered_map<std::string, BinaryFn> ops = {
      {"Add", [](const at::Tensor& x, const at::Tensor& y) { return at::add(x, y); }},
      {"Sub", [](const at::Tensor& x, const at::Tensor& y) { return at::sub(x, y); }},
      {"Multiply", [](const at::Tensor& x, const at::Tensor& y) { return at::mul(x, y); }},
      {"RealDiv", [](const at::Tensor& x, const at::Tensor& y) { return at::div(AsFloat(x), y); }},
      {"FloorDiv", FloorDiv},
      {"DivNoNan", [](const at::Tensor& x, const at::Tensor& y) {
         at::Tensor q = at::div(AsFloat(x), y);
         return at::where(y == 0, at::zeros_like(q), q);
       }},
      {"Maximum", [](const at::Tensor& x, const at::Tensor& y) { return at::maximum(x, y); }},
      {"Minimum", [](const at::Tensor& x, const at::Tensor& y) { return at::minimum(x, y); }},
      {"Mod", Mod},
      {"Pow", [](const at::Tensor& x, const at::Tensor& y) { return at::pow(x, y); }},
      {"SquaredDifference", [](const at::Tensor& x, const at::Tensor& y) { at::Tensor d = at::sub(x, y); return at::mul(d, d); }},
      {"Atan2", [](const at::Tensor& x, const at::Tensor& y) { return at::atan2(AsFloat(x), AsFloat(y)); }},
      {"Equal", [](const at::Tensor& x, const at::Tensor& y) { return at::eq(x, y); }},
      {"NotEqual", [](const at::Tensor& x, const at::Tensor& y) { return at::ne(x, y); }},
      {"Greater", [](const at::Tensor& x, const at::Tensor& y) { return at::gt(x, y); }},
      {"GreaterEqual", [](const at::Tensor& x, const at::Tensor& y) { return at::ge(x, y); }},
      {"Less", [](const at::Tensor& x, const at::Tensor& y) { return at::lt(x, y); }},
      {"LessEqual", [](const at::Tensor& x, const at::Tensor& y) { return at::le(x, y); }},
      {"LogicalAnd", [](const at::Tensor& x, const at::Tensor& y) { return at::logical_and(x, y); }},
      {"LogicalOr", [](const at::Tensor& x, const at::Tensor& y) { return at::logical_or(x, y); }},
      {"LogicalXor", [](const at::Tensor& x, const at::Tensor& y) { return at::logical_xor(x, y); }},
      {"BitwiseAnd", [](const at::Tensor& x, const at::Tensor& y) { return at::bitwise_and(x, y); }},
      // x < 0 ? alpha * x : x
      {"Prelu", [](const at::Tensor& x, const at::Tensor& a) { return at::where(x < 0, x * a, x); }},
      // Gradient of Elu given dy and y = elu(x): dy where y >= 0, dy * (y + 1) elsewhere.
      {"EluGrad", [](const at::Tensor& dy, const at::Tensor& y) { return at::where(y >= 0, dy, dy * (y + 1)); }},
  };
  return ops;
}

// The block interpreter's own loop for a unary op (lazy.h), or kNone.
FastOp UnaryFast(const std::string& op) {
  static const std::unordered_map<std::string, FastOp> fast = {
      {"Neg", FastOp::kNeg}, {"Abs", FastOp::kAbs}, {"Square", FastOp::kSquare}, {"Relu", FastOp::kRelu},
      {"LeakyRelu", FastOp::kLeakyRelu},
  };
  auto it = fast.find(op);
  return it == fast.end() ? FastOp::kNone : it->second;
}

FastOp BinaryFast(const std::string& op) {
  static const std::unordered_map<std::string, FastOp> fast = {
      {"Add", FastOp::kAdd}, {"Sub", FastOp::kSub}, {"Multiply", FastOp::kMul}, {"RealDiv", FastOp::kDiv},
      {"Maximum", FastOp::kMaximum}, {"Minimum", FastOp::kMinimum}, {"SquaredDifference", FastOp::kSquaredDifference},
  };
  auto it = fast.find(op);
  return it == fast.end() ? FastOp::kNone : it->second;
}

// Unary ops whose float32 result is float32 and may be lazy: all but the tests (bool results) and the
// constants (already free: Constant).
bool LazyUnary(const std::string& op) {
  return op != "IsFinite" && op != "IsInf" && op != "IsNan" && op != "LogicalNot" && op != "OnesLike" && op != "ZerosLike";
}

// Binary ops whose float32 result is float32 and may be lazy (the comparisons and logical ops give bool).
bool LazyBinary(const std::string& op) {
  static const std::unordered_map<std::string, bool> arithmetic = {
      {"Add", true}, {"Sub", true}, {"Multiply", true}, {"RealDiv", true}, {"FloorDiv", true}, {"DivNoNan", true},
      {"Maximum", true}, {"Minimum", true}, {"Mod", true}, {"Pow", true}, {"SquaredDifference", true},
      {"Atan2", true}, {"Prelu", true}, {"EluGrad", true},
  };
  return arithmetic.count(op) > 0;
}

}  // namespace
namespace {

// unary(op: UnaryOp, x: handle, a?: number, b?: number, dtype?: DType): handle
Napi::Value UnaryOp(const Napi::CallbackInfo& info) {
  std::string op = StringArg(info, 0);
  double a = IsMissing(info, 2) ? 0 : NumberArg(info, 2);
  double b = IsMissing(info, 3) ? 0 : NumberArg(info, 3);
  std::shared_ptr<Node> xn = NodeArg(info, 1);
  bool toFloat = IsMissing(info, 4) || DtypeArg(info, 4) == at::kFloat;
  auto it = UnaryOps().find(op);
  if (it == UnaryOps().end()) throw std::invalid_argument("unknown unary op '" + op + "'");
  if (toFloat && LazyUnary(op) && WantLazy({xn.get()}, xn->shape)) {
    Unary f = it->second;
    return ReturnNode(info.Env(), Lazy([f, a, b](const std::vector<at::Tensor>& v) { return f(v[0], a, b); }, {xn}, xn->shape,
                                       UnaryFast(op), static_cast<float>(a)));
  }
  at::Tensor y = it->second(InputArg(info, 1), a, b);
  if (!IsMissing(info, 4)) y = y.to(DtypeArg(info, 4));
  return Return(info.Env(), y);
}

// binary(op: BinaryOp, a: handle, b: handle, dtype: DType): handle. Broadcasts as numpy/TF do.
Napi::Value BinaryOp(const Napi::CallbackInfo& info) {
  std::string op = StringArg(info, 0);
  auto it = BinaryOps().find(op);
  if (it == BinaryOps().end()) throw std::invalid_argument("unknown binary op '" + op + "'");
  at::ScalarType dtype = DtypeArg(info, 3);
  std::shared_ptr<Node> an = NodeArg(info, 1), bn = NodeArg(info, 2);
  if (dtype == at::kFloat && LazyBinary(op)) {
    std::vector<int64_t> shape = at::infer_size(an->shape, bn->shape);
    if (WantLazy({an.get(), bn.get()}, shape)) {
      BinaryFn f = it->second;
      return ReturnNode(info.Env(), Lazy([f](const std::vector<at::Tensor>& v) { return f(v[0], v[1]); }, {an, bn}, shape, BinaryFast(op)));
    }
  }
  at::Tensor y = it->second(InputArg(info, 1), InputArg(info, 2));
  return Return(info.Env(), y.to(dtype));
}

// unaryOps(): string[], binaryOps(): string[]. Lets the TypeScript side check its mirror.
Napi::Value UnaryOpNames(const Napi::CallbackInfo& info) {
  Napi::Array out = Napi::Array::New(info.Env());
  uint32_t k = 0;
  for (const auto& kv : UnaryOps()) out.Set(k++, kv.first);
  return out;
}
Napi::Value BinaryOpNames(const Napi::CallbackInfo& info) {
  Napi::Array out = Napi::Array::New(info.Env());
  uint32_t k = 0;
  for (const auto& kv : BinaryOps()) out.Set(k++, kv.first);
  return out;
}

// cast(x: handle, dtype: DType): handle. As TF.js's cpu backend: complex64 to a real type keeps the real
// part; a real type to complex64 gets a zero imaginary part.
Napi::Value Cast(const Napi::CallbackInfo& info) {
  at::Tensor x = InputArg(info, 0);
  at::ScalarType to = DtypeArg(info, 1);
  if (x.is_complex() && to != at::kComplexFloat) x = at::real(x);
  if (to == at::kBool) return Return(info.Env(), x.ne(0));
  if (to == at::kInt && x.is_floating_point()) return Return(info.Env(), at::trunc(x).to(at::kInt));
  if (to == at::kComplexFloat && !x.is_complex()) return Return(info.Env(), at::complex(x.to(at::kFloat), at::zeros_like(x, at::kFloat)));
  return Return(info.Env(), x.to(to).clone());
}

// select(cond: handle, a: handle, b: handle): handle. cond ? a : b, broadcasting cond against a and b
// (lazy when a and b are float32 and the result large).
Napi::Value Select(const Napi::CallbackInfo& info) {
  at::Tensor c = InputArg(info, 0);
  std::shared_ptr<Node> an = NodeArg(info, 1), bn = NodeArg(info, 2);
  if (c.scalar_type() != at::kBool) c = c.ne(0);
  // TF's Select with a rank-1 condition picks whole rows of a rank > 1 a/b.
  if (c.dim() == 1 && an->shape.size() > 1) {
    std::vector<int64_t> shape(an->shape.size(), 1);
    shape[0] = c.size(0);
    c = c.reshape(shape);
  }
  std::vector<int64_t> shape = at::infer_size(at::infer_size(c.sizes(), an->shape), bn->shape);
  if (WantLazy({an.get(), bn.get()}, shape)) {
    return ReturnNode(info.Env(), Lazy([](const std::vector<at::Tensor>& v) { return at::where(v[0] != 0, v[1], v[2]); },
                                       {Leaf(c), an, bn}, shape, FastOp::kSelect));
  }
  return Return(info.Env(), at::where(c, InputArg(info, 1), InputArg(info, 2)));
}

at::Tensor LeakyReluBackward(const at::Tensor& dy, const at::Tensor& x, double alpha) {
  if (alpha == 0) return at::threshold_backward(dy, x, 0);
  return at::leaky_relu_backward(dy, x, alpha, false);
}

// leakyReluGrad(dy: handle, x: handle, alpha: number): handle. dy where x > 0, alpha * dy elsewhere:
// the gradient of Relu (alpha 0) and LeakyRelu in one pass (lazy when large).
Napi::Value LeakyReluGrad(const Napi::CallbackInfo& info) {
  std::shared_ptr<Node> dy = NodeArg(info, 0), x = NodeArg(info, 1);
  double alpha = NumberArg(info, 2);
  if (dy->shape == x->shape && WantLazy({dy.get(), x.get()}, x->shape)) {
    return ReturnNode(info.Env(), Lazy([alpha](const std::vector<at::Tensor>& v) { return LeakyReluBackward(v[0], v[1], alpha); },
                                       {dy, x}, x->shape, FastOp::kLeakyReluGrad, static_cast<float>(alpha)));
  }
  return Return(info.Env(), LeakyReluBackward(InputArg(info, 0), InputArg(info, 1), alpha));
}

// addN(xs: handle[]): handle
Napi::Value AddN(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> xs = InputListArg(info, 0);
  if (xs.empty()) throw std::invalid_argument("addN needs at least one tensor");
  at::Tensor sum = xs[0].clone();
  for (size_t k = 1; k < xs.size(); ++k) sum.add_(xs[k]);
  return Return(info.Env(), sum);
}

}  // namespace

at::Tensor ApplyUnary(const std::string& op, const at::Tensor& x, double a, double b) {
  auto it = UnaryOps().find(op);
  if (it == UnaryOps().end()) throw std::invalid_argument("unknown unary op '" + op + "'");
  return it->second(x, a, b);
}

at::Tensor ApplyActivation(at::Tensor y, const std::string& act, const at::Tensor* prelu, double alpha) {
  if (act == "linear" || act.empty()) return y;
  if (act == "relu") return y.relu_();
  if (act == "relu6") return y.clamp_(0, 6);
  if (act == "sigmoid") return y.sigmoid_();
  if (act == "elu") return at::elu(y);
  if (act == "leakyrelu") return at::leaky_relu_(y, alpha);
  if (act == "prelu") {
    if (prelu == nullptr) throw std::invalid_argument("activation 'prelu' needs preluActivationWeights");
    return at::where(y < 0, y * *prelu, y);
  }
  throw std::invalid_argument("unknown fused activation '" + act + "'");
}

void InitElementwise(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "unary", UnaryOp);
  Export(env, exports, "binary", BinaryOp);
  Export(env, exports, "unaryOps", UnaryOpNames);
  Export(env, exports, "binaryOps", BinaryOpNames);
  Export(env, exports, "cast", Cast);
  Export(env, exports, "select", Select);
  Export(env, exports, "addN", AddN);
  Export(env, exports, "leakyReluGrad", LeakyReluGrad);
}

}  // namespace dcgan
