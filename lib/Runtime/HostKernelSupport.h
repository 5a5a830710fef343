//===- HostKernelSupport.h - Shared pieces of the host kernels --*- C++ -*-===//
//
// Loading and storing elements of any model dtype, numpy broadcasting,
// attribute access and index stepping, for HostKernels.cpp and
// HostKernelsNN.cpp. Internal to the runtime.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_LIB_RUNTIME_HOSTKERNELSUPPORT_H
#define PAGODA_LIB_RUNTIME_HOSTKERNELSUPPORT_H

#include "Runtime.h"

#include "pagoda/Sim/Numerics.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

namespace pagoda::runtime::host {

using artifact::ElemType;
using artifact::TensorDesc;

inline bool isFloatType(ElemType t) {
  return t == ElemType::F32 || t == ElemType::F16 || t == ElemType::BF16 || t == ElemType::F64;
}

inline double loadF(ElemType t, const uint8_t *p) {
  switch (t) {
  case ElemType::F32: {
    float v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case ElemType::F64: {
    double v;
    std::memcpy(&v, p, 8);
    return v;
  }
  case ElemType::F16: {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return num::f16ToF32(v);
  }
  case ElemType::BF16: {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return num::bf16ToF32(v);
  }
  default:
    break;
  }
  return 0;
}

inline int64_t loadI(ElemType t, const uint8_t *p) {
  switch (t) {
  case ElemType::S8:
    return int8_t(p[0]);
  case ElemType::U8:
  case ElemType::Bool:
    return p[0];
  case ElemType::S16: {
    int16_t v;
    std::memcpy(&v, p, 2);
    return v;
  }
  case ElemType::U16: {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
  }
  case ElemType::S32: {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case ElemType::U32: {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  default: {
    int64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  }
}

inline double loadAny(ElemType t, const uint8_t *p) {
  return isFloatType(t) ? loadF(t, p) : double(loadI(t, p));
}

inline void storeF(ElemType t, uint8_t *p, double v) {
  switch (t) {
  case ElemType::F32: {
    float f = float(v);
    std::memcpy(p, &f, 4);
    return;
  }
  case ElemType::F64:
    std::memcpy(p, &v, 8);
    return;
  case ElemType::F16: {
    uint16_t h = uint16_t(num::encode(num::kF16, v));
    std::memcpy(p, &h, 2);
    return;
  }
  case ElemType::BF16: {
    uint16_t h = uint16_t(num::encode(num::kBF16, v));
    std::memcpy(p, &h, 2);
    return;
  }
  default:
    return;
  }
}

inline void storeI(ElemType t, uint8_t *p, int64_t v) {
  if (t == ElemType::Bool)
    v = v != 0;
  std::memcpy(p, &v, artifact::elemTypeBytes(t)); // little-endian: the low bytes
}

/// Numpy broadcast: the index into `in` of element `flat` of `out`.
inline uint64_t broadcastIndex(const std::vector<int64_t> &out, const std::vector<int64_t> &in,
                               uint64_t flat) {
  uint64_t idx = 0, stride = 1;
  for (size_t k = 0; k < out.size(); ++k) {
    size_t d = out.size() - 1 - k;
    uint64_t coord = flat % uint64_t(out[d]);
    flat /= uint64_t(out[d]);
    if (k < in.size()) {
      size_t di = in.size() - 1 - k;
      if (in[di] != 1)
        idx += coord * stride;
      stride *= uint64_t(in[di]);
    }
  }
  return idx;
}

inline Status checkBroadcast(const HostCall &c) {
  const TensorDesc &o = *c.outputs[0].desc;
  for (const HostTensor &in : c.inputs) {
    const std::vector<int64_t> &s = in.desc->shape;
    if (s.size() > o.shape.size())
      return Status::error(
          PAGODA_INVALID_ARGUMENT,
          fmt::format("input '{}' has more dimensions than the output", in.desc->name));
    for (size_t k = 0; k < s.size(); ++k) {
      int64_t a = s[s.size() - 1 - k], b = o.shape[o.shape.size() - 1 - k];
      if (a != 1 && a != b)
        return Status::error(
            PAGODA_INVALID_ARGUMENT,
            fmt::format("input '{}' does not broadcast to the output", in.desc->name));
    }
  }
  return {};
}

inline Status arity(const HostCall &c, size_t in, size_t out) {
  if (c.inputs.size() != in || c.outputs.size() != out)
    return Status::error(PAGODA_INVALID_ARGUMENT,
                         fmt::format("expects {} inputs and {} outputs, got {} and {}", in, out,
                                     c.inputs.size(), c.outputs.size()));
  return {};
}

inline const artifact::Attribute *findAttr(const HostCall &c, const char *name) {
  auto it = c.step->attributes.find(name);
  return it == c.step->attributes.end() ? nullptr : &it->second;
}

inline Status missing(const char *name) {
  return Status::error(PAGODA_INVALID_ARGUMENT, fmt::format("needs the '{}' attribute", name));
}

inline Status intsAttr(const HostCall &c, const char *name, std::vector<int64_t> &out) {
  const artifact::Attribute *a = findAttr(c, name);
  if (!a || a->kind != artifact::Attribute::Kind::Ints)
    return missing(name);
  out = a->ints;
  return {};
}

inline Status intAttr(const HostCall &c, const char *name, int64_t &out) {
  const artifact::Attribute *a = findAttr(c, name);
  if (!a || a->kind != artifact::Attribute::Kind::Int)
    return missing(name);
  out = a->i;
  return {};
}

inline double floatAttr(const HostCall &c, const char *name, double fallback) {
  const artifact::Attribute *a = findAttr(c, name);
  return a && a->kind == artifact::Attribute::Kind::Float ? a->f : fallback;
}

inline Status axisIn(int64_t axis, size_t rank) {
  if (axis < 0 || size_t(axis) >= rank)
    return Status::error(PAGODA_INVALID_ARGUMENT,
                         fmt::format("axis {} is out of range for rank {}", axis, rank));
  return {};
}

inline uint64_t product(const std::vector<int64_t> &shape, size_t from, size_t to) {
  uint64_t p = 1;
  for (size_t i = from; i < to && i < shape.size(); ++i)
    p *= uint64_t(shape[i]);
  return p;
}

inline Status floatsOnly(const HostCall &c) {
  for (const HostTensor &t : c.inputs)
    if (!isFloatType(t.desc->type) || t.desc->type != c.outputs[0].desc->type)
      return Status::error(
          PAGODA_INVALID_ARGUMENT,
          fmt::format("accepts one float dtype, got {}", artifact::elemTypeName(t.desc->type)));
  return {};
}

/// Steps a row-major multi-index to the next element of `shape`.
inline void nextIndex(std::vector<int64_t> &idx, const std::vector<int64_t> &shape) {
  for (size_t d = idx.size(); d-- > 0;) {
    if (++idx[d] < shape[d])
      return;
    idx[d] = 0;
  }
}

/// The geometry of a numpy MatMul: rank-1 operands promoted, batch
/// dimensions broadcast.
struct MatmulDims {
  int64_t m = 0, k = 0, n = 0;
  std::vector<int64_t> batch, batchA, batchB;
  uint64_t batches = 1;
  /// The element offsets of batch p's A and B matrices.
  uint64_t aOffset(uint64_t p) const { return broadcastIndex(batch, batchA, p) * uint64_t(m * k); }
  uint64_t bOffset(uint64_t p) const { return broadcastIndex(batch, batchB, p) * uint64_t(k * n); }

  Status read(std::vector<int64_t> a, std::vector<int64_t> b, const TensorDesc &out) {
    if (a.empty() || b.empty())
      return Status::error(PAGODA_INVALID_ARGUMENT, "operands must have rank >= 1");
    if (a.size() == 1)
      a.insert(a.begin(), 1);
    if (b.size() == 1)
      b.push_back(1);
    m = a[a.size() - 2];
    k = a.back();
    n = b.back();
    if (b[b.size() - 2] != k)
      return Status::error(PAGODA_INVALID_ARGUMENT, "contraction dimensions differ");
    batchA.assign(a.begin(), a.end() - 2);
    batchB.assign(b.begin(), b.end() - 2);
    batch.assign(std::max(batchA.size(), batchB.size()), 1);
    for (size_t d = 0; d < batch.size(); ++d) {
      int64_t x = d + batchA.size() >= batch.size() ? batchA[d + batchA.size() - batch.size()] : 1;
      int64_t y = d + batchB.size() >= batch.size() ? batchB[d + batchB.size() - batch.size()] : 1;
      if (x != y && x != 1 && y != 1)
        return Status::error(PAGODA_INVALID_ARGUMENT, "batch dimensions do not broadcast");
      batch[d] = std::max(x, y);
    }
    batches = product(batch, 0, batch.size());
    if (out.numElements() != batches * uint64_t(m * n))
      return Status::error(PAGODA_INVALID_ARGUMENT, "the output has the wrong size");
    return {};
  }
};

/// The accumulators of a convolution of integer operands shifted by their
/// zero points (ConvInteger, QLinearConv): input, its zero point (one
/// value), weight and its zero point (one value or one per output channel)
/// at operand indices xi, xzi, wi, wzi; exact in double. Attributes as Conv's.
Status integerConv(const HostCall &c, size_t xi, size_t xzi, size_t wi, size_t wzi,
                   std::vector<double> &acc);

/// The kernels of HostKernelsQuant.cpp (quantization and integer products),
/// added to the registry.
void addQuantKernels(std::map<std::string, HostKernel> &registry);

/// The kernels of HostKernelsNN.cpp (convolution, pooling, normalization,
/// indexing, layout), added to the registry.
void addNNKernels(std::map<std::string, HostKernel> &registry);

} // namespace pagoda::runtime::host

#endif // PAGODA_LIB_RUNTIME_HOSTKERNELSUPPORT_H
