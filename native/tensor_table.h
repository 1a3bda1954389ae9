// The table of live native tensors: JavaScript holds an integer handle per tensor, which is either an
// at::Tensor or a lazy elementwise expression over other tensors (lazy.h) computed when first needed.
#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "lazy.h"

namespace dcgan {

// Owns every tensor that JavaScript can see. Handles are small non-negative integers, reused after
// release. Not thread-safe: it is only touched from the JavaScript thread.
class TensorTable {
 public:
  int32_t put(at::Tensor t);
  int32_t put(std::shared_ptr<Node> node);
  // The tensor behind a handle, computed first when it is a lazy expression, for reading during this call
  // (the backend may drop an evaluated expression's value between calls). Throws std::out_of_range naming
  // the handle when it is not live.
  const at::Tensor& read(int32_t id);
  // The same, kept for good: for code that may change it in place.
  const at::Tensor& get(int32_t id);
  // The node behind a handle, lazy or not.
  const std::shared_ptr<Node>& node(int32_t id) const;
  // Whether something besides this handle reads the tensor's values (another handle on the same node,
  // or a lazy expression): such a tensor must not be changed in place.
  bool shared(int32_t id) const;
  void release(int32_t id);
  size_t live() const { return live_; }
  // Bytes of tensor memory the live handles hold, lazy expressions' operands included.
  size_t bytes() const;
  // Handles whose value is an expression not evaluated (or evaluated, then dropped).
  size_t lazy() const;

  // A tensor that lazy expressions read was released by JavaScript: they now hold its memory alone.
  bool orphansPending() const { return orphans_; }
  // Commits, oldest first, the expressions that read a released tensor, so that its memory goes.
  void settleOrphans();

  static TensorTable& instance();

 private:
  std::vector<std::shared_ptr<Node>> slots_;
  std::vector<int32_t> free_;
  size_t live_ = 0;
  bool orphans_ = false;
};

}  // namespace dcgan
