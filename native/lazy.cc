// Lazy elementwise expressions (see lazy.h): building them, and evaluating or reducing them block by block
// on all cores with a small interpreter: per block, each node is one loop over float32 buffers that stay
// in cache, or one ATen call on them for ops without a loop here.
#include "lazy.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <stdexcept>
#include <unordered_map>

namespace dcgan {
namespace {

// An expression grows by one node per kernel; past this its operands are evaluated (bounds the work of
// evaluating it and the tensors it keeps alive).
constexpr int64_t kMaxNodes = 48;
// Small tensors are still cut into this many blocks, so that every core gets some.
constexpr int64_t kMinBlocks = 16;

int64_t EnvInt(const char* name, int64_t dflt) {
  const char* env = std::getenv(name);
  return env ? std::max<int64_t>(1, std::strtoll(env, nullptr, 10)) : dflt;
}

bool enabled = [] {
  const char* env = std::getenv("DCGAN_LAZY");
  return !(env && env[0] == '0');
}();
const int64_t lazyMin = EnvInt("DCGAN_LAZY_MIN_ELEMENTS", 32768);
// Elements per block: 16384 float32 values (64 KiB) per buffer keep a block's few live buffers in L2.
const int64_t blockElements = EnvInt("DCGAN_LAZY_BLOCK", 16384);
// The two most recently evaluated values are always kept (the two kernels of a convolution's gradient read
// the same dy one after the other); older ones up to this many bytes, beyond which they are dropped and
// computed again if read again: memory TF.js's tape would otherwise hold until the backward pass ends.
constexpr size_t kKeepRecent = 2;
const int64_t cacheBytes = [] {
  const char* env = std::getenv("DCGAN_LAZY_CACHE_MB");
  return (env ? std::max<int64_t>(0, std::strtoll(env, nullptr, 10)) : int64_t(8)) << 20;
}();
// Evaluated expressions that still have their operands, oldest first (and some entries since gone), and
// the bytes of their values.
std::deque<std::weak_ptr<Node>>& Evaluated() {
  static std::deque<std::weak_ptr<Node>> list;
  return list;
}
size_t cachedBytes = 0;

// The node's value no longer counts as droppable (committed, dropped or destroyed).
void Uncache(Node& n) {
  cachedBytes -= n.cacheBytes;
  n.cacheBytes = 0;
}
const bool debug = [] {
  const char* env = std::getenv("DCGAN_LAZY_DEBUG");
  return env && env[0] == '1';
}();
uint64_t nextSerial = 1;

int64_t Numel(at::IntArrayRef shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

at::IntArrayRef StripLeadingOnes(at::IntArrayRef s) {
  size_t i = 0;
  while (i < s.size() && s[i] == 1) ++i;
  return s.slice(i);
}

// How a result of `shape` is cut into blocks: dims 0..k-1 one index at a time, dim k in runs of `run`,
// dims after k whole. A block is then a contiguous range of the result's elements.
struct Plan {
  std::vector<int64_t> shape;
  int64_t k = 0;
  int64_t run = 1;
  int64_t runs = 1;
  int64_t count = 1;
  int64_t inner = 1;   // elements of dims after k
  std::vector<int64_t> strides;

  explicit Plan(at::IntArrayRef s) : shape(s.vec()) {
    const int64_t rank = static_cast<int64_t>(shape.size());
    strides.assign(rank, 1);
    for (int64_t d = rank - 2; d >= 0; --d) strides[d] = strides[d + 1] * shape[d + 1];
    const int64_t numel = Numel(shape);
    if (numel == 0 || rank == 0) {
      // Nothing to cut: no block at all, or one (a scalar).
      k = -1;
      count = numel;
      return;
    }
    const int64_t target = std::max<int64_t>(1, std::min(blockElements, numel / kMinBlocks));
    inner = numel;
    for (k = 0; k < rank; ++k) {
      inner /= shape[k];
      if (inner <= target || k == rank - 1) break;
    }
    run = std::min(shape[k], std::max<int64_t>(1, target / inner));
    runs = (shape[k] + run - 1) / run;
    count = runs;
    for (int64_t d = 0; d < k; ++d) count *= shape[d];
  }

  int64_t maxLen() const { return k < 0 ? 1 : run * inner; }

  // Block c's start and length in dims 0..k; returns its offset in the result's elements.
  int64_t block(int64_t c, int64_t* start, int64_t* len) const {
    if (k < 0) return 0;
    int64_t r = c % runs;
    c /= runs;
    start[k] = r * run;
    len[k] = std::min(run, shape[k] - start[k]);
    for (int64_t d = k - 1; d >= 0; --d) {
      start[d] = c % shape[d];
      len[d] = 1;
      c /= shape[d];
    }
    int64_t offset = 0;
    for (int64_t d = 0; d <= k; ++d) offset += start[d] * strides[d];
    return offset;
  }
};

// How the interpreter reads a tensor operand.
enum class Source : uint8_t {
  kDirect,   // contiguous float32 of the result's shape: a block is a pointer into it
  kFilled,   // the same values in every block (a scalar, or a trailing pattern that divides the block)
  kGather,   // anything else: copied into a buffer block by block (ATen: broadcast, dtype conversion)
};

struct Operand {
  const Node* node;
  Source source;
  int buffer = -1;
  at::Tensor value;          // as seen against the result's shape (leading 1s beyond its rank dropped)
  const float* base = nullptr;
};

struct Step {
  const Node* node;
  std::vector<int> in;       // value slots
  int buffer = -1;           // -1: the result itself (the root of a materialisation)
  bool constant = false;     // reads only values that are the same in every block: computed once
};

// A value slot: an operand (>= 0 index into operands) or a step's result (index into steps).
struct Slot {
  bool operand;
  int index;
};

// The loops are vectorised (O3), for AVX2 where the CPU has it and SSE2 elsewhere (chosen at load).
// Neither contracts a * b + c into an FMA, so results do not depend on the machine. Floating-point
// exceptions are not trapped, so that the selects vectorise as blends. (Square roots stay with ATen,
// whose loops are vectorised: GCC vectorises sqrtf only with -fno-math-errno on the command line.)
#pragma GCC push_options
#pragma GCC optimize("O3", "no-trapping-math")
__attribute__((target_clones("avx2", "default")))
void FastLoop(FastOp op, float param, const float* const* in, float* __restrict out, int64_t n) {
  const float* __restrict a = in[0];
  switch (op) {
    case FastOp::kAdd: { const float* __restrict b = in[1]; for (int64_t i = 0; i < n; ++i) out[i] = a[i] + b[i]; break; }
    case FastOp::kSub: { const float* __restrict b = in[1]; for (int64_t i = 0; i < n; ++i) out[i] = a[i] - b[i]; break; }
    case FastOp::kMul: { const float* __restrict b = in[1]; for (int64_t i = 0; i < n; ++i) out[i] = a[i] * b[i]; break; }
    case FastOp::kDiv: { const float* __restrict b = in[1]; for (int64_t i = 0; i < n; ++i) out[i] = a[i] / b[i]; break; }
    case FastOp::kMaximum: {
      // A NaN on either side wins, as at::maximum.
      const float* __restrict b = in[1];
      for (int64_t i = 0; i < n; ++i) {
        const float x = a[i], y = b[i];
        out[i] = x != x ? x : y != y ? y : (x > y ? x : y);
      }
      break;
    }
    case FastOp::kMinimum: {
      const float* __restrict b = in[1];
      for (int64_t i = 0; i < n; ++i) {
        const float x = a[i], y = b[i];
        out[i] = x != x ? x : y != y ? y : (x < y ? x : y);
      }
      break;
    }
    case FastOp::kSquaredDifference: {
      const float* __restrict b = in[1];
      for (int64_t i = 0; i < n; ++i) {
        float d = a[i] - b[i];
        out[i] = d * d;
      }
      break;
    }
    case FastOp::kNeg: for (int64_t i = 0; i < n; ++i) out[i] = -a[i]; break;
    case FastOp::kAbs: for (int64_t i = 0; i < n; ++i) out[i] = __builtin_fabsf(a[i]); break;
    case FastOp::kSquare: for (int64_t i = 0; i < n; ++i) out[i] = a[i] * a[i]; break;
    // Every value is loaded (and computed) whatever the branch, so that the selects vectorise as blends.
    // As at::relu (clamp_min(x, 0)): NaN stays NaN and -0 stays -0.
    case FastOp::kRelu:
      for (int64_t i = 0; i < n; ++i) {
        const float v = a[i];
        out[i] = v < 0 ? 0.0f : v;
      }
      break;
    case FastOp::kLeakyRelu:
      for (int64_t i = 0; i < n; ++i) {
        const float v = a[i], w = v * param;
        out[i] = v > 0 ? v : w;
      }
      break;
    case FastOp::kLeakyReluGrad: {
      // (dy, x): at::threshold_backward (alpha 0: x <= 0 gives 0) or at::leaky_relu_backward.
      const float* __restrict x = in[1];
      if (param == 0) {
        for (int64_t i = 0; i < n; ++i) {
          const float g = a[i];
          out[i] = x[i] <= 0 ? 0.0f : g;
        }
      } else {
        for (int64_t i = 0; i < n; ++i) {
          const float g = a[i], w = g * param;
          out[i] = x[i] > 0 ? g : w;
        }
      }
      break;
    }
    case FastOp::kAddcmul: {
      const float* __restrict s = in[1];
      const float* __restrict t = in[2];
      for (int64_t i = 0; i < n; ++i) out[i] = t[i] + a[i] * s[i];
      break;
    }
    case FastOp::kSelect: {
      const float* __restrict x = in[1];
      const float* __restrict y = in[2];
      for (int64_t i = 0; i < n; ++i) {
        const float c = a[i], p = x[i], q = y[i];
        out[i] = c != 0 ? p : q;
      }
      break;
    }
    case FastOp::kNone:
    case FastOp::kIdentity:
      throw std::logic_error("FastLoop called for an op without a loop");
  }
}
// acc[j] += sum over rows r of v[r * width + j], in double precision.
__attribute__((target_clones("avx2", "default")))
void AddRows(const float* v, int64_t rows, int64_t width, double* acc) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = v + r * width;
    for (int64_t j = 0; j < width; ++j) acc[j] += row[j];
  }
}
#pragma GCC pop_options

// An expression compiled for the interpreter: its operands, and its nodes in an order that computes
// each after its operands, with buffers reused once a value's last reader has run.
class Program {
 public:
  // One root, which may be computed straight into the result (rootInPlace), or several (reductions).
  Program(const std::vector<const Node*>& roots, const Plan& plan, bool rootInPlace) : plan_(plan) {
    for (const Node* r : roots) roots_.push_back(Compile(r));
    if (steps_.empty() || roots_.size() != 1) rootInPlace = false;
    AssignBuffers(rootInPlace);
  }

