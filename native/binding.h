// Helpers shared by every binding file: argument checks that name the argument, tensor handles in and out,
// and the conversion of C++ exceptions into JavaScript errors.
#pragma once
#include <napi.h>
#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "tensor_table.h"

namespace dcgan {

// Signature of every exported function.
using Binding = Napi::Value (*)(const Napi::CallbackInfo&);

// Adds `fn` to `exports` under `name`, wrapped so that any C++ exception (a c10::Error from ATen, a
// std::exception from the argument checks) becomes a JavaScript Error whose message starts with `name`.
// Before a function that computes runs, lazy expressions holding the only reference to a released tensor
// are committed (TensorTable::settleOrphans) and the cache of evaluated expressions is trimmed (TrimCache);
// `computes` false skips that (release, counters).
void Export(Napi::Env env, Napi::Object exports, const char* name, Binding fn, bool computes = true);

// Argument readers. Each throws std::invalid_argument naming the argument position and what was expected.
// The tensor behind a handle argument; a lazy expression is evaluated first. InputArg is for kernels that
// only read their inputs during the call (the backend may drop an evaluated expression's value between
// calls and compute it again); TensorArg keeps it for good, for code that may write into it.
const at::Tensor& InputArg(const Napi::CallbackInfo& info, size_t i);
std::vector<at::Tensor> InputListArg(const Napi::CallbackInfo& info, size_t i);
const at::Tensor& TensorArg(const Napi::CallbackInfo& info, size_t i);
// The node behind a handle argument, lazy or not (lazy.h), for kernels that can extend an expression.
std::shared_ptr<Node> NodeArg(const Napi::CallbackInfo& info, size_t i);
int32_t HandleArg(const Napi::CallbackInfo& info, size_t i);
std::vector<at::Tensor> TensorListArg(const Napi::CallbackInfo& info, size_t i);
std::vector<int64_t> IntsArg(const Napi::CallbackInfo& info, size_t i);
int64_t IntArg(const Napi::CallbackInfo& info, size_t i);
double NumberArg(const Napi::CallbackInfo& info, size_t i);
bool BoolArg(const Napi::CallbackInfo& info, size_t i);
std::string StringArg(const Napi::CallbackInfo& info, size_t i);
bool IsMissing(const Napi::CallbackInfo& info, size_t i);  // absent, undefined or null
// A TF.js dtype name: 'float32' | 'int32' | 'bool' | 'complex64'.
at::ScalarType DtypeArg(const Napi::CallbackInfo& info, size_t i);
at::ScalarType ParseDtype(const std::string& name);
const char* DtypeName(at::ScalarType t);

// Registers `t` in the tensor table and returns its handle as a JS number. Tensors of a dtype TF.js has
// no name for (int64 from ATen reductions, double) are converted to int32 / float32 first.
Napi::Value Return(Napi::Env env, at::Tensor t);
Napi::Value ReturnList(Napi::Env env, const std::vector<at::Tensor>& ts);
// Registers a node (a lazy expression, or another handle on an existing node).
Napi::Value ReturnNode(Napi::Env env, std::shared_ptr<Node> node);

// TF.js tensors are NHWC; ATen convolutions want NCHW. These give views (no copy): an NHWC-contiguous
// tensor viewed as NCHW has channels-last strides, which is the memory format oneDNN prefers.
inline at::Tensor NhwcToNchw(const at::Tensor& t) { return t.permute({0, 3, 1, 2}); }
inline at::Tensor NchwToNhwc(const at::Tensor& t) { return t.permute({0, 2, 3, 1}); }
// HWIO filter -> OIHW view.
inline at::Tensor HwioToOihw(const at::Tensor& w) { return w.permute({3, 2, 0, 1}); }
inline at::Tensor OihwToHwio(const at::Tensor& w) { return w.permute({2, 3, 1, 0}); }

// Applies the unary op named like its TF.js kernel (elementwise.cc); a, b are its parameters
// (alpha for LeakyRelu and Step, min and max for ClipByValue).
at::Tensor ApplyUnary(const std::string& op, const at::Tensor& x, double a = 0, double b = 0);

// Applies a TF.js fused activation ('linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leakyrelu' with alpha,
// 'prelu' with weights) to y, which it may modify in place: pass a tensor nobody else holds.
at::Tensor ApplyActivation(at::Tensor y, const std::string& act, const at::Tensor* prelu, double alpha);

// Makes ATen allocate tensors with the project's allocator (allocator.cc).
void InstallAllocator();

// Registration functions, one per binding file.
void InitMemory(Napi::Env env, Napi::Object exports);
void InitElementwise(Napi::Env env, Napi::Object exports);
void InitReduce(Napi::Env env, Napi::Object exports);
void InitShape(Napi::Env env, Napi::Object exports);
void InitConv(Napi::Env env, Napi::Object exports);
void InitPool(Napi::Env env, Napi::Object exports);
void InitLinalg(Napi::Env env, Napi::Object exports);
void InitNorm(Napi::Env env, Napi::Object exports);
void InitImage(Napi::Env env, Napi::Object exports);
void InitAllocator(Napi::Env env, Napi::Object exports);
void InitSpectral(Napi::Env env, Napi::Object exports);

}  // namespace dcgan
