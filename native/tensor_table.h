// The table of live native tensors: JavaScript holds an integer handle per at::Tensor.
#pragma once
#include <ATen/ATen.h>
#include <cstdint>
#include <vector>

namespace dcgan {

// Owns every at::Tensor that JavaScript can see. Handles are small non-negative integers, reused after
// release. Not thread-safe: it is only touched from the JavaScript thread.
class TensorTable {
 public:
  int32_t put(at::Tensor t);
  // Throws std::out_of_range naming the handle when it is not live.
  const at::Tensor& get(int32_t id) const;
  void release(int32_t id);
  size_t live() const { return live_; }
  size_t bytes() const;

  static TensorTable& instance();

 private:
  std::vector<at::Tensor> slots_;
  std::vector<bool> used_;
  std::vector<int32_t> free_;
  size_t live_ = 0;
};

}  // namespace dcgan