  // Steps computed block by block (the constant ones run once per thread).
  int64_t ops() const {
    return std::count_if(steps_.begin(), steps_.end(), [](const Step& st) { return !st.constant; });
  }
  int64_t slowOps() const {
    int64_t n = 0;
    for (const Step& st : steps_) n += !st.constant && st.node->op == FastOp::kNone;
    return n;
  }
  int64_t gathers() const {
    int64_t n = 0;
    for (const Operand& o : operands_) n += o.source == Source::kGather;
    return n;
  }
  // For DCGAN_LAZY_DEBUG: what the program reads and computes.
  std::string Describe() const {
    std::string s;
    for (const Operand& o : operands_) {
      s += o.source == Source::kDirect ? "direct" : o.source == Source::kFilled ? "filled" : "gather";
      s += c10::str(o.value.sizes()) + (o.value.is_contiguous() ? "" : "nc") + " ";
    }
    s += "| ";
    for (const Step& st : steps_) s += std::to_string(static_cast<int>(st.node->op)) + " ";
    return s;
  }

  // Runs blocks [begin, end) on this thread. With `out` (one root), the root's values go straight into
  // it (the result's elements). `emit(values, offset, len, start, lens, blockShape)` then sees each block's
  // root values (one pointer per root).
  template <class Emit>
  void Run(int64_t begin, int64_t end, float* out, Emit emit) const {
    const int64_t maxLen = plan_.maxLen();
    std::vector<float> pool(static_cast<size_t>(std::max(1, buffers_)) * maxLen);
    auto buffer = [&](int b) { return pool.data() + static_cast<size_t>(b) * maxLen; };
    const int64_t k = plan_.k;
    std::vector<int64_t> start(std::max<int64_t>(k + 1, 1)), len(std::max<int64_t>(k + 1, 1));
    std::vector<int64_t> blockShape = plan_.shape;
    // Values that are the same in every block.
    for (const Operand& o : operands_) {
      if (o.source != Source::kFilled) continue;
      float* dst = buffer(o.buffer);
      const at::Tensor v = o.value.contiguous();
      const float* src = v.data_ptr<float>();
      const int64_t period = v.numel();
      for (int64_t i = 0; i < maxLen; ++i) dst[i] = src[i % period];
    }
    std::vector<const float*> slot(slots_.size());
    std::vector<const float*> in;
    std::vector<const float*> results(roots_.size());
    for (size_t s = 0; s < slots_.size(); ++s) {
      if (slots_[s].operand && operands_[slots_[s].index].source == Source::kFilled) slot[s] = buffer(operands_[slots_[s].index].buffer);
    }
    // Steps that read only such values: once, for a whole block's length (the same pattern in every block).
    for (size_t i = 0; i < steps_.size(); ++i) {
      if (!steps_[i].constant) continue;
      Compute(steps_[i], slot, in, buffer(steps_[i].buffer), maxLen);
      slot[stepSlot_[i]] = buffer(steps_[i].buffer);
    }
    for (int64_t c = begin; c < end; ++c) {
      const int64_t offset = plan_.block(c, start.data(), len.data());
      const int64_t n = k < 0 ? 1 : len[k] * plan_.inner;
      for (int64_t d = 0; d <= k; ++d) blockShape[d] = len[d];
      for (size_t s = 0; s < slots_.size(); ++s) {
        if (!slots_[s].operand) continue;
        const Operand& o = operands_[slots_[s].index];
        if (o.source == Source::kDirect) {
          slot[s] = o.base + offset;
        } else if (o.source == Source::kGather) {
          float* dst = buffer(o.buffer);
          at::from_blob(dst, blockShape, at::TensorOptions().dtype(at::kFloat)).copy_(Cut(o.value, start.data(), len.data()));
          slot[s] = dst;
        }
      }
      for (size_t i = 0; i < steps_.size(); ++i) {
        const Step& st = steps_[i];
        if (st.constant) continue;
        float* dst = st.buffer < 0 ? out + offset : buffer(st.buffer);
        Compute(st, slot, in, dst, n);
        slot[stepSlot_[i]] = dst;
      }
      for (size_t r = 0; r < roots_.size(); ++r) results[r] = slot[roots_[r]];
      if (out != nullptr) {
        if (results[0] != out + offset) std::memcpy(out + offset, results[0], static_cast<size_t>(n) * sizeof(float));
        results[0] = out + offset;
      }
      emit(results, offset, n, start.data(), len.data(), blockShape);
    }
  }

