// Moving data across the boundary (upload, download, release), the table's counters, lazy evaluation's
// switch and counters, threads and versions.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/version.h>
#include <ATen/Config.h>

#include <dlfcn.h>

#include <cstring>

#include "binding.h"

namespace dcgan {
namespace {

// Whether every element of `bytes` (elements of `width` bytes) equals the first. Stops at the first
// difference, so data that varies costs almost nothing to check.
bool Uniform(const uint8_t* bytes, size_t n, size_t width) {
  if (width == 4) {
    uint32_t first, v;
    std::memcpy(&first, bytes, 4);
    for (size_t i = 4; i < n; i += 4) {
      std::memcpy(&v, bytes + i, 4);
      if (v != first) return false;
    }
    return true;
  }
  for (size_t i = width; i < n; i += width) {
    if (std::memcmp(bytes, bytes + i, width) != 0) return false;
  }
  return true;
}

// upload(values: Float32Array | Int32Array | Uint8Array, shape: number[], dtype: DType): handle
// Copies the values into a new contiguous tensor of the given shape and dtype. complex64 values come as
// TF.js keeps them on the host: a Float32Array of interleaved real and imaginary parts.
Napi::Value Upload(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray()) throw std::invalid_argument("argument 0 must be a typed array");
  Napi::TypedArray ta = info[0].As<Napi::TypedArray>();
  std::vector<int64_t> shape = IntsArg(info, 1);
  at::ScalarType dtype = DtypeArg(info, 2);
  int64_t numel = 1;
  for (int64_t d : shape) numel *= d;
  at::ScalarType src;
  switch (ta.TypedArrayType()) {
    case napi_float32_array: src = at::kFloat; break;
    case napi_int32_array: src = at::kInt; break;
    case napi_uint8_array: src = at::kByte; break;
    default: throw std::invalid_argument("argument 0 must be a Float32Array, Int32Array or Uint8Array");
  }
  if (dtype == at::kComplexFloat) {
    if (src != at::kFloat || static_cast<int64_t>(ta.ElementLength()) != 2 * numel) {
      throw std::invalid_argument("upload of complex64 needs a Float32Array of " + std::to_string(2 * numel) +
                                  " interleaved real and imaginary parts");
    }
    at::Tensor t = at::empty(shape, at::TensorOptions().dtype(at::kComplexFloat));
    uint8_t* base = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    if (numel > 0) std::memcpy(t.data_ptr(), base, ta.ByteLength());
    return Return(info.Env(), t);
  }
  if (static_cast<int64_t>(ta.ElementLength()) != numel) {
    throw std::invalid_argument("upload of " + std::to_string(ta.ElementLength()) + " values into a tensor of " +
                                std::to_string(numel) + " elements");
  }
  uint8_t* base = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
  at::Tensor t;
  if (numel >= LazyMinElements() && Uniform(base, ta.ByteLength(), ta.ByteLength() / numel)) {
    // tf.ones / tf.zeros and the like: one value broadcast (a stride-0 view) instead of numel copies of it.
    t = at::empty({}, at::TensorOptions().dtype(src));
    std::memcpy(t.data_ptr(), base, ta.ByteLength() / numel);
    t = t.expand(shape);
  } else {
    t = at::empty(shape, at::TensorOptions().dtype(src));
    if (numel > 0) std::memcpy(t.data_ptr(), base, ta.ByteLength());
  }
  if (src == at::kByte && dtype == at::kBool) {
    t = t.ne(0);
  } else if (src != dtype) {
    t = t.to(dtype);
  }
  return Return(info.Env(), t);
}

// download(handle): Float32Array | Int32Array | Uint8Array (bool), a copy of the values in row-major order;
// complex64 as interleaved real and imaginary parts.
Napi::Value Download(const Napi::CallbackInfo& info) {
  at::Tensor t = InputArg(info, 0).contiguous();
  Napi::Env env = info.Env();
  size_t n = static_cast<size_t>(t.numel());
  switch (t.scalar_type()) {
    case at::kFloat: {
      Napi::Float32Array out = Napi::Float32Array::New(env, n);
      if (n) std::memcpy(out.Data(), t.data_ptr(), n * 4);
      return out;
    }
    case at::kInt: {
      Napi::Int32Array out = Napi::Int32Array::New(env, n);
      if (n) std::memcpy(out.Data(), t.data_ptr(), n * 4);
      return out;
    }
    case at::kBool: {
      Napi::Uint8Array out = Napi::Uint8Array::New(env, n);
      if (n) std::memcpy(out.Data(), t.data_ptr(), n);
      return out;
    }
    case at::kComplexFloat: {
      Napi::Float32Array out = Napi::Float32Array::New(env, 2 * n);
      if (n) std::memcpy(out.Data(), t.data_ptr(), n * 8);
      return out;
    }
    default:
      throw std::invalid_argument(std::string("cannot download dtype ") + c10::toString(t.scalar_type()));
  }
}

// release(handle): void
Napi::Value Release(const Napi::CallbackInfo& info) {
  if (!info[0].IsNumber()) throw std::invalid_argument("argument 0 must be a tensor handle");
  TensorTable::instance().release(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

// liveTensors(): number of handles in the table.
Napi::Value LiveTensors(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(TensorTable::instance().live()));
}

// liveBytes(): bytes of tensor data referenced by the table (views counted at their own size).
Napi::Value LiveBytes(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(TensorTable::instance().bytes()));
}

// shapeOf(handle): number[] (of a lazy expression too, without evaluating it)
Napi::Value ShapeOf(const Napi::CallbackInfo& info) {
  const std::vector<int64_t>& shape = NodeArg(info, 0)->shape;
  Napi::Array out = Napi::Array::New(info.Env(), shape.size());
  for (size_t k = 0; k < shape.size(); ++k) out.Set(static_cast<uint32_t>(k), Napi::Number::New(info.Env(), shape[k]));
  return out;
}

// dtypeOf(handle): DType
Napi::Value DtypeOf(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), DtypeName(NodeArg(info, 0)->dtype()));
}

