// Lazy elementwise expressions: kernel fusion inside the backend. A large float32 elementwise result (Add,
// Multiply, Relu, FusedBatchNorm, ...) is first recorded as an expression over its operands and computed
// only when something needs its values, as one pass over the operands, block by block, each block small
// enough to stay in cache; Sum and Mean of an expression reduce it block by block without ever storing
// it. TF.js composes batch norm, moments, Adam and the losses from many such kernels, whose results it
// keeps until a step's gradients are done: unevaluated, they cost neither the passes nor the memory.
#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace dcgan {

// Computes a node's value (or one block of it) from its operands' values (or the same block of them).
// Must be elementwise with numpy broadcasting, so that any block of the result depends only on the
// same block of the operands.
using LazyFn = std::function<at::Tensor(const std::vector<at::Tensor>& args)>;

// Elementwise ops the block interpreter computes with its own loops (a block's operands are float32
// buffers in cache; no ATen call). Others run their LazyFn on the block. Each gives exactly what the ATen
// op of the eager path gives, NaN included.
enum class FastOp : uint8_t {
  kNone,        // LazyFn on the block
  kIdentity,    // a[0] (a view with other leading 1s)
  kAdd, kSub, kMul, kDiv, kMaximum, kMinimum, kSquaredDifference,
  kNeg, kAbs, kSquare, kRelu,
  kLeakyRelu,      // param: alpha
  kLeakyReluGrad,  // (dy, x), param: alpha (0: Relu's gradient)
  kAddcmul,        // (x, scale, shift): shift + x * scale, FusedBatchNorm's pass
  kSelect,         // (cond, a, b): cond != 0 ? a : b
};

// A tensor (value, no operands), an expression not evaluated yet (operands, no value), or an evaluated
// expression that keeps its operands while they live (both): the backend may then drop the value and
// compute it again when needed (a cache of evaluated expressions, LRU: the two most recent and
// DCGAN_LAZY_CACHE_MB more).
struct Node : std::enable_shared_from_this<Node> {
  at::Tensor value;                              // a tensor, or an expression once evaluated
  LazyFn fn;                                     // an expression not yet evaluated: how to compute it
  FastOp op = FastOp::kNone;                     // the same, when the block interpreter has a loop for it
  float param = 0;                               // op parameter (alpha)
  std::vector<std::shared_ptr<Node>> operands;   // its operands (kept while the value may be dropped)
  std::vector<int64_t> shape;                    // of the value, known before it exists
  int64_t size = 1;                              // nodes of the expression tree (shared ones per use)
  // A reduction (not elementwise): the sum or mean of operands[0] over `axes` (sorted, not empty), evaluated
  // in one pass with the other reductions pending on expressions of the same shape.
  std::vector<int64_t> axes;
  bool keepDims = false;
  bool mean = false;
  // A reshape of operands[0] (not elementwise either: the element order is the same, the broadcasting not).
  bool view = false;
  int handles = 0;                               // TensorTable handles on this node
  size_t cacheBytes = 0;                         // value bytes counted in the cache of evaluated expressions
  uint64_t serial = 0;                           // creation order
  ~Node();
  bool lazy() const { return !value.defined(); }
  bool cached() const { return value.defined() && !operands.empty(); }
  bool reduction() const { return !axes.empty(); }
  // Not elementwise: evaluated on its own before an expression reading it is.
  bool barrier() const { return reduction() || view; }
  at::ScalarType dtype() const { return lazy() ? at::kFloat : value.scalar_type(); }
  int64_t numel() const;
};

// Results with fewer elements are computed at once: fusing them saves nothing worth a block schedule.
// 32768 (DCGAN_LAZY_MIN_ELEMENTS overrides it: tests set 1 to run everything through expressions).
int64_t LazyMinElements();

std::shared_ptr<Node> Leaf(at::Tensor t);

// Whether an elementwise op with these operands, giving a float32 result of `shape`, should be lazy:
// laziness is on, the result is large and every operand is float32.
bool WantLazy(std::initializer_list<const Node*> operands, at::IntArrayRef shape);

// The expression fn(operands) of the given (broadcast) shape. Operands that are themselves expressions
// are evaluated first when the tree would grow past a bound.
std::shared_ptr<Node> Lazy(LazyFn fn, std::vector<std::shared_ptr<Node>> operands, std::vector<int64_t> shape,
                           FastOp op = FastOp::kNone, float param = 0);

// A lazy reshape of an expression: its operand is computed when the reshape is read, into memory the
// reshape owns (and may drop again, see TrimCache). LazyView is the cheaper case of a shape that differs
// only by leading 1s (what TF.js's batchNorm does to 2-D inputs): still elementwise, fused with the rest.
std::shared_ptr<Node> LazyReshape(std::shared_ptr<Node> x, std::vector<int64_t> shape);
std::shared_ptr<Node> LazyView(const std::shared_ptr<Node>& n, std::vector<int64_t> shape);
bool SameUpToLeadingOnes(at::IntArrayRef a, at::IntArrayRef b);

// The node's value, computed first if it is an expression; the value may later be dropped again (see
// TrimCache) when nothing but the backend holds it: for kernels that only read their inputs during the call.
const at::Tensor& Materialize(Node& n);
// The same, and the value is kept for good: the operands are let go. For code that may change the tensor
// in place, and for a node that holds the last reference to a released tensor.
const at::Tensor& Commit(Node& n);
// Drops the least recently evaluated values beyond DCGAN_LAZY_CACHE_MB (default 8), keeping the two most recent;
// they are computed again from their operands if read again. Call between kernels only: a kernel holds
// references to its inputs' values while it runs.
void TrimCache();

// Sum (or mean) over `axes` of an expression, computed block by block without storing it, when first read:
// with every other pending reduction of an expression of the same shape, in one pass (TF.js's batch-norm
// gradient takes four sums of expressions that share most of their operands).
std::shared_ptr<Node> LazyReduction(std::shared_ptr<Node> x, std::vector<int64_t> axes, bool keepDims, bool mean);

// Whether the expression reads, directly or through other expressions, a tensor that no handle holds
// any more and that is large: committing the expression lets that memory go.
bool HoldsReleasedTensor(const Node& n);

// DCGAN_LAZY_DEBUG=1: one line on stderr per evaluation (what it read and computed) and per released operand.
bool LazyDebug();

// Switches laziness (DCGAN_LAZY=0 at load turns it off); expressions already made stay lazy.
void SetLazy(bool on);
bool LazyEnabled();

struct LazyStats {
  uint64_t expressions = 0;     // lazy results made
  uint64_t evaluated = 0;       // expressions computed (and kept, for a while at least)
  uint64_t dropped = 0;         // evaluated values dropped by TrimCache
  uint64_t reductions = 0;      // sums / means computed from expressions without storing them
  uint64_t reductionPasses = 0; // passes that computed them
  uint64_t settled = 0;         // expressions evaluated because a tensor they read was released
  uint64_t blocks = 0;          // blocks evaluated
  uint64_t blockOps = 0;        // expression nodes computed on a block
  uint64_t slowOps = 0;         // of which ATen calls (ops without a loop of the interpreter's)
  uint64_t gathers = 0;         // operand blocks copied by ATen (broadcasts the interpreter does not read directly)
  double evaluateMs = 0;        // time spent evaluating expressions (kept or reduced)
  double settleMs = 0;          // of which because a tensor they read was released
};
LazyStats& Stats();

}  // namespace dcgan