 private:
  // One step on n elements: its loop, or its ATen op on the buffers.
  static void Compute(const Step& st, const std::vector<const float*>& slot, std::vector<const float*>& in, float* dst, int64_t n) {
    in.clear();
    for (int s : st.in) in.push_back(slot[s]);
    if (st.node->op != FastOp::kNone) {
      FastLoop(st.node->op, st.node->param, in.data(), dst, n);
      return;
    }
    std::vector<at::Tensor> args;
    for (const float* p : in) args.push_back(at::from_blob(const_cast<float*>(p), {n}, at::TensorOptions().dtype(at::kFloat)));
    at::from_blob(dst, {n}, at::TensorOptions().dtype(at::kFloat)).copy_(st.node->fn(args));
  }

  // The block of v (aligned from the right with the result) broadcast to the block's shape.
  at::Tensor Cut(const at::Tensor& v, const int64_t* start, const int64_t* len) const {
    at::Tensor t = v;
    const int64_t offset = t.dim() - static_cast<int64_t>(plan_.shape.size());
    std::vector<int64_t> shape = plan_.shape;
    for (int64_t d = 0; d <= plan_.k; ++d) {
      shape[d] = len[d];
      int64_t nd = d + offset;
      if (nd < 0 || t.size(nd) == 1) continue;
      t = t.narrow(nd, start[d], len[d]);
    }
    return t.expand(shape);
  }

