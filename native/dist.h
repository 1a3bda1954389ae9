// Registration of the distributed exports (dist.cc): c10d process groups over Gloo.
#pragma once
#include <napi.h>

namespace dcgan {

// Adds distInfo, distCreate and the collectives to `exports`; without Gloo (DCGAN_WITH_GLOO unset), only
// distInfo, which says how to get it.
void InitDist(Napi::Env env, Napi::Object exports);

}  // namespace dcgan
