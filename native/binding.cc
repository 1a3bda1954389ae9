// Argument readers, handle conversion and error wrapping shared by every binding file.
#include "binding.h"

#include <stdexcept>
#include <unordered_map>

namespace dcgan {

namespace {

struct Entry {
  std::string name;
  Binding fn;
  bool computes;
};

// Trampoline: data points at the Entry for this export.
Napi::Value Call(const Napi::CallbackInfo& info) {
  const Entry* e = static_cast<const Entry*>(info.Data());
  try {
    if (e->computes) {
      if (TensorTable::instance().orphansPending()) TensorTable::instance().settleOrphans();
      TrimCache();
    }
    return e->fn(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& err) {
    throw Napi::Error::New(info.Env(), e->name + ": " + err.what_without_backtrace());
  } catch (const std::exception& err) {
    throw Napi::Error::New(info.Env(), e->name + ": " + err.what());
  }
}

std::string Where(size_t i) { return "argument " + std::to_string(i); }

}  // namespace

void Export(Napi::Env env, Napi::Object exports, const char* name, Binding fn, bool computes) {
  // Entries live for the life of the process, like the module itself.
  auto* e = new Entry{name, fn, computes};
  exports.Set(name, Napi::Function::New(env, Call, name, e));
}

bool IsMissing(const Napi::CallbackInfo& info, size_t i) {
  return i >= info.Length() || info[i].IsUndefined() || info[i].IsNull();
}

int32_t HandleArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsNumber()) {
    throw std::invalid_argument(Where(i) + " must be a tensor handle (a number)");
  }
  return info[i].As<Napi::Number>().Int32Value();
}

const at::Tensor& TensorArg(const Napi::CallbackInfo& info, size_t i) {
  return TensorTable::instance().get(HandleArg(info, i));
}

const at::Tensor& InputArg(const Napi::CallbackInfo& info, size_t i) {
  return TensorTable::instance().read(HandleArg(info, i));
}

std::shared_ptr<Node> NodeArg(const Napi::CallbackInfo& info, size_t i) {
  return TensorTable::instance().node(HandleArg(info, i));
}

namespace {
std::vector<at::Tensor> ListArg(const Napi::CallbackInfo& info, size_t i, bool keep) {
  if (i >= info.Length() || !info[i].IsArray()) {
    throw std::invalid_argument(Where(i) + " must be an array of tensor handles");
  }
  Napi::Array a = info[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(a.Length());
  for (uint32_t k = 0; k < a.Length(); ++k) {
    Napi::Value v = a.Get(k);
    if (!v.IsNumber()) throw std::invalid_argument(Where(i) + "[" + std::to_string(k) + "] must be a tensor handle");
    int32_t id = v.As<Napi::Number>().Int32Value();
    out.push_back(keep ? TensorTable::instance().get(id) : TensorTable::instance().read(id));
  }
  return out;
}

}  // namespace

std::vector<at::Tensor> TensorListArg(const Napi::CallbackInfo& info, size_t i) { return ListArg(info, i, true); }

std::vector<at::Tensor> InputListArg(const Napi::CallbackInfo& info, size_t i) { return ListArg(info, i, false); }

std::vector<int64_t> IntsArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length()) throw std::invalid_argument(Where(i) + " (an array of integers) is missing");
  if (info[i].IsTypedArray()) {
    Napi::TypedArray ta = info[i].As<Napi::TypedArray>();
    if (ta.TypedArrayType() == napi_int32_array) {
      Napi::Int32Array a = info[i].As<Napi::Int32Array>();
      return std::vector<int64_t>(a.Data(), a.Data() + a.ElementLength());
    }
    throw std::invalid_argument(Where(i) + " must be an Int32Array or an array of integers");
  }
  if (!info[i].IsArray()) throw std::invalid_argument(Where(i) + " must be an array of integers");
  Napi::Array a = info[i].As<Napi::Array>();
  std::vector<int64_t> out(a.Length());
  for (uint32_t k = 0; k < a.Length(); ++k) {
    Napi::Value v = a.Get(k);
    if (!v.IsNumber()) throw std::invalid_argument(Where(i) + "[" + std::to_string(k) + "] must be an integer");
    out[k] = v.As<Napi::Number>().Int64Value();
  }
  return out;
}

int64_t IntArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsNumber()) throw std::invalid_argument(Where(i) + " must be an integer");
  return info[i].As<Napi::Number>().Int64Value();
}

double NumberArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsNumber()) throw std::invalid_argument(Where(i) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

bool BoolArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsBoolean()) throw std::invalid_argument(Where(i) + " must be a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

std::string StringArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsString()) throw std::invalid_argument(Where(i) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

at::ScalarType ParseDtype(const std::string& name) {
  if (name == "float32") return at::kFloat;
  if (name == "int32") return at::kInt;
  if (name == "bool") return at::kBool;
  if (name == "complex64") return at::kComplexFloat;
  throw std::invalid_argument("dtype '" + name + "' is not supported natively (float32, int32, bool and complex64 are)");
}

at::ScalarType DtypeArg(const Napi::CallbackInfo& info, size_t i) { return ParseDtype(StringArg(info, i)); }

const char* DtypeName(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return "float32";
    case at::kInt: return "int32";
    case at::kBool: return "bool";
    case at::kComplexFloat: return "complex64";
    default: return "unsupported";
  }
}

namespace {
at::Tensor Normalize(at::Tensor t) {
  switch (t.scalar_type()) {
    case at::kFloat:
    case at::kInt:
    case at::kBool:
    case at::kComplexFloat:
      return t;
    case at::kComplexDouble:
    case at::kComplexHalf:
      return t.to(at::kComplexFloat);
    case at::kDouble:
    case at::kHalf:
    case at::kBFloat16:
      return t.to(at::kFloat);
    default:
      return t.to(at::kInt);
  }
}
}  // namespace

Napi::Value Return(Napi::Env env, at::Tensor t) {
  return Napi::Number::New(env, TensorTable::instance().put(Normalize(std::move(t))));
}

Napi::Value ReturnNode(Napi::Env env, std::shared_ptr<Node> node) {
  return Napi::Number::New(env, TensorTable::instance().put(std::move(node)));
}

Napi::Value ReturnList(Napi::Env env, const std::vector<at::Tensor>& ts) {
  Napi::Array out = Napi::Array::New(env, ts.size());
  for (size_t k = 0; k < ts.size(); ++k) out.Set(static_cast<uint32_t>(k), Return(env, ts[k]));
  return out;
}

}  // namespace dcgan