  int Compile(const Node* n) {
    auto it = slotOf_.find(n);
    if (it != slotOf_.end()) return it->second;
    int s;
    if (!n->lazy() || n->barrier()) {
      // A reduction or reshape is not elementwise: it is evaluated before the program is made (PrepareOperands).
      if (n->lazy()) throw std::logic_error("a lazy reduction or reshape inside an expression was not evaluated first");
      s = AddOperand(n);
    } else if (n->op == FastOp::kIdentity) {
      s = Compile(n->operands[0].get());
    } else {
      Step st{n, {}, -1};
      for (const auto& o : n->operands) st.in.push_back(Compile(o.get()));
      steps_.push_back(std::move(st));
      s = static_cast<int>(slots_.size());
      slots_.push_back({false, static_cast<int>(steps_.size()) - 1});
      stepSlot_.push_back(s);
    }
    slotOf_[n] = s;
    return s;
  }

  int AddOperand(const Node* n) {
    Operand o;
    o.node = n;
    o.source = Source::kGather;
    const int64_t rank = static_cast<int64_t>(plan_.shape.size());
    at::Tensor v = n->value;
    // Leading 1s beyond the result's rank (a view that dropped them) go.
    if (v.dim() > rank) v = v.reshape(v.sizes().slice(v.dim() - rank));
    // A broadcast (stride 0: Tile of 1s, BroadcastTo, Fill) is read as the tensor it repeats.
    for (int64_t d = 0; d < v.dim(); ++d) {
      if (v.stride(d) == 0 && v.size(d) > 1) v = v.narrow(d, 0, 1);
    }
    o.value = v;
    const bool isFloat = v.scalar_type() == at::kFloat;
    if (isFloat && v.is_contiguous() && StripLeadingOnes(v.sizes()) == StripLeadingOnes(plan_.shape)) {
      o.source = Source::kDirect;
      o.base = v.data_ptr<float>();
    } else if (isFloat && v.numel() == 1) {
      o.source = Source::kFilled;
    } else if (isFloat && v.is_contiguous() && plan_.k >= 0) {
      // A trailing pattern: 1s, then exactly the result's last dims, all after the cut dims, so that every
      // block starts at a multiple of its period.
      const int64_t offset = rank - v.dim();
      int64_t j = offset;
      while (j < rank && v.size(j - offset) == 1) ++j;
      bool trailing = j > plan_.k;
      for (int64_t d = j; d < rank && trailing; ++d) trailing = v.size(d - offset) == plan_.shape[d];
      if (trailing) o.source = Source::kFilled;
    }
    operands_.push_back(std::move(o));
    int s = static_cast<int>(slots_.size());
    slots_.push_back({true, static_cast<int>(operands_.size()) - 1});
    return s;
  }

