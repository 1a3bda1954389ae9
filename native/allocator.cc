// The CPU allocator ATen uses for tensors. Blocks of 1 MiB and more (DCGAN_ALLOC_MMAP_KB) come straight from
// mmap and go back to the system when freed, except for a cache of freed blocks reused by exact size, which
// saves the page faults (the kernel zeroing fresh pages) of a training step's repeating shapes. The cache
// holds at most what fits below the most memory ever live at once, plus DCGAN_ALLOC_CACHE_MB (default 4: 16
// measured 12 MB more peak RSS for stock tf.layers dcgan28 and no faster step): training reaches that peak
// every step anyway, so the cache adds next to nothing to the peak RSS.
// With glibc's malloc, freed tensor memory stays in fragments of its heap and a DCGAN step's peak RSS was
// about 40 % higher (bench/run.mjs prints it). Small blocks stay with ATen's default allocator.
// DCGAN_SYSTEM_ALLOCATOR=1 turns this allocator off.
#include <malloc.h>
#include <sys/mman.h>

#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include <cstdlib>
#include <algorithm>
#include <iterator>
#include <map>
#include <mutex>
#include <unordered_map>

#include "binding.h"

namespace dcgan {
namespace {

constexpr size_t kGranule = size_t(64) << 10;   // sizes rounded to 64 KiB

struct LargeBlocks {
  std::mutex mu;
  std::unordered_map<void*, size_t> sizes;      // live block -> mapped size
  std::multimap<size_t, void*> cache;           // freed blocks kept for reuse, by size
  size_t cached = 0;
  size_t cacheLimit = 0;                        // beyond the live peak
  size_t large = size_t(1) << 20;               // blocks from this size go to mmap
  size_t mapped = 0;                            // live and cached
  size_t peakMapped = 0;
  size_t peakLive = 0;
  size_t live() const { return mapped - cached; }
  // What may stay mapped: the live peak plus the cache's own allowance.
  size_t budget() const { return peakLive + cacheLimit; }
  // Unmaps cached blocks, largest first, until `need` more bytes fit in the budget (or none is left).
  void Evict(size_t need) {
    while (!cache.empty() && mapped + need > budget()) {
      auto it = std::prev(cache.end());
      munmap(it->second, it->first);
      mapped -= it->first;
      cached -= it->first;
      cache.erase(it);
    }
  }
};

LargeBlocks& Blocks() {
  static LargeBlocks* b = new LargeBlocks();    // never destroyed: tensors may be freed at exit
  return *b;
}

// Frees a block of either kind (ATen's raw_deallocate needs one deleter for all blocks).
void FreeAny(void* p) {
  if (p == nullptr) return;
  LargeBlocks& b = Blocks();
  std::lock_guard<std::mutex> lock(b.mu);
  auto it = b.sizes.find(p);
  if (it == b.sizes.end()) {
    c10::free_cpu(p);
    return;
  }
  size_t size = it->second;
  b.sizes.erase(it);
  if (b.mapped <= b.budget()) {
    b.cache.emplace(size, p);
    b.cached += size;
    return;
  }
  munmap(p, size);
  b.mapped -= size;
}

class DcganCpuAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t n) const override {
    if (n < Blocks().large) {
      void* p = c10::alloc_cpu(n);
      return {p, p, &FreeAny, c10::Device(c10::DeviceType::CPU)};
    }
    size_t size = (n + kGranule - 1) / kGranule * kGranule;
    LargeBlocks& b = Blocks();
    {
      std::lock_guard<std::mutex> lock(b.mu);
      auto it = b.cache.find(size);
      if (it != b.cache.end()) {
        void* p = it->second;
        b.cache.erase(it);
        b.cached -= size;
        b.sizes.emplace(p, size);
        b.peakLive = std::max(b.peakLive, b.live());
        return {p, p, &FreeAny, c10::Device(c10::DeviceType::CPU)};
      }
      b.Evict(size);
    }
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    madvise(p, size, MADV_HUGEPAGE);
    std::lock_guard<std::mutex> lock(b.mu);
    b.sizes.emplace(p, size);
    b.mapped += size;
    b.peakMapped = std::max(b.peakMapped, b.mapped);
    b.peakLive = std::max(b.peakLive, b.live());
    return {p, p, &FreeAny, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &FreeAny; }
};

DcganCpuAllocator allocator;

// allocatorStats(): {mappedBytes, cachedBytes, peakMappedBytes, peakLiveBytes, mallocBytes}: large blocks mapped
// now (live and cached), the cached part, the most ever mapped, the most ever live, and what glibc's malloc
// holds (small blocks).
Napi::Value AllocatorStats(const Napi::CallbackInfo& info) {
  LargeBlocks& b = Blocks();
  Napi::Object o = Napi::Object::New(info.Env());
  struct mallinfo2 mi = mallinfo2();
  std::lock_guard<std::mutex> lock(b.mu);
  o.Set("mappedBytes", static_cast<double>(b.mapped));
  o.Set("cachedBytes", static_cast<double>(b.cached));
  o.Set("peakMappedBytes", static_cast<double>(b.peakMapped));
  o.Set("peakLiveBytes", static_cast<double>(b.peakLive));
  o.Set("mallocBytes", static_cast<double>(mi.arena + mi.hblkhd));
  return o;
}

}  // namespace

void InitAllocator(Napi::Env env, Napi::Object exports) { Export(env, exports, "allocatorStats", AllocatorStats); }

void InstallAllocator() {
  const char* env = std::getenv("DCGAN_ALLOC_CACHE_MB");
  Blocks().cacheLimit = (env ? std::strtoull(env, nullptr, 10) : 4) << 20;
  if (const char* kb = std::getenv("DCGAN_ALLOC_MMAP_KB")) Blocks().large = std::strtoull(kb, nullptr, 10) << 10;
  if (const char* off = std::getenv("DCGAN_SYSTEM_ALLOCATOR"); off && off[0] == '1') return;
  c10::SetCPUAllocator(&allocator, /*priority=*/10);
}

}  // namespace dcgan
