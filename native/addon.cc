// Entry point of the dcgan_aten Node-API addon: TensorFlow.js kernels over libtorch's ATen.
// The JavaScript mirror of everything exported here is src/engine/native.ts.
#include "binding.h"
#include "dist.h"

namespace dcgan {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  InstallAllocator();
  InitMemory(env, exports);
  InitElementwise(env, exports);
  InitReduce(env, exports);
  InitShape(env, exports);
  InitConv(env, exports);
  InitPool(env, exports);
  InitLinalg(env, exports);
  InitNorm(env, exports);
  InitImage(env, exports);
  InitAllocator(env, exports);
  InitSpectral(env, exports);
  InitDist(env, exports);
  return exports;
}

}  // namespace dcgan

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return dcgan::Init(env, exports); }

NODE_API_MODULE(dcgan_aten, InitModule)