  void AssignBuffers(bool rootInPlace) {
    for (Operand& o : operands_) {
      if (o.source != Source::kDirect) o.buffer = buffers_++;
    }
    // Steps whose inputs are all the same in every block are constant, and keep their buffers.
    std::vector<bool> constant(slots_.size(), false);
    for (size_t s = 0; s < slots_.size(); ++s) {
      constant[s] = slots_[s].operand && operands_[slots_[s].index].source == Source::kFilled;
    }
    for (size_t i = 0; i < steps_.size(); ++i) {
      Step& st = steps_[i];
      st.constant = std::all_of(st.in.begin(), st.in.end(), [&](int s) { return constant[s]; });
      constant[stepSlot_[i]] = st.constant;
      if (st.constant) st.buffer = buffers_++;
    }
    // The last step reading each slot.
    std::vector<int> lastUse(slots_.size(), -1);
    for (size_t i = 0; i < steps_.size(); ++i) {
      for (int s : steps_[i].in) lastUse[s] = static_cast<int>(i);
    }
    for (int r : roots_) lastUse[r] = std::numeric_limits<int>::max();
    std::vector<int> freeBuffers;
    for (size_t i = 0; i < steps_.size(); ++i) {
      Step& st = steps_[i];
      if (st.constant) continue;
      if (rootInPlace && stepSlot_[i] == roots_[0]) {
        st.buffer = -1;
      } else if (!freeBuffers.empty()) {
        st.buffer = freeBuffers.back();
        freeBuffers.pop_back();
      } else {
        st.buffer = buffers_++;
      }
      // Then operands read for the last time free their buffers: a loop never writes where it reads (its
      // pointers are __restrict, which lets it vectorise without overlap checks).
      for (int s : st.in) {
        if (!slots_[s].operand && !constant[s] && lastUse[s] == static_cast<int>(i)) {
          int b = steps_[slots_[s].index].buffer;
          if (b >= 0 && std::find(freeBuffers.begin(), freeBuffers.end(), b) == freeBuffers.end()) freeBuffers.push_back(b);
        }
      }
    }
  }

  const Plan& plan_;
  std::vector<Operand> operands_;
  std::vector<Step> steps_;
  std::vector<int> stepSlot_;
  std::vector<Slot> slots_;
  std::unordered_map<const Node*, int> slotOf_;
  std::vector<int> roots_;
  int buffers_ = 0;
};

// Adds the time until its destruction to a counter.
class Timer {
 public:
  explicit Timer(double& ms) : ms_(ms), t0_(std::chrono::steady_clock::now()) {}
  ~Timer() { ms_ += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0_).count(); }

 private:
  double& ms_;
  std::chrono::steady_clock::time_point t0_;
};

// Reductions not evaluated yet, oldest first.
std::deque<std::weak_ptr<Node>>& Pending() {
  static std::deque<std::weak_ptr<Node>> list;
  return list;
}

// Whether an expression reads a reduction not evaluated yet (directly, or through a reshape).
bool ReadsPendingReduction(const Node& n) {
  for (const auto& o : n.operands) {
    if (!o->lazy()) continue;
    if (o->reduction() || ReadsPendingReduction(*o)) return true;
  }
  return false;
}

// Evaluates the reductions and reshapes an expression reads: they are operands of its program, not
// computed block by block.
void PrepareOperands(const Node& n) {
  // A copy: evaluating a reduction may evaluate others with it and let go of their operands.
  const std::vector<std::shared_ptr<Node>> operands = n.operands;
  for (const auto& o : operands) {
    if (!o->lazy()) continue;
    if (o->barrier()) Materialize(*o);
    else PrepareOperands(*o);
  }
}

