// TF.js padding (top, bottom, left, right; 'same' puts the odd pixel at the bottom/right) split into the
// symmetric part ATen's kernels take and the remainder that must be padded explicitly.
#pragma once
#include <algorithm>
#include <stdexcept>
#include <vector>

#include <ATen/ATen.h>

namespace dcgan {

struct Padding {
  int64_t top, bottom, left, right;

  static Padding FromVector(const std::vector<int64_t>& p) {
    if (p.size() != 4) throw std::invalid_argument("padding must be [top, bottom, left, right]");
    return Padding{p[0], p[1], p[2], p[3]};
  }
  // The part applied by ATen on both sides.
  int64_t symH() const { return std::min(top, bottom); }
  int64_t symW() const { return std::min(left, right); }
  // What remains for an explicit pad, per side.
  int64_t extraTop() const { return top - symH(); }
  int64_t extraBottom() const { return bottom - symH(); }
  int64_t extraLeft() const { return left - symW(); }
  int64_t extraRight() const { return right - symW(); }
  bool hasExtra() const { return top != bottom || left != right; }

  // Pads an NHWC tensor with the extra rows/columns (a copy), or returns it unchanged.
  at::Tensor PadExtraNhwc(const at::Tensor& x, double value = 0) const {
    if (!hasExtra()) return x;
    return at::constant_pad_nd(x, {0, 0, extraLeft(), extraRight(), extraTop(), extraBottom()}, value);
  }
  // Removes the extra rows/columns from an NHWC gradient of the padded input.
  at::Tensor CropExtraNhwc(const at::Tensor& g, int64_t h, int64_t w) const {
    if (!hasExtra()) return g;
    return g.narrow(1, extraTop(), h).narrow(2, extraLeft(), w);
  }
};

}  // namespace dcgan