// setNumThreads(n): void. Sets ATen's intra-op thread count (OpenMP, oneDNN).
Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  int64_t n = IntArg(info, 0);
  if (n < 1) throw std::invalid_argument("thread count must be at least 1, got " + std::to_string(n));
  at::set_num_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

// numThreads(): number
Napi::Value NumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

// The instruction set ATen's kernels dispatch to (ATEN_CPU_CAPABILITY restricts it), from its build report.
std::string AtenCapability() {
  const std::string config = at::show_config(), key = "CPU capability usage: ";
  size_t k = config.find(key);
  if (k == std::string::npos) return "unknown";
  k += key.size();
  return config.substr(k, config.find('\n', k) - k);
}

// oneDNN's effective instruction set (DNNL_MAX_CPU_ISA restricts it), looked up at run time (libtorch links
// oneDNN but ships no header for it). The values are dnnl_cpu_isa_t's in oneDNN 2.x.
std::string OnednnIsa() {
  using Fn = int (*)();
  Fn fn = reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, "dnnl_get_effective_cpu_isa"));
  if (!fn) return "unknown";
  switch (int isa = fn()) {
    case 0x1: return "sse41";
    case 0x3: return "avx";
    case 0x7: return "avx2";
    case 0x407: return "avx2_vnni";
    case 0xf: return "avx512_mic";
    case 0x1f: return "avx512_mic_4ops";
    case 0x27: return "avx512_core";
    case 0x67: return "avx512_core_vnni";
    case 0xe7: return "avx512_core_bf16";
    case 0x3e7: return "avx512_core_amx";
    default: {
      char hex[16];
      std::snprintf(hex, sizeof hex, "0x%x", isa);
      return hex;
    }
  }
}

// The core type OpenBLAS chose (OPENBLAS_CORETYPE restricts it), looked up at run time.
std::string OpenblasCore() {
  using Fn = char* (*)();
  Fn fn = reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  return fn ? std::string(fn()) : "unknown";
}

// info(): {torch: string, mkldnn: boolean, parallel: string, cpu: {aten: string, onednn: string, openblas: string}}
Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  Napi::Object cpu = Napi::Object::New(info.Env());
  cpu.Set("aten", AtenCapability());
  cpu.Set("onednn", OnednnIsa());
  cpu.Set("openblas", OpenblasCore());
  o.Set("cpu", cpu);
  o.Set("torch", std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
                     std::to_string(TORCH_VERSION_PATCH));
  o.Set("mkldnn", Napi::Boolean::New(info.Env(), AT_MKLDNN_ENABLED()));
  o.Set("parallel", at::get_parallel_info());
  return o;
}

// fill(shape, value, dtype): handle. A large result is one value broadcast (a stride-0 view): tensors
// never change in place, so all its elements may share one memory cell.
Napi::Value Fill(const Napi::CallbackInfo& info) {
  std::vector<int64_t> shape = IntsArg(info, 0);
  at::TensorOptions options = at::TensorOptions().dtype(DtypeArg(info, 2));
  int64_t numel = 1;
  for (int64_t d : shape) numel *= d;
  if (numel >= LazyMinElements()) return Return(info.Env(), at::full({}, NumberArg(info, 1), options).expand(shape));
  return Return(info.Env(), at::full(shape, NumberArg(info, 1), options));
}