// One reduction of a pass: where its input's block values go.
struct ReductionJob {
  Node* node;
  std::vector<bool> reduced;
  std::vector<int64_t> dims, keepShape;
  int64_t count = 1;                           // elements summed into each result
  bool rows = false;                           // the row loop (reduced dims lead, kept dims trail after the cut)
  int64_t width = 1;                           // kept elements per row
  std::vector<std::vector<double>> sums;       // per thread (rows)
  std::vector<at::Tensor> acc;                 // per thread (otherwise)
};

// Evaluates `target` and every other pending reduction of an expression of the same shape that reads no
// pending reduction itself, in one pass over the blocks of their expressions.
void EvaluateReductions(Node& target) {
  const std::vector<int64_t> inputShape = target.operands[0]->shape;
  std::vector<std::shared_ptr<Node>> batch{target.shared_from_this()};
  for (const auto& w : Pending()) {
    auto r = w.lock();
    if (!r || r.get() == &target || !r->lazy() || r->operands[0]->shape != inputShape) continue;
    const Node& input = *r->operands[0];
    if (!(input.lazy() && input.barrier()) && !ReadsPendingReduction(input)) batch.push_back(r);
  }
  // Reductions the target's expression reads are evaluated first (each with its own batch).
  for (const auto& r : batch) {
    if (!r->lazy()) continue;  // evaluated meanwhile, with another batch
    const std::shared_ptr<Node> input = r->operands[0];
    if (input->lazy() && input->barrier()) Materialize(*input);
    else if (input->lazy()) PrepareOperands(*input);
  }
  batch.erase(std::remove_if(batch.begin(), batch.end(), [](const std::shared_ptr<Node>& r) { return !r->lazy(); }), batch.end());
  if (batch.empty()) return;
  Timer timer(Stats().evaluateMs);
  Plan plan(inputShape);
  const int64_t rank = static_cast<int64_t>(inputShape.size());
  const int threads = std::max(1, at::get_num_threads());
  std::vector<ReductionJob> jobs;
  std::vector<const Node*> roots;
  for (const auto& r : batch) {
    ReductionJob j;
    j.node = r.get();
    j.reduced.assign(rank, false);
    for (int64_t a : r->axes) j.reduced[a] = true;
    j.keepShape = inputShape;
    for (int64_t d = 0; d < rank; ++d) {
      if (!j.reduced[d]) continue;
      j.count *= inputShape[d];
      j.keepShape[d] = 1;
      j.dims.push_back(d);
    }
    int64_t firstKept = rank;
    for (int64_t d = rank - 1; d >= 0 && !j.reduced[d]; --d) firstKept = d;
    j.rows = plan.count > 0 && firstKept > plan.k;
    for (int64_t d = 0; d < firstKept && j.rows; ++d) j.rows = j.reduced[d];
    j.width = Numel(at::IntArrayRef(inputShape).slice(firstKept));
    if (j.rows) j.sums.resize(threads);
    else j.acc.resize(threads);
    jobs.push_back(std::move(j));
    roots.push_back(r->operands[0].get());
  }
  if (plan.count > 0) {
    Program program(roots, plan, /*rootInPlace=*/false);
    at::parallel_for(0, plan.count, 1, [&](int64_t begin, int64_t end) {
      const int t = at::get_thread_num();
      for (ReductionJob& j : jobs) {
        if (j.rows && j.sums[t].empty()) j.sums[t].assign(j.width, 0.0);
        if (!j.rows && !j.acc[t].defined()) j.acc[t] = at::zeros(j.keepShape, at::TensorOptions().dtype(at::kFloat));
      }
      program.Run(begin, end, nullptr, [&](const std::vector<const float*>& values, int64_t, int64_t n, const int64_t* start,
                                           const int64_t* len, const std::vector<int64_t>& blockShape) {
        for (size_t k = 0; k < jobs.size(); ++k) {
          ReductionJob& j = jobs[k];
          if (j.rows) {
            AddRows(values[k], n / j.width, j.width, j.sums[t].data());
            continue;
          }
          at::Tensor v = at::from_blob(const_cast<float*>(values[k]), blockShape, at::TensorOptions().dtype(at::kFloat));
          at::Tensor dst = j.acc[t];
          for (int64_t d = 0; d <= plan.k; ++d) {
            if (!j.reduced[d]) dst = dst.narrow(d, start[d], len[d]);
          }
          dst.add_(at::sum(v, j.dims, /*keepdim=*/true));
        }
      });
    });
    Stats().blocks += plan.count;
    Stats().blockOps += plan.count * program.ops();
    Stats().slowOps += plan.count * program.slowOps();
    Stats().gathers += plan.count * program.gathers();
    if (debug) fprintf(stderr, "lazy: %s %zu reductions %s\n", c10::str(inputShape).c_str(), jobs.size(), program.Describe().c_str());
  }
  for (ReductionJob& j : jobs) {
    at::Tensor out;
    if (j.rows) {
      std::vector<double> total(j.width, 0.0);
      for (const auto& t : j.sums) {
        for (size_t i = 0; i < t.size(); ++i) total[i] += t[i];
      }
      out = at::empty(j.keepShape, at::TensorOptions().dtype(at::kFloat));
      float* o = out.data_ptr<float>();
      for (int64_t i = 0; i < j.width; ++i) o[i] = static_cast<float>(j.node->mean ? total[i] / static_cast<double>(j.count) : total[i]);
    } else {
      for (const at::Tensor& a : j.acc) {
        if (a.defined()) out = out.defined() ? out.add_(a) : a;
      }
      if (!out.defined()) out = at::zeros(j.keepShape, at::TensorOptions().dtype(at::kFloat));
      if (j.node->mean) out.div_(static_cast<double>(j.count));
    }
    // A small result: kept for good, its expression let go.
    j.node->value = out.reshape(j.node->shape);
    j.node->operands.clear();
    ++Stats().reductions;
  }
  ++Stats().reductionPasses;
  auto& pending = Pending();
  pending.erase(std::remove_if(pending.begin(), pending.end(), [](const std::weak_ptr<Node>& w) {
    auto r = w.lock();
    return !r || !r->lazy();
  }), pending.end());
}

