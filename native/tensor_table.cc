// The table of live native tensors (see tensor_table.h).
#include "tensor_table.h"

#include <stdexcept>
#include <string>
#include <unordered_set>

namespace dcgan {

TensorTable& TensorTable::instance() {
  static TensorTable table;
  return table;
}

int32_t TensorTable::put(at::Tensor t) {
  int32_t id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
    slots_[id] = std::move(t);
    used_[id] = true;
  } else {
    id = static_cast<int32_t>(slots_.size());
    slots_.push_back(std::move(t));
    used_.push_back(true);
  }
  ++live_;
  return id;
}

const at::Tensor& TensorTable::get(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= slots_.size() || !used_[id]) {
    throw std::out_of_range("native tensor handle " + std::to_string(id) + " is not live");
  }
  return slots_[id];
}

void TensorTable::release(int32_t id) {
  if (id < 0 || static_cast<size_t>(id) >= slots_.size() || !used_[id]) {
    throw std::out_of_range("release of native tensor handle " + std::to_string(id) + " that is not live");
  }
  slots_[id] = at::Tensor();
  used_[id] = false;
  free_.push_back(id);
  --live_;
}

size_t TensorTable::bytes() const {
  // Views (reshapes) share storage with their base: count each storage once.
  std::unordered_set<const void*> seen;
  size_t total = 0;
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (!used_[i] || !slots_[i].defined()) continue;
    const c10::StorageImpl* storage = slots_[i].storage().unsafeGetStorageImpl();
    if (seen.insert(storage).second) total += storage->nbytes();
  }
  return total;
}

}  // namespace dcgan
