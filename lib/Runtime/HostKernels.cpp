//===- HostKernels.cpp - CPU kernels for ops placed on the host -----------===//
//
// Elementwise ops with numpy broadcasting, comparisons, Where, Cast and
// Identity, for every element type the signature allows. Values go through
// double (floats, and integers up to 2^53) or int64 (integer arithmetic,
// wrapping), and are stored with round-to-nearest-even for the narrow float
// types, as onnxruntime computes them.
//
//===----------------------------------------------------------------------===//

#include "Runtime.h"

#include "pagoda/Sim/Numerics.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

namespace pagoda::runtime {
namespace {

using artifact::ElemType;
using artifact::TensorDesc;

bool isFloatType(ElemType t) {
  return t == ElemType::F32 || t == ElemType::F16 || t == ElemType::BF16 || t == ElemType::F64;
}

double loadF(ElemType t, const uint8_t *p) {
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

int64_t loadI(ElemType t, const uint8_t *p) {
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

double loadAny(ElemType t, const uint8_t *p) {
  return isFloatType(t) ? loadF(t, p) : double(loadI(t, p));
}

void storeF(ElemType t, uint8_t *p, double v) {
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

void storeI(ElemType t, uint8_t *p, int64_t v) {
  if (t == ElemType::Bool)
    v = v != 0;
  std::memcpy(p, &v, artifact::elemTypeBytes(t)); // little-endian: the low bytes
}

/// Numpy broadcast: the index into `in` of element `flat` of `out`.
uint64_t broadcastIndex(const std::vector<int64_t> &out, const std::vector<int64_t> &in,
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

Status checkBroadcast(const HostCall &c) {
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

Status arity(const HostCall &c, size_t in, size_t out) {
  if (c.inputs.size() != in || c.outputs.size() != out)
    return Status::error(PAGODA_INVALID_ARGUMENT,
                         fmt::format("expects {} inputs and {} outputs, got {} and {}", in, out,
                                     c.inputs.size(), c.outputs.size()));
  return {};
}

enum class Bin { Add, Sub, Mul, Div, Max, Min, Pow };

template <Bin op> Status binary(const HostCall &c) {
  if (Status s = arity(c, 2, 1); !s.ok())
    return s;
  if (Status s = checkBroadcast(c); !s.ok())
    return s;
  const TensorDesc &o = *c.outputs[0].desc;
  const ElemType t = o.type;
  if (c.inputs[0].desc->type != t || c.inputs[1].desc->type != t)
    return Status::error(PAGODA_INVALID_ARGUMENT, "inputs and output must share one dtype");
  if (t == ElemType::Bool)
    return Status::error(PAGODA_INVALID_ARGUMENT, "does not accept bool");
  const unsigned sz = artifact::elemTypeBytes(t);
  const uint64_t n = o.numElements();
  for (uint64_t i = 0; i < n; ++i) {
    const uint8_t *pa = c.inputs[0].data + broadcastIndex(o.shape, c.inputs[0].desc->shape, i) * sz;
    const uint8_t *pb = c.inputs[1].data + broadcastIndex(o.shape, c.inputs[1].desc->shape, i) * sz;
    uint8_t *po = c.outputs[0].data + i * sz;
    if (isFloatType(t)) {
      double a = loadF(t, pa), b = loadF(t, pb), r = 0;
      switch (op) {
      case Bin::Add:
        r = a + b;
        break;
      case Bin::Sub:
        r = a - b;
        break;
      case Bin::Mul:
        r = a * b;
        break;
      case Bin::Div:
        r = a / b;
        break;
      case Bin::Max:
        r = (std::isnan(a) || std::isnan(b)) ? NAN : std::max(a, b);
        break;
      case Bin::Min:
        r = (std::isnan(a) || std::isnan(b)) ? NAN : std::min(a, b);
        break;
      case Bin::Pow:
        r = std::pow(a, b);
        break;
      }
      // Computing in f64 and rounding once equals computing in the type
      // itself for + - * / (f64 has more than twice the bits of f32).
      storeF(t, po, r);
    } else {
      int64_t a = loadI(t, pa), b = loadI(t, pb), r = 0;
      switch (op) {
      case Bin::Add:
        r = int64_t(uint64_t(a) + uint64_t(b));
        break;
      case Bin::Sub:
        r = int64_t(uint64_t(a) - uint64_t(b));
        break;
      case Bin::Mul:
        r = int64_t(uint64_t(a) * uint64_t(b));
        break;
      case Bin::Div:
        if (b == 0)
          return Status::error(PAGODA_DEVICE_ERROR,
                               fmt::format("integer division by zero at element {}", i));
        r = (a == INT64_MIN && b == -1) ? a : a / b; // truncates, as C and ONNX do
        break;
      case Bin::Max:
        r = std::max(a, b);
        break;
      case Bin::Min:
        r = std::min(a, b);
        break;
      case Bin::Pow: {
        r = 1;
        for (int64_t e = 0; e < b; ++e)
          r = int64_t(uint64_t(r) * uint64_t(a));
        break;
      }
      }
      storeI(t, po, r);
    }
  }
  return {};
}

enum class Cmp { Greater, Less, Equal, GreaterOrEqual, LessOrEqual };

template <Cmp op> Status compare(const HostCall &c) {
  if (Status s = arity(c, 2, 1); !s.ok())
    return s;
  if (Status s = checkBroadcast(c); !s.ok())
    return s;
  const TensorDesc &o = *c.outputs[0].desc;
  const ElemType t = c.inputs[0].desc->type;
  if (c.inputs[1].desc->type != t || o.type != ElemType::Bool)
    return Status::error(PAGODA_INVALID_ARGUMENT,
                         "inputs must share one dtype and the output must be bool");
  const unsigned sz = artifact::elemTypeBytes(t);
  for (uint64_t i = 0, n = o.numElements(); i < n; ++i) {
    const uint8_t *pa = c.inputs[0].data + broadcastIndex(o.shape, c.inputs[0].desc->shape, i) * sz;
    const uint8_t *pb = c.inputs[1].data + broadcastIndex(o.shape, c.inputs[1].desc->shape, i) * sz;
    bool r;
    if (isFloatType(t)) {
      double a = loadF(t, pa), b = loadF(t, pb);
      r = op == Cmp::Greater          ? a > b
          : op == Cmp::Less           ? a < b
          : op == Cmp::Equal          ? a == b
          : op == Cmp::GreaterOrEqual ? a >= b
                                      : a <= b;
    } else {
      int64_t a = loadI(t, pa), b = loadI(t, pb);
      if (t == ElemType::U64) { // compare as unsigned
        uint64_t ua = uint64_t(a), ub = uint64_t(b);
        r = op == Cmp::Greater          ? ua > ub
            : op == Cmp::Less           ? ua < ub
            : op == Cmp::Equal          ? ua == ub
            : op == Cmp::GreaterOrEqual ? ua >= ub
                                        : ua <= ub;
      } else {
        r = op == Cmp::Greater          ? a > b
            : op == Cmp::Less           ? a < b
            : op == Cmp::Equal          ? a == b
            : op == Cmp::GreaterOrEqual ? a >= b
                                        : a <= b;
      }
    }
    c.outputs[0].data[i] = r ? 1 : 0;
  }
  return {};
}

enum class Un { Relu, Neg, Abs, Exp, Log, Sqrt, Sigmoid, Tanh };

template <Un op> Status unary(const HostCall &c) {
  if (Status s = arity(c, 1, 1); !s.ok())
    return s;
  const TensorDesc &o = *c.outputs[0].desc;
  const ElemType t = o.type;
  if (c.inputs[0].desc->type != t || c.inputs[0].desc->shape != o.shape)
    return Status::error(PAGODA_INVALID_ARGUMENT, "input and output must match in dtype and shape");
  bool floatOnly =
      op == Un::Exp || op == Un::Log || op == Un::Sqrt || op == Un::Sigmoid || op == Un::Tanh;
  if (t == ElemType::Bool || (floatOnly && !isFloatType(t)))
    return Status::error(PAGODA_INVALID_ARGUMENT,
                         fmt::format("does not accept {}", artifact::elemTypeName(t)));
  const unsigned sz = artifact::elemTypeBytes(t);
  for (uint64_t i = 0, n = o.numElements(); i < n; ++i) {
    const uint8_t *p = c.inputs[0].data + i * sz;
    uint8_t *q = c.outputs[0].data + i * sz;
    if (isFloatType(t)) {
      double x = loadF(t, p), r = 0;
      switch (op) {
      case Un::Relu:
        r = std::isnan(x) ? x : (x > 0 ? x : 0.0);
        break;
      case Un::Neg:
        r = -x;
        break;
      case Un::Abs:
        r = std::fabs(x);
        break;
      case Un::Exp:
        r = std::exp(x);
        break;
      case Un::Log:
        r = std::log(x);
        break;
      case Un::Sqrt:
        r = std::sqrt(x);
        break;
      case Un::Sigmoid:
        r = 1.0 / (1.0 + std::exp(-x));
        break;
      case Un::Tanh:
        r = std::tanh(x);
        break;
      }
      storeF(t, q, r);
    } else {
      int64_t x = loadI(t, p), r = 0;
      switch (op) {
      case Un::Relu:
        r = x > 0 ? x : 0;
        break;
      case Un::Neg:
        r = int64_t(0 - uint64_t(x));
        break;
      default: // Abs
        r = x < 0 ? int64_t(0 - uint64_t(x)) : x;
        break;
      }
      storeI(t, q, r);
    }
  }
  return {};
}

/// Cast: any type to any type. Float to integer truncates toward zero and
/// saturates (NaN -> 0); to bool is "!= 0"; float narrowing rounds to even.
Status cast(const HostCall &c) {
  if (Status s = arity(c, 1, 1); !s.ok())
    return s;
  const TensorDesc &i = *c.inputs[0].desc, &o = *c.outputs[0].desc;
  if (i.shape != o.shape)
    return Status::error(PAGODA_INVALID_ARGUMENT, "input and output shapes differ");
  const unsigned si = artifact::elemTypeBytes(i.type), so = artifact::elemTypeBytes(o.type);
  for (uint64_t k = 0, n = o.numElements(); k < n; ++k) {
    const uint8_t *p = c.inputs[0].data + k * si;
    uint8_t *q = c.outputs[0].data + k * so;
    if (o.type == ElemType::Bool) {
      q[0] = loadAny(i.type, p) != 0;
    } else if (isFloatType(o.type)) {
      storeF(o.type, q, isFloatType(i.type) ? loadF(i.type, p) : double(loadI(i.type, p)));
    } else if (isFloatType(i.type)) {
      double v = std::trunc(loadF(i.type, p));
      int64_t lo, hi;
      switch (o.type) {
      case ElemType::S8:
        lo = INT8_MIN, hi = INT8_MAX;
        break;
      case ElemType::U8:
        lo = 0, hi = UINT8_MAX;
        break;
      case ElemType::S16:
        lo = INT16_MIN, hi = INT16_MAX;
        break;
      case ElemType::U16:
        lo = 0, hi = UINT16_MAX;
        break;
      case ElemType::S32:
        lo = INT32_MIN, hi = INT32_MAX;
        break;
      case ElemType::U32:
        lo = 0, hi = UINT32_MAX;
        break;
      default:
        lo = INT64_MIN, hi = INT64_MAX;
        break;
      }
      storeI(o.type, q, num::roundToInt(v, num::RoundMode::TowardZero, lo, hi));
    } else {
      storeI(o.type, q, loadI(i.type, p)); // integer to integer wraps
    }
  }
  return {};
}

Status where(const HostCall &c) {
  if (Status s = arity(c, 3, 1); !s.ok())
    return s;
  if (Status s = checkBroadcast(c); !s.ok())
    return s;
  const TensorDesc &o = *c.outputs[0].desc;
  if (c.inputs[0].desc->type != ElemType::Bool || c.inputs[1].desc->type != o.type ||
      c.inputs[2].desc->type != o.type)
    return Status::error(PAGODA_INVALID_ARGUMENT,
                         "needs a bool condition and two inputs of the output's dtype");
  const unsigned sz = artifact::elemTypeBytes(o.type);
  for (uint64_t i = 0, n = o.numElements(); i < n; ++i) {
    bool cond = c.inputs[0].data[broadcastIndex(o.shape, c.inputs[0].desc->shape, i)] != 0;
    const HostTensor &pick = c.inputs[cond ? 1 : 2];
    std::memcpy(c.outputs[0].data + i * sz,
                pick.data + broadcastIndex(o.shape, pick.desc->shape, i) * sz, sz);
  }
  return {};
}

Status identity(const HostCall &c) {
  if (Status s = arity(c, 1, 1); !s.ok())
    return s;
  const TensorDesc &i = *c.inputs[0].desc, &o = *c.outputs[0].desc;
  if (i.type != o.type || i.byteSize() != o.byteSize())
    return Status::error(PAGODA_INVALID_ARGUMENT,
                         "input and output must have one dtype and element count");
  std::memmove(c.outputs[0].data, c.inputs[0].data, o.byteSize());
  return {};
}

} // namespace

const std::map<std::string, HostKernel> &hostKernels() {
  static const std::map<std::string, HostKernel> registry = {
      {"Abs", unary<Un::Abs>},
      {"Add", binary<Bin::Add>},
      {"Cast", cast},
      {"Div", binary<Bin::Div>},
      {"Equal", compare<Cmp::Equal>},
      {"Exp", unary<Un::Exp>},
      {"Greater", compare<Cmp::Greater>},
      {"GreaterOrEqual", compare<Cmp::GreaterOrEqual>},
      {"Identity", identity},
      {"Less", compare<Cmp::Less>},
      {"LessOrEqual", compare<Cmp::LessOrEqual>},
      {"Log", unary<Un::Log>},
      {"Max", binary<Bin::Max>},
      {"Min", binary<Bin::Min>},
      {"Mul", binary<Bin::Mul>},
      {"Neg", unary<Un::Neg>},
      {"Pow", binary<Bin::Pow>},
      {"Relu", unary<Un::Relu>},
      {"Reshape", identity},
      {"Sigmoid", unary<Un::Sigmoid>},
      {"Sqrt", unary<Un::Sqrt>},
      {"Sub", binary<Bin::Sub>},
      {"Tanh", unary<Un::Tanh>},
      {"Where", where},
  };
  return registry;
}

} // namespace pagoda::runtime