int64_t TreeSize(const std::vector<std::shared_ptr<Node>>& operands) {
  int64_t size = 1;
  for (const auto& o : operands) size += o->lazy() ? o->size : 1;
  return size;
}

}  // namespace

int64_t LazyMinElements() { return lazyMin; }

int64_t Node::numel() const { return Numel(shape); }

std::shared_ptr<Node> Leaf(at::Tensor t) {
  auto n = std::make_shared<Node>();
  n->shape = t.sizes().vec();
  n->value = std::move(t);
  n->serial = nextSerial++;
  return n;
}

bool WantLazy(std::initializer_list<const Node*> operands, at::IntArrayRef shape) {
  if (!enabled || Numel(shape) < lazyMin) return false;
  for (const Node* o : operands) {
    if (o->dtype() != at::kFloat) return false;
  }
  return true;
}

std::shared_ptr<Node> Lazy(LazyFn fn, std::vector<std::shared_ptr<Node>> operands, std::vector<int64_t> shape, FastOp op,
                           float param) {
  if (TreeSize(operands) > kMaxNodes) {
    if (debug) fprintf(stderr, "lazy: tree of %lld nodes, operands evaluated\n", (long long)TreeSize(operands));
    for (auto& o : operands) Materialize(*o);
  }
  auto n = std::make_shared<Node>();
  n->fn = std::move(fn);
  n->op = op;
  n->param = param;
  n->size = TreeSize(operands);
  n->operands = std::move(operands);
  n->shape = std::move(shape);
  n->serial = nextSerial++;
  ++Stats().expressions;
  return n;
}

bool SameUpToLeadingOnes(at::IntArrayRef a, at::IntArrayRef b) { return StripLeadingOnes(a) == StripLeadingOnes(b); }

std::shared_ptr<Node> LazyView(const std::shared_ptr<Node>& n, std::vector<int64_t> shape) {
  if (!SameUpToLeadingOnes(n->shape, shape)) throw std::invalid_argument("a lazy view may only add or drop leading 1s");
  // Shapes align from the right, so the operand's blocks are the view's blocks: the identity does.
  return Lazy([](const std::vector<at::Tensor>& a) { return a[0]; }, {n}, std::move(shape), FastOp::kIdentity);
}

