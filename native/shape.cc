// Shape and indexing kernels: reshape (a view), transpose, slices, concat, stack, split, pad, tile, gather,
// reverse, one-hot, broadcast, and index-based gather/scatter used by resize kernels.
#include <algorithm>

#include "binding.h"

namespace dcgan {
namespace {

// reshape(x: handle, shape: number[]): handle. Shares storage with x (tensors are immutable). A lazy
// expression stays lazy (lazy.h: LazyView, LazyReshape).
Napi::Value Reshape(const Napi::CallbackInfo& info) {
  std::vector<int64_t> shape = IntsArg(info, 1);
  std::shared_ptr<Node> xn = NodeArg(info, 0);
  if (xn->lazy()) {
    // TF.js resolves -1 before the kernel; resolve it here too, should one come.
    int64_t known = 1, missing = -1;
    for (size_t d = 0; d < shape.size(); ++d) {
      if (shape[d] == -1) missing = static_cast<int64_t>(d);
      else known *= shape[d];
    }
    if (missing >= 0 && known > 0) shape[missing] = xn->numel() / known;
    if (shape == xn->shape) return ReturnNode(info.Env(), xn);
    if (SameUpToLeadingOnes(shape, xn->shape) && !xn->barrier()) return ReturnNode(info.Env(), LazyView(xn, shape));
    return ReturnNode(info.Env(), LazyReshape(xn, shape));
  }
  return Return(info.Env(), InputArg(info, 0).reshape(shape));
}

// transpose(x: handle, perm: number[]): handle (contiguous)
Napi::Value Transpose(const Napi::CallbackInfo& info) {
  return Return(info.Env(), InputArg(info, 0).permute(IntsArg(info, 1)).contiguous());
}

// slice(x: handle, begin: number[], size: number[]): handle
Napi::Value Slice(const Napi::CallbackInfo& info) {
  at::Tensor x = InputArg(info, 0);
  std::vector<int64_t> begin = IntsArg(info, 1), size = IntsArg(info, 2);
  for (size_t d = 0; d < begin.size(); ++d) x = x.narrow(static_cast<int64_t>(d), begin[d], size[d]);
  return Return(info.Env(), x.contiguous());
}

// stridedSlice(x: handle, begin: number[], end: number[], strides: number[]): handle
// begin/end/strides are already normalised by TF.js (one per dimension, end exclusive).
Napi::Value StridedSlice(const Napi::CallbackInfo& info) {
  at::Tensor x = InputArg(info, 0);
  std::vector<int64_t> begin = IntsArg(info, 1), end = IntsArg(info, 2), strides = IntsArg(info, 3);
  for (size_t k = 0; k < begin.size(); ++k) {
    int64_t d = static_cast<int64_t>(k);
    int64_t n = x.size(d), b = begin[k], e = end[k], s = strides[k];
    if (s > 0) {
      if (e <= b) { x = x.narrow(d, 0, 0); continue; }
      x = x.slice(d, b, e, s);
    } else {
      // Flip so the walk goes forward: index i maps to n - 1 - i.
      if (e >= b) { x = x.narrow(d, 0, 0); continue; }
      x = x.flip(d).slice(d, n - 1 - b, n - 1 - e, -s);
    }
  }
  return Return(info.Env(), x.contiguous());
}

// concat(xs: handle[], axis: number): handle
Napi::Value Concat(const Napi::CallbackInfo& info) {
  return Return(info.Env(), at::cat(InputListArg(info, 0), IntArg(info, 1)));
}

// stack(xs: handle[], axis: number): handle
Napi::Value Stack(const Napi::CallbackInfo& info) {
  return Return(info.Env(), at::stack(InputListArg(info, 0), IntArg(info, 1)));
}

// split(x: handle, sizes: number[], axis: number): handle[]
Napi::Value Split(const Napi::CallbackInfo& info) {
  const at::Tensor& x = InputArg(info, 0);
  std::vector<int64_t> sizes = IntsArg(info, 1);
  int64_t axis = IntArg(info, 2);
  std::vector<at::Tensor> parts;
  int64_t at = 0;
  for (int64_t s : sizes) {
    parts.push_back(x.narrow(axis, at, s).contiguous());
    at += s;
  }
  return ReturnList(info.Env(), parts);
}

// unstack(x: handle, axis: number): handle[]
Napi::Value Unstack(const Napi::CallbackInfo& info) {
  const at::Tensor& x = InputArg(info, 0);
  int64_t axis = IntArg(info, 1);
  std::vector<at::Tensor> parts;
  for (int64_t k = 0; k < x.size(axis); ++k) parts.push_back(x.select(axis, k).contiguous());
  return ReturnList(info.Env(), parts);
}

// pad(x: handle, paddings: number[] (before0, after0, before1, after1, ...), value: number): handle
Napi::Value Pad(const Napi::CallbackInfo& info) {
  const at::Tensor& x = InputArg(info, 0);
  std::vector<int64_t> p = IntsArg(info, 1);
  double value = NumberArg(info, 2);
  // constant_pad_nd lists pads from the last dimension backwards.
  std::vector<int64_t> rev;
  for (int64_t d = static_cast<int64_t>(p.size() / 2) - 1; d >= 0; --d) {
    rev.push_back(p[2 * d]);
    rev.push_back(p[2 * d + 1]);
  }
  return Return(info.Env(), at::constant_pad_nd(x, rev, value).contiguous());
}

// tile(x: handle, reps: number[]): handle. Repeating dimensions of size 1 only is a broadcast: then a
// stride-0 view, no copy (tensors never change in place).
Napi::Value Tile(const Napi::CallbackInfo& info) {
  const at::Tensor& x = InputArg(info, 0);
  std::vector<int64_t> reps = IntsArg(info, 1);
  if (static_cast<int64_t>(reps.size()) == x.dim()) {
    bool broadcast = true;
    std::vector<int64_t> shape(reps.size());
    for (size_t d = 0; d < reps.size(); ++d) {
      shape[d] = x.size(static_cast<int64_t>(d)) * reps[d];
      if (reps[d] != 1 && x.size(static_cast<int64_t>(d)) != 1) broadcast = false;
    }
    if (broadcast) return Return(info.Env(), x.expand(shape));
  }
  return Return(info.Env(), x.repeat(reps));
}

// broadcastTo(x: handle, shape: number[]): handle. A stride-0 view, no copy.
Napi::Value BroadcastTo(const Napi::CallbackInfo& info) {
  return Return(info.Env(), InputArg(info, 0).expand(IntsArg(info, 1)));
}

// reverse(x: handle, dims: number[]): handle
Napi::Value Reverse(const Napi::CallbackInfo& info) {
  return Return(info.Env(), InputArg(info, 0).flip(IntsArg(info, 1)));
}

// gather(x: handle, indices: handle, batchSize, outerSize, dimSize, sliceSize): handle
// x viewed as [batch, outer, dim, slice], indices as [batch, n]; returns [batch, outer, n, slice].
// Throws when an index is outside [0, dimSize).
Napi::Value Gather(const Napi::CallbackInfo& info) {
  const at::Tensor& x = InputArg(info, 0);
  at::Tensor idx = InputArg(info, 1).to(at::kLong);
  int64_t batch = IntArg(info, 2), outer = IntArg(info, 3), dim = IntArg(info, 4), slice = IntArg(info, 5);
  at::Tensor xv = x.reshape({batch, outer, dim, slice});
  at::Tensor iv = idx.reshape({batch, -1});
  if (iv.numel() > 0) {
    at::Tensor bad = at::logical_or(iv < 0, iv >= dim).reshape({-1});
    if (bad.any().item<bool>()) {
      // Name the first offending index, as TF.js does.
      int64_t first = bad.to(at::kInt).argmax().item<int64_t>();
      throw std::out_of_range("GatherV2: the index value " + std::to_string(iv.reshape({-1})[first].item<int64_t>()) +
                              " is not in [0, " + std::to_string(dim - 1) + "]");
    }
  }
  at::Tensor out;
  if (batch == 1) {
    out = xv.index_select(2, iv.reshape({-1}));
  } else {
    std::vector<at::Tensor> parts;
    for (int64_t b = 0; b < batch; ++b) parts.push_back(xv[b].index_select(1, iv[b]));
    out = at::stack(parts, 0);
  }
  return Return(info.Env(), out.contiguous());
}

// indexSelect(x: handle, axis: number, indices: Int32Array): handle. Rows of x along axis, in order.
Napi::Value IndexSelect(const Napi::CallbackInfo& info) {
  const at::Tensor& x = InputArg(info, 0);
  int64_t axis = IntArg(info, 1);
  std::vector<int64_t> idx = IntsArg(info, 2);
  at::Tensor iv = at::tensor(idx, at::TensorOptions().dtype(at::kLong));
  return Return(info.Env(), x.index_select(axis, iv).contiguous());
}

// indexAdd(src: handle, axis: number, indices: Int32Array, size: number): handle
// The adjoint of indexSelect: a tensor shaped like src with `size` rows along axis, where row indices[k]
// accumulates src's row k.
Napi::Value IndexAdd(const Napi::CallbackInfo& info) {
  const at::Tensor& src = InputArg(info, 0);
  int64_t axis = IntArg(info, 1);
  std::vector<int64_t> idx = IntsArg(info, 2);
  int64_t size = IntArg(info, 3);
  std::vector<int64_t> shape = src.sizes().vec();
  shape[axis] = size;
  at::Tensor out = at::zeros(shape, src.options());
  at::Tensor iv = at::tensor(idx, at::TensorOptions().dtype(at::kLong));
  out.index_add_(axis, iv, src);
  return Return(info.Env(), out);
}

// oneHot(indices: handle, depth: number, on: number, off: number, dtype: DType): handle
// Indices outside [0, depth) give a row of `off`, as in TF.
Napi::Value OneHot(const Napi::CallbackInfo& info) {
  at::Tensor idx = InputArg(info, 0).to(at::kLong);
  int64_t depth = IntArg(info, 1);
  double on = NumberArg(info, 2), off = NumberArg(info, 3);
  at::ScalarType dtype = DtypeArg(info, 4);
  at::Tensor classes = at::arange(depth, at::TensorOptions().dtype(at::kLong));
  at::Tensor hit = idx.unsqueeze(-1).eq(classes);
  at::Tensor out = at::where(hit, at::scalar_tensor(on, at::TensorOptions().dtype(at::kDouble)),
                             at::scalar_tensor(off, at::TensorOptions().dtype(at::kDouble)));
  return Return(info.Env(), out.to(dtype));
}

}  // namespace

void InitShape(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "reshape", Reshape);
  Export(env, exports, "transpose", Transpose);
  Export(env, exports, "slice", Slice);
  Export(env, exports, "stridedSlice", StridedSlice);
  Export(env, exports, "concat", Concat);
  Export(env, exports, "stack", Stack);
  Export(env, exports, "split", Split);
  Export(env, exports, "unstack", Unstack);
  Export(env, exports, "pad", Pad);
  Export(env, exports, "tile", Tile);
  Export(env, exports, "broadcastTo", BroadcastTo);
  Export(env, exports, "reverse", Reverse);
  Export(env, exports, "gather", Gather);
  Export(env, exports, "indexSelect", IndexSelect);
  Export(env, exports, "indexAdd", IndexAdd);
  Export(env, exports, "oneHot", OneHot);
}

}  // namespace dcgan