// setLazy(on: boolean): void. Turns lazy elementwise evaluation (lazy.h) on or off.
Napi::Value SetLazyBinding(const Napi::CallbackInfo& info) {
  SetLazy(BoolArg(info, 0));
  return info.Env().Undefined();
}

// storageOf(handle): number. An identity of the memory a tensor's values live in: equal for views of
// one tensor (reshapes, broadcasts); 0 for an expression not evaluated yet.
Napi::Value StorageOf(const Napi::CallbackInfo& info) {
  const std::shared_ptr<Node>& n = NodeArg(info, 0);
  if (n->lazy()) return Napi::Number::New(info.Env(), 0);
  return Napi::Number::New(info.Env(), static_cast<double>(reinterpret_cast<uintptr_t>(n->value.storage().unsafeGetStorageImpl())));
}

// isLazy(handle): boolean. Whether the handle is an expression not evaluated yet.
Napi::Value IsLazyBinding(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), NodeArg(info, 0)->lazy());
}

// lazyStats(): {enabled, expressions, evaluated, reductions, settled, pending}: what lazy evaluation did
// (counts since load) and how many live handles are unevaluated expressions.
Napi::Value LazyStatsBinding(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  const LazyStats& s = Stats();
  o.Set("enabled", Napi::Boolean::New(info.Env(), LazyEnabled()));
  o.Set("expressions", static_cast<double>(s.expressions));
  o.Set("evaluated", static_cast<double>(s.evaluated));
  o.Set("dropped", static_cast<double>(s.dropped));
  o.Set("reductions", static_cast<double>(s.reductions));
  o.Set("reductionPasses", static_cast<double>(s.reductionPasses));
  o.Set("settled", static_cast<double>(s.settled));
  o.Set("blocks", static_cast<double>(s.blocks));
  o.Set("blockOps", static_cast<double>(s.blockOps));
  o.Set("slowOps", static_cast<double>(s.slowOps));
  o.Set("gathers", static_cast<double>(s.gathers));
  o.Set("evaluateMs", s.evaluateMs);
  o.Set("settleMs", s.settleMs);
  o.Set("pending", static_cast<double>(TensorTable::instance().lazy()));
  return o;
}

// range(start, step, count, dtype): handle. start + k*step for k < count.
Napi::Value Range(const Napi::CallbackInfo& info) {
  double start = NumberArg(info, 0), step = NumberArg(info, 1);
  int64_t n = IntArg(info, 2);
  at::Tensor k = at::arange(n, at::TensorOptions().dtype(at::kDouble));
  return Return(info.Env(), (k * step + start).to(DtypeArg(info, 3)));
}

// randomNormal(shape: number[], mean: number, stddev: number, seed: number): handle (float32)
// Seeded N(mean, stddev^2) values from ATen's Mersenne-Twister generator: the same seed gives the same
// tensor (weight initialisation of large layers without a JavaScript array of their size).
Napi::Value RandomNormal(const Napi::CallbackInfo& info) {
  std::vector<int64_t> shape = IntsArg(info, 0);
  double mean = NumberArg(info, 1), stddev = NumberArg(info, 2);
  uint64_t seed = static_cast<uint64_t>(IntArg(info, 3));
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(at::kFloat));
  t.normal_(mean, stddev, gen);
  return Return(info.Env(), t);
}

}  // namespace

void InitMemory(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "upload", Upload, false);  // reads no tensor: settling and trimming can wait
  Export(env, exports, "download", Download);
  Export(env, exports, "release", Release, false);
  Export(env, exports, "liveTensors", LiveTensors, false);
  Export(env, exports, "liveBytes", LiveBytes, false);
  Export(env, exports, "shapeOf", ShapeOf, false);
  Export(env, exports, "dtypeOf", DtypeOf, false);
  Export(env, exports, "setNumThreads", SetNumThreads, false);
  Export(env, exports, "numThreads", NumThreads, false);
  Export(env, exports, "info", Info, false);
  Export(env, exports, "setLazy", SetLazyBinding, false);
  Export(env, exports, "lazyStats", LazyStatsBinding, false);
  Export(env, exports, "isLazy", IsLazyBinding, false);
  Export(env, exports, "storageOf", StorageOf, false);
  Export(env, exports, "fill", Fill);
  Export(env, exports, "range", Range);
  Export(env, exports, "randomNormal", RandomNormal);
}

}  // namespace dcgan