namespace {

// The value of an elementwise expression, computed (not stored in the node).
at::Tensor EvaluateElementwise(Node& n) {
  PrepareOperands(n);
  Timer timer(Stats().evaluateMs);
  Plan plan(n.shape);
  at::Tensor out = at::empty(n.shape, at::TensorOptions().dtype(at::kFloat));
  if (plan.count > 0) {
    Program program({&n}, plan, /*rootInPlace=*/true);
    float* base = out.data_ptr<float>();
    at::parallel_for(0, plan.count, 1, [&](int64_t begin, int64_t end) {
      program.Run(begin, end, base, [](const std::vector<const float*>&, int64_t, int64_t, const int64_t*, const int64_t*,
                                       const std::vector<int64_t>&) {});
    });
    Stats().blocks += plan.count;
    Stats().blockOps += plan.count * program.ops();
    Stats().slowOps += plan.count * program.slowOps();
    Stats().gathers += plan.count * program.gathers();
    if (debug) fprintf(stderr, "lazy: %s %s\n", c10::str(n.shape).c_str(), program.Describe().c_str());
  }
  return out;
}

// A node's value without storing it in the node when it is lazy.
at::Tensor Evaluate(Node& n) {
  if (!n.lazy()) return n.value;
  if (n.reduction()) return Materialize(n);  // small, and evaluated with the other pending reductions
  if (n.view) return Evaluate(*n.operands[0]).reshape(n.shape);
  return EvaluateElementwise(n);
}

}  // namespace

const at::Tensor& Materialize(Node& n) {
  if (!n.lazy()) return n.value;
  if (n.reduction()) {
    EvaluateReductions(n);
    return n.value;
  }
  // A reshape shares its operand's memory when the operand is stored; otherwise it owns what it computed.
  const bool owns = !n.view || n.operands[0]->lazy();
  n.value = Evaluate(n);
  ++Stats().evaluated;
  n.cacheBytes = owns ? n.value.nbytes() : 0;
  cachedBytes += n.cacheBytes;
  Evaluated().push_back(n.weak_from_this());
  return n.value;
}

std::shared_ptr<Node> LazyReshape(std::shared_ptr<Node> x, std::vector<int64_t> shape) {
  auto n = std::make_shared<Node>();
  n->operands = {std::move(x)};
  n->view = true;
  n->shape = std::move(shape);
  n->serial = nextSerial++;
  ++Stats().expressions;
  return n;
}

const at::Tensor& Commit(Node& n) {
  Materialize(n);
  Uncache(n);
  n.fn = nullptr;
  n.operands.clear();
  return n.value;
}

Node::~Node() { Uncache(*this); }

void TrimCache() {
  auto& list = Evaluated();
  if (cachedBytes <= static_cast<size_t>(cacheBytes) && list.size() < 4096) return;
  // Forget what is gone or committed.
  std::deque<std::weak_ptr<Node>> kept;
  for (auto& w : list) {
    if (auto n = w.lock(); n && n->cached()) kept.push_back(std::move(w));
  }
  list.swap(kept);
  while (list.size() > kKeepRecent && cachedBytes > static_cast<size_t>(cacheBytes)) {
    if (auto n = list.front().lock(); n && n->cached()) {
      Uncache(*n);
      n->value = at::Tensor();
      ++Stats().dropped;
    }
    list.pop_front();
  }
}

std::shared_ptr<Node> LazyReduction(std::shared_ptr<Node> x, std::vector<int64_t> axes, bool keepDims, bool mean) {
  const int64_t rank = static_cast<int64_t>(x->shape.size());
  for (int64_t& a : axes) a = a < 0 ? a + rank : a;
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  std::vector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = std::binary_search(axes.begin(), axes.end(), d);
    if (!reduced) shape.push_back(x->shape[d]);
    else if (keepDims) shape.push_back(1);
  }
  auto n = std::make_shared<Node>();
  n->operands = {std::move(x)};
  n->axes = std::move(axes);
  n->keepDims = keepDims;
  n->mean = mean;
  n->shape = std::move(shape);
  n->serial = nextSerial++;
  auto& pending = Pending();
  // Sums nobody read before releasing them leave entries behind: forget those now and then.
  // The limit doubles with the entries still alive, so the sweep costs O(1) per reduction on average.
  static size_t sweepAt = 1024;
  if (pending.size() >= sweepAt) {
    pending.erase(std::remove_if(pending.begin(), pending.end(), [](const std::weak_ptr<Node>& w) { return w.expired(); }),
                  pending.end());
    sweepAt = std::max<size_t>(1024, 2 * pending.size());
  }
  pending.push_back(n);
  return n;
}

bool HoldsReleasedTensor(const Node& n) {
  for (const auto& o : n.operands) {
    if (!o->operands.empty()) {
      if (HoldsReleasedTensor(*o)) return true;
    } else if (o->handles == 0 && o->value.storage().nbytes() >= static_cast<size_t>(lazyMin) * 4 &&
               o->value.storage().use_count() == 1) {
      return true;
    }
  }
  return false;
}

bool LazyDebug() { return debug; }

void SetLazy(bool on) { enabled = on; }
bool LazyEnabled() { return enabled; }

LazyStats& Stats() {
  static LazyStats stats;
  return stats;
}

}  // namespace dcgan
