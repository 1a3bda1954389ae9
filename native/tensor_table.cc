// The table of live native tensors (see tensor_table.h).
#include "tensor_table.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <unordered_set>

namespace dcgan {

namespace {
std::out_of_range NotLive(int32_t id, const char* what) {
  return std::out_of_range(std::string(what) + "native tensor handle " + std::to_string(id) + " that is not live");
}
}  // namespace

TensorTable& TensorTable::instance() {
  static TensorTable table;
  return table;
}

int32_t TensorTable::put(at::Tensor t) { return put(Leaf(std::move(t))); }

int32_t TensorTable::put(std::shared_ptr<Node> node) {
  ++node->handles;
  int32_t id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
    slots_[id] = std::move(node);
  } else {
    id = static_cast<int32_t>(slots_.size());
    slots_.push_back(std::move(node));
  }
  ++live_;
  return id;
}

const std::shared_ptr<Node>& TensorTable::node(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= slots_.size() || !slots_[id]) throw NotLive(id, "use of ");
  return slots_[id];
}

const at::Tensor& TensorTable::read(int32_t id) { return Materialize(*node(id)); }

const at::Tensor& TensorTable::get(int32_t id) { return Commit(*node(id)); }

bool TensorTable::shared(int32_t id) const {
  const std::shared_ptr<Node>& n = node(id);
  // This slot's reference, plus one per handle beyond this one and one per expression reading it.
  return n.use_count() > 1 || n->handles > 1;
}

void TensorTable::release(int32_t id) {
  if (id < 0 || static_cast<size_t>(id) >= slots_.size() || !slots_[id]) throw NotLive(id, "release of ");
  std::shared_ptr<Node>& n = slots_[id];
  --n->handles;
  // Expressions still read it: their values keep its memory alive until they are evaluated.
  if (n->handles == 0 && n.use_count() > 1 && n->operands.empty() && !n->lazy() &&
      n->value.storage().nbytes() >= static_cast<size_t>(LazyMinElements()) * 4) {
    orphans_ = true;
    if (LazyDebug()) fprintf(stderr, "lazy: released %s read by %ld expressions\n", c10::str(n->value.sizes()).c_str(), n.use_count() - 1);
  }
  n.reset();
  free_.push_back(id);
  --live_;
}

void TensorTable::settleOrphans() {
  orphans_ = false;
  auto t0 = std::chrono::steady_clock::now();
  std::vector<Node*> exprs;
  for (const auto& n : slots_) {
    if (n && !n->operands.empty()) exprs.push_back(n.get());
  }
  // Oldest first: committing an expression also frees the later ones that read it of the released tensor.
  std::sort(exprs.begin(), exprs.end(), [](const Node* a, const Node* b) { return a->serial < b->serial; });
  for (Node* n : exprs) {
    if (!n->operands.empty() && HoldsReleasedTensor(*n)) {
      if (LazyDebug()) fprintf(stderr, "lazy: settled %s%s\n", c10::str(n->shape).c_str(), n->lazy() ? "" : " (evaluated)");
      if (n->lazy()) ++Stats().settled;
      Commit(*n);
    }
  }
  Stats().settleMs += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

size_t TensorTable::bytes() const {
  // Views (reshapes) share storage with their base: count each storage once.
  std::unordered_set<const void*> seen;
  size_t total = 0;
  std::vector<const Node*> stack;
  for (const auto& n : slots_) {
    if (n) stack.push_back(n.get());
  }
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    for (const auto& o : n->operands) stack.push_back(o.get());
    if (n->lazy()) continue;
    const c10::StorageImpl* storage = n->value.storage().unsafeGetStorageImpl();
    if (seen.insert(storage).second) total += storage->nbytes();
  }
  return total;
}

size_t TensorTable::lazy() const {
  size_t count = 0;
  for (const auto& n : slots_) {
    if (n && n->lazy()) ++count;
  }
  return count;
}

}  // namespace dcgan
