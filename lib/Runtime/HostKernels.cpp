//===- HostKernels.cpp - CPU kernels for ops placed on the host -----------===//
//
// Elementwise ops with numpy broadcasting, comparisons, Where, Cast and
// Identity, for every element type the signature allows; transposes,
// concats and slices for any type; softmax, reductions, MatMul and Gemm on
// float types. Values go through
// double (floats, and integers up to 2^53) or int64 (integer arithmetic,
// wrapping), and are stored with round-to-nearest-even for the narrow float
// types, as onnxruntime computes them.
//
//===----------------------------------------------------------------------===//

#include "HostKernelSupport.h"

namespace pagoda::runtime {
namespace {

using namespace host;

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

//===----------------------------------------------------------------------===//
// Float maps with attributes (activations, rounding, trigonometry) and
// boolean logic: what elementwise groups the vector kernels cannot express
// run through these on the host.
//===----------------------------------------------------------------------===//

/// One double -> double function per element of a float tensor.
using FloatFn = double (*)(double x, const HostCall &c);

Status floatMap(const HostCall &c, FloatFn fn) {
  if (Status s = arity(c, 1, 1); !s.ok())
    return s;
  const TensorDesc &o = *c.outputs[0].desc;
  if (c.inputs[0].desc->type != o.type || c.inputs[0].desc->shape != o.shape)
    return Status::error(PAGODA_INVALID_ARGUMENT, "input and output must match in dtype and shape");
  if (!isFloatType(o.type))
    return Status::error(PAGODA_INVALID_ARGUMENT,
                         fmt::format("does not accept {}", artifact::elemTypeName(o.type)));
  const unsigned sz = artifact::elemTypeBytes(o.type);
  for (uint64_t i = 0, n = o.numElements(); i < n; ++i)
    storeF(o.type, c.outputs[0].data + i * sz, fn(loadF(o.type, c.inputs[0].data + i * sz), c));
  return {};
}

template <FloatFn fn> Status floatKernel(const HostCall &c) { return floatMap(c, fn); }

double gelu(double x, const HostCall &c) {
  const artifact::Attribute *a = findAttr(c, "approximate");
  if (a && a->kind == artifact::Attribute::Kind::String && a->s == "tanh")
    return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
  return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
}

/// Clip for every numeric type (integers go through double exactly up to
/// 2^53); absent bounds do not clip.
Status clip(const HostCall &c) {
  if (Status s = arity(c, 1, 1); !s.ok())
    return s;
  const TensorDesc &o = *c.outputs[0].desc;
  if (c.inputs[0].desc->type != o.type || c.inputs[0].desc->shape != o.shape ||
      o.type == ElemType::Bool)
    return Status::error(PAGODA_INVALID_ARGUMENT, "input and output must match in a numeric dtype");
  const double lo = floatAttr(c, "min", -INFINITY), hi = floatAttr(c, "max", INFINITY);
  const unsigned sz = artifact::elemTypeBytes(o.type);
  for (uint64_t i = 0, n = o.numElements(); i < n; ++i) {
    const uint8_t *p = c.inputs[0].data + i * sz;
    uint8_t *q = c.outputs[0].data + i * sz;
    if (isFloatType(o.type)) {
      double x = loadF(o.type, p);
      storeF(o.type, q, std::isnan(x) ? x : std::min(std::max(x, lo), hi));
    } else {
      int64_t x = loadI(o.type, p);
      if (double(x) < lo)
        x = int64_t(std::ceil(lo));
      if (double(x) > hi)
        x = int64_t(std::floor(hi));
      storeI(o.type, q, x);
    }
  }
  return {};
}

enum class Logic { And, Or, Xor };

template <Logic op> Status logic(const HostCall &c) {
  if (Status s = arity(c, 2, 1); !s.ok())
    return s;
  if (Status s = checkBroadcast(c); !s.ok())
    return s;
  const TensorDesc &o = *c.outputs[0].desc;
  if (o.type != ElemType::Bool || c.inputs[0].desc->type != ElemType::Bool ||
      c.inputs[1].desc->type != ElemType::Bool)
    return Status::error(PAGODA_INVALID_ARGUMENT, "inputs and output must be bool");
  for (uint64_t i = 0, n = o.numElements(); i < n; ++i) {
    bool a = c.inputs[0].data[broadcastIndex(o.shape, c.inputs[0].desc->shape, i)] != 0;
    bool b = c.inputs[1].data[broadcastIndex(o.shape, c.inputs[1].desc->shape, i)] != 0;
    c.outputs[0].data[i] = op == Logic::And ? (a && b) : op == Logic::Or ? (a || b) : (a != b);
  }
  return {};
}

Status logicalNot(const HostCall &c) {
  if (Status s = arity(c, 1, 1); !s.ok())
    return s;
  const TensorDesc &o = *c.outputs[0].desc;
  if (o.type != ElemType::Bool || c.inputs[0].desc->type != ElemType::Bool ||
      c.inputs[0].desc->shape != o.shape)
    return Status::error(PAGODA_INVALID_ARGUMENT, "input and output must be bool, one shape");
  for (uint64_t i = 0, n = o.numElements(); i < n; ++i)
    c.outputs[0].data[i] = c.inputs[0].data[i] == 0;
  return {};
}

/// IsNaN and IsInf (detect_positive / detect_negative): bool per element.
template <bool nan> Status classify(const HostCall &c) {
  if (Status s = arity(c, 1, 1); !s.ok())
    return s;
  const TensorDesc &i = *c.inputs[0].desc, &o = *c.outputs[0].desc;
  if (o.type != ElemType::Bool || !isFloatType(i.type) || i.shape != o.shape)
    return Status::error(PAGODA_INVALID_ARGUMENT, "needs a float input and a bool output");
  bool pos = true, neg = true;
  if (const artifact::Attribute *a = findAttr(c, "detect_positive"))
    pos = a->i != 0;
  if (const artifact::Attribute *a = findAttr(c, "detect_negative"))
    neg = a->i != 0;
  const unsigned sz = artifact::elemTypeBytes(i.type);
  for (uint64_t k = 0, n = o.numElements(); k < n; ++k) {
    double x = loadF(i.type, c.inputs[0].data + k * sz);
    c.outputs[0].data[k] = nan ? std::isnan(x) : (std::isinf(x) && (x > 0 ? pos : neg));
  }
  return {};
}

double fnAcos(double x, const HostCall &c) { return std::acos(x); }

double fnAcosh(double x, const HostCall &c) { return std::acosh(x); }

double fnAsin(double x, const HostCall &c) { return std::asin(x); }

double fnAsinh(double x, const HostCall &c) { return std::asinh(x); }

double fnAtan(double x, const HostCall &c) { return std::atan(x); }

double fnAtanh(double x, const HostCall &c) { return std::atanh(x); }

double fnCeil(double x, const HostCall &c) { return std::ceil(x); }

double fnCelu(double x, const HostCall &c) {
  double a = floatAttr(c, "alpha", 1);
  return std::max(0.0, x) + std::min(0.0, a * (std::exp(x / a) - 1));
}

double fnCos(double x, const HostCall &c) { return std::cos(x); }

double fnCosh(double x, const HostCall &c) { return std::cosh(x); }

double fnElu(double x, const HostCall &c) {
  return x >= 0 ? x : floatAttr(c, "alpha", 1) * (std::exp(x) - 1);
}

double fnErf(double x, const HostCall &c) { return std::erf(x); }

double fnFloor(double x, const HostCall &c) { return std::floor(x); }

double fnHardSigmoid(double x, const HostCall &c) {
  return std::max(0.0, std::min(1.0, floatAttr(c, "alpha", 0.2) * x + floatAttr(c, "beta", 0.5)));
}

double fnHardSwish(double x, const HostCall &c) {
  return x * std::max(0.0, std::min(1.0, x / 6 + 0.5));
}

double fnLeakyRelu(double x, const HostCall &c) {
  return x >= 0 ? x : floatAttr(c, "alpha", 0.01) * x;
}

double fnReciprocal(double x, const HostCall &c) { return 1 / x; }

double fnRound(double x, const HostCall &c) { return std::nearbyint(x); }

double fnSelu(double x, const HostCall &c) {
  return floatAttr(c, "gamma", 1.0507) *
         (x > 0 ? x : floatAttr(c, "alpha", 1.67326) * (std::exp(x) - 1));
}

double fnShrink(double x, const HostCall &c) {
  double l = floatAttr(c, "lambd", 0.5), b = floatAttr(c, "bias", 0);
  return x < -l ? x + b : x > l ? x - b : 0.0;
}

double fnSign(double x, const HostCall &c) {
  return std::isnan(x) ? x : x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
}

double fnSin(double x, const HostCall &c) { return std::sin(x); }

double fnSinh(double x, const HostCall &c) { return std::sinh(x); }

double fnSoftplus(double x, const HostCall &c) {
  return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

double fnSoftsign(double x, const HostCall &c) { return x / (1 + std::fabs(x)); }

double fnTan(double x, const HostCall &c) { return std::tan(x); }

double fnThresholdedRelu(double x, const HostCall &c) {
  return x > floatAttr(c, "alpha", 1) ? x : 0.0;
}

//===----------------------------------------------------------------------===//
// Layout, reductions, softmax and matrix products: what the compiler leaves
// on the host beyond elementwise ops. Attributes are the graph ops' own,
// axes already normalized; data movement copies bytes (any dtype), the
// arithmetic accepts float types and accumulates in double.
//===----------------------------------------------------------------------===//

/// Transpose {perm}: output dimension d is input dimension perm[d].
Status transpose(const HostCall &c) {
  if (Status s = arity(c, 1, 1); !s.ok())
    return s;
  std::vector<int64_t> perm;
  if (Status s = intsAttr(c, "perm", perm); !s.ok())
    return s;
  const TensorDesc &i = *c.inputs[0].desc, &o = *c.outputs[0].desc;
  size_t rank = i.shape.size();
  if (perm.size() != rank || o.shape.size() != rank || i.type != o.type)
    return Status::error(PAGODA_INVALID_ARGUMENT, "perm, input and output ranks differ");
  std::vector<uint64_t> inStride(rank, 1);
  for (size_t d = rank; d-- > 1;)
    inStride[d - 1] = inStride[d] * uint64_t(i.shape[d]);
  for (size_t d = 0; d < rank; ++d)
    if (perm[d] < 0 || size_t(perm[d]) >= rank || o.shape[d] != i.shape[size_t(perm[d])])
      return Status::error(PAGODA_INVALID_ARGUMENT, "the output shape is not the permuted input");
  const unsigned sz = artifact::elemTypeBytes(o.type);
  std::vector<int64_t> idx(rank, 0);
  for (uint64_t n = 0, total = o.numElements(); n < total; ++n) {
    uint64_t src = 0;
    for (size_t d = 0; d < rank; ++d)
      src += uint64_t(idx[d]) * inStride[size_t(perm[d])];
    std::memcpy(c.outputs[0].data + n * sz, c.inputs[0].data + src * sz, sz);
    nextIndex(idx, o.shape);
  }
  return {};
}

/// Concat {axis}.
Status concat(const HostCall &c) {
  if (c.inputs.empty() || c.outputs.size() != 1)
    return Status::error(PAGODA_INVALID_ARGUMENT, "expects inputs and one output");
  int64_t axis = 0;
  if (Status s = intAttr(c, "axis", axis); !s.ok())
    return s;
  const TensorDesc &o = *c.outputs[0].desc;
  if (Status s = axisIn(axis, o.shape.size()); !s.ok())
    return s;
  const unsigned sz = artifact::elemTypeBytes(o.type);
  uint64_t outer = product(o.shape, 0, size_t(axis));
  uint64_t inner = product(o.shape, size_t(axis) + 1, o.shape.size()) * sz;
  int64_t sum = 0;
  for (const HostTensor &t : c.inputs) {
    if (t.desc->type != o.type || t.desc->shape.size() != o.shape.size())
      return Status::error(PAGODA_INVALID_ARGUMENT,
                           "inputs differ from the output in dtype or rank");
    sum += t.desc->shape[size_t(axis)];
  }
  if (sum != o.shape[size_t(axis)])
    return Status::error(PAGODA_INVALID_ARGUMENT, "the inputs do not add up to the output");
  uint64_t rowOut = uint64_t(o.shape[size_t(axis)]) * inner, at = 0;
  for (const HostTensor &t : c.inputs) {
    uint64_t row = uint64_t(t.desc->shape[size_t(axis)]) * inner;
    for (uint64_t k = 0; k < outer; ++k)
      std::memcpy(c.outputs[0].data + k * rowOut + at, t.data + k * row, row);
    at += row;
  }
  return {};
}

/// Slice {starts, steps}: output element i of dimension d is input element
/// starts[d] + i * steps[d].
Status slice(const HostCall &c) {
  if (Status s = arity(c, 1, 1); !s.ok())
    return s;
  std::vector<int64_t> starts, steps;
  if (Status s = intsAttr(c, "starts", starts); !s.ok())
    return s;
  if (Status s = intsAttr(c, "steps", steps); !s.ok())
    return s;
  const TensorDesc &i = *c.inputs[0].desc, &o = *c.outputs[0].desc;
  size_t rank = i.shape.size();
  if (starts.size() != rank || steps.size() != rank || o.shape.size() != rank)
    return Status::error(PAGODA_INVALID_ARGUMENT, "starts, steps and ranks differ");
  for (size_t d = 0; d < rank; ++d) {
    int64_t last = starts[d] + (o.shape[d] - 1) * steps[d];
    if (o.shape[d] > 0 &&
        (starts[d] < 0 || starts[d] >= i.shape[d] || last < 0 || last >= i.shape[d]))
      return Status::error(PAGODA_INVALID_ARGUMENT,
                           fmt::format("dimension {} reads outside the input", d));
  }
  std::vector<uint64_t> stride(rank, 1);
  for (size_t d = rank; d-- > 1;)
    stride[d - 1] = stride[d] * uint64_t(i.shape[d]);
  const unsigned sz = artifact::elemTypeBytes(o.type);
  std::vector<int64_t> idx(rank, 0);
  for (uint64_t n = 0, total = o.numElements(); n < total; ++n) {
    uint64_t src = 0;
    for (size_t d = 0; d < rank; ++d)
      src += uint64_t(starts[d] + idx[d] * steps[d]) * stride[d];
    std::memcpy(c.outputs[0].data + n * sz, c.inputs[0].data + src * sz, sz);
    nextIndex(idx, o.shape);
  }
  return {};
}

/// Softmax / LogSoftmax {axis}: max-subtracted, in double.
template <bool Log> Status softmax(const HostCall &c) {
  if (Status s = arity(c, 1, 1); !s.ok())
    return s;
  if (Status s = floatsOnly(c); !s.ok())
    return s;
  int64_t axis = 0;
  if (Status s = intAttr(c, "axis", axis); !s.ok())
    return s;
  const TensorDesc &o = *c.outputs[0].desc;
  if (Status s = axisIn(axis, o.shape.size()); !s.ok())
    return s;
  if (c.inputs[0].desc->shape != o.shape)
    return Status::error(PAGODA_INVALID_ARGUMENT, "input and output shapes differ");
  const ElemType t = o.type;
  const unsigned sz = artifact::elemTypeBytes(t);
  uint64_t outer = product(o.shape, 0, size_t(axis)), n = uint64_t(o.shape[size_t(axis)]);
  uint64_t inner = product(o.shape, size_t(axis) + 1, o.shape.size());
  std::vector<double> row(n);
  for (uint64_t a = 0; a < outer; ++a)
    for (uint64_t b = 0; b < inner; ++b) {
      double mx = -INFINITY, sum = 0;
      for (uint64_t k = 0; k < n; ++k) {
        row[k] = loadF(t, c.inputs[0].data + ((a * n + k) * inner + b) * sz);
        mx = std::max(mx, row[k]);
      }
      for (uint64_t k = 0; k < n; ++k)
        sum += std::exp(row[k] - mx);
      for (uint64_t k = 0; k < n; ++k) {
        double r = Log ? row[k] - mx - std::log(sum) : std::exp(row[k] - mx) / sum;
        storeF(t, c.outputs[0].data + ((a * n + k) * inner + b) * sz, r);
      }
    }
  return {};
}

enum class Red { Sum, Mean, Max, Min, Prod, L1, L2, SumSquare, LogSum, LogSumExp };

/// Reduce* {axes (sorted), keepdims}: the output index of an input element
/// drops (or zeroes) the reduced coordinates.
template <Red op> Status reduce(const HostCall &c) {
  if (Status s = arity(c, 1, 1); !s.ok())
    return s;
  if (Status s = floatsOnly(c); !s.ok())
    return s;
  std::vector<int64_t> axes;
  if (Status s = intsAttr(c, "axes", axes); !s.ok())
    return s;
  const TensorDesc &i = *c.inputs[0].desc, &o = *c.outputs[0].desc;
  size_t rank = i.shape.size();
  std::vector<bool> reduced(rank, false);
  for (int64_t a : axes) {
    if (Status s = axisIn(a, rank); !s.ok())
      return s;
    reduced[size_t(a)] = true;
  }
  uint64_t count = 1;
  for (size_t d = 0; d < rank; ++d)
    if (reduced[d])
      count *= uint64_t(i.shape[d]);
  if (o.numElements() * count != i.numElements())
    return Status::error(PAGODA_INVALID_ARGUMENT, "the output is not the input reduced over axes");
  double init = op == Red::Max         ? -INFINITY
                : op == Red::Min       ? INFINITY
                : op == Red::Prod      ? 1.0
                : op == Red::LogSumExp ? -INFINITY
                                       : 0.0;
  std::vector<double> acc(o.numElements(), init);
  const ElemType t = o.type;
  const unsigned sz = artifact::elemTypeBytes(t);
  std::vector<int64_t> idx(rank, 0);
  for (uint64_t n = 0, total = i.numElements(); n < total; ++n) {
    uint64_t dst = 0;
    for (size_t d = 0; d < rank; ++d)
      if (!reduced[d])
        dst = dst * uint64_t(i.shape[d]) + uint64_t(idx[d]);
    double x = loadF(t, c.inputs[0].data + n * sz);
    double &a = acc[dst];
    switch (op) {
    case Red::Sum:
    case Red::Mean:
      a += x;
      break;
    case Red::Max:
      a = std::isnan(x) || std::isnan(a) ? NAN : std::max(a, x);
      break;
    case Red::Min:
      a = std::isnan(x) || std::isnan(a) ? NAN : std::min(a, x);
      break;
    case Red::Prod:
      a *= x;
      break;
    case Red::L1:
      a += std::fabs(x);
      break;
    case Red::L2:
    case Red::SumSquare:
      a += x * x;
      break;
    case Red::LogSum:
      a += x;
      break;
    case Red::LogSumExp: // a running log-sum-exp, stable for any magnitude
      a = a == -INFINITY ? x : std::max(a, x) + std::log1p(std::exp(-std::fabs(a - x)));
      break;
    }
    nextIndex(idx, i.shape);
  }
  for (size_t k = 0; k < acc.size(); ++k) {
    double v = acc[k];
    if (op == Red::Mean)
      v /= double(count);
    else if (op == Red::L2)
      v = std::sqrt(v);
    else if (op == Red::LogSum)
      v = std::log(v);
    storeF(t, c.outputs[0].data + k * sz, v);
  }
  return {};
}

/// MatMul with numpy semantics: rank-1 operands promoted, batch dimensions
/// broadcast.
Status matmul(const HostCall &c) {
  if (Status s = arity(c, 2, 1); !s.ok())
    return s;
  if (Status s = floatsOnly(c); !s.ok())
    return s;
  const TensorDesc &o = *c.outputs[0].desc;
  MatmulDims d;
  if (Status s = d.read(c.inputs[0].desc->shape, c.inputs[1].desc->shape, o); !s.ok())
    return s;
  const int64_t m = d.m, k = d.k, n = d.n;
  const ElemType t = o.type;
  const unsigned sz = artifact::elemTypeBytes(t);
  for (uint64_t p = 0; p < d.batches; ++p) {
    const uint8_t *pa = c.inputs[0].data + d.aOffset(p) * sz;
    const uint8_t *pb = c.inputs[1].data + d.bOffset(p) * sz;
    uint8_t *po = c.outputs[0].data + p * uint64_t(m * n) * sz;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t q = 0; q < k; ++q)
          acc += loadF(t, pa + uint64_t(i * k + q) * sz) * loadF(t, pb + uint64_t(q * n + j) * sz);
        storeF(t, po + uint64_t(i * n + j) * sz, acc);
      }
  }
  return {};
}

/// Gemm {alpha, beta, trans_a, trans_b}: alpha * op(A) op(B) + beta * C,
/// C optional and broadcast to [M, N].
Status gemm(const HostCall &c) {
  if ((c.inputs.size() != 2 && c.inputs.size() != 3) || c.outputs.size() != 1)
    return Status::error(PAGODA_INVALID_ARGUMENT, "expects 2 or 3 inputs and one output");
  if (Status s = floatsOnly(c); !s.ok())
    return s;
  int64_t ta = 0, tb = 0;
  if (Status s = intAttr(c, "trans_a", ta); !s.ok())
    return s;
  if (Status s = intAttr(c, "trans_b", tb); !s.ok())
    return s;
  double alpha = floatAttr(c, "alpha", 1.0), beta = floatAttr(c, "beta", 1.0);
  const std::vector<int64_t> &a = c.inputs[0].desc->shape, &b = c.inputs[1].desc->shape;
  if (a.size() != 2 || b.size() != 2)
    return Status::error(PAGODA_INVALID_ARGUMENT, "A and B must be matrices");
  int64_t m = ta ? a[1] : a[0], k = ta ? a[0] : a[1], n = tb ? b[0] : b[1];
  if ((tb ? b[1] : b[0]) != k)
    return Status::error(PAGODA_INVALID_ARGUMENT, "contraction dimensions differ");
  const TensorDesc &o = *c.outputs[0].desc;
  if (o.shape != std::vector<int64_t>{m, n})
    return Status::error(PAGODA_INVALID_ARGUMENT, "the output is not [M, N]");
  if (c.inputs.size() == 3) {
    const std::vector<int64_t> &cs = c.inputs[2].desc->shape;
    for (size_t q = 0; q < cs.size(); ++q)
      if (cs.size() > 2 || (cs[q] != 1 && cs[q] != o.shape[2 - cs.size() + q]))
        return Status::error(PAGODA_INVALID_ARGUMENT, "C does not broadcast to [M, N]");
  }
  const ElemType t = o.type;
  const unsigned sz = artifact::elemTypeBytes(t);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double acc = 0;
      for (int64_t q = 0; q < k; ++q) {
        uint64_t ai = uint64_t(ta ? q * m + i : i * k + q);
        uint64_t bi = uint64_t(tb ? j * k + q : q * n + j);
        acc += loadF(t, c.inputs[0].data + ai * sz) * loadF(t, c.inputs[1].data + bi * sz);
      }
      double r = alpha * acc;
      if (c.inputs.size() == 3)
        r += beta * loadF(t, c.inputs[2].data + broadcastIndex(o.shape, c.inputs[2].desc->shape,
                                                               uint64_t(i * n + j)) *
                                                    sz);
      storeF(t, c.outputs[0].data + uint64_t(i * n + j) * sz, r);
    }
  return {};
}

} // namespace

void hostWork(const artifact::Step &step, double &flops, uint64_t &bytes) {
  bytes = 0;
  for (const TensorDesc &t : step.inputTypes)
    bytes += t.byteSize();
  for (const TensorDesc &t : step.outputTypes)
    bytes += t.byteSize();
  const double out = step.outputTypes.empty() ? 0 : double(step.outputTypes[0].numElements());
  flops = out; // one operation per output element, unless the op says more
  const std::vector<TensorDesc> &in = step.inputTypes;
  auto attrInt = [&](const char *name) {
    auto it = step.attributes.find(name);
    return it == step.attributes.end() ? int64_t(0) : it->second.i;
  };
  const bool conv = step.op == "Conv" || step.op == "ConvInteger" || step.op == "QLinearConv";
  const size_t weight = step.op == "QLinearConv" ? 3 : 1;
  if ((conv || step.op == "ConvTranspose") && in.size() > weight) {
    const std::vector<int64_t> &w = in[weight].shape;
    double perOutput = double(product(w, 1, w.size()));
    flops = 2 * perOutput * (conv ? out : double(in[0].numElements()));
  } else if ((step.op == "MatMul" || step.op == "Gemm" || step.op == "MatMulInteger" ||
              step.op == "QLinearMatMul") &&
             !in.empty() && !in[0].shape.empty()) {
    const std::vector<int64_t> &a = in[0].shape;
    int64_t k = step.op == "Gemm" && attrInt("trans_a") ? a.front() : a.back();
    flops = 2 * out * double(k);
  } else if (step.op == "MaxPool" || step.op == "AveragePool") {
    auto it = step.attributes.find("kernel");
    if (it != step.attributes.end())
      flops = out * double(product(it->second.ints, 0, it->second.ints.size()));
  }
}

const std::map<std::string, HostKernel> &hostKernels() {
  static const std::map<std::string, HostKernel> registry = [] {
    std::map<std::string, HostKernel> r = {
        {"Abs", unary<Un::Abs>},
        {"Acos", floatKernel<fnAcos>},
        {"Acosh", floatKernel<fnAcosh>},
        {"And", logic<Logic::And>},
        {"Asin", floatKernel<fnAsin>},
        {"Asinh", floatKernel<fnAsinh>},
        {"Atan", floatKernel<fnAtan>},
        {"Atanh", floatKernel<fnAtanh>},
        {"Ceil", floatKernel<fnCeil>},
        {"Celu", floatKernel<fnCelu>},
        {"Clip", clip},
        {"Cos", floatKernel<fnCos>},
        {"Cosh", floatKernel<fnCosh>},
        {"Elu", floatKernel<fnElu>},
        {"Erf", floatKernel<fnErf>},
        {"Floor", floatKernel<fnFloor>},
        {"Gelu", floatKernel<gelu>},
        {"HardSigmoid", floatKernel<fnHardSigmoid>},
        {"HardSwish", floatKernel<fnHardSwish>},
        {"IsInf", classify<false>},
        {"IsNaN", classify<true>},
        {"LeakyRelu", floatKernel<fnLeakyRelu>},
        {"Not", logicalNot},
        {"Or", logic<Logic::Or>},
        {"Reciprocal", floatKernel<fnReciprocal>},
        {"Round", floatKernel<fnRound>},
        {"Selu", floatKernel<fnSelu>},
        {"Shrink", floatKernel<fnShrink>},
        {"Sign", floatKernel<fnSign>},
        {"Sin", floatKernel<fnSin>},
        {"Sinh", floatKernel<fnSinh>},
        {"Softplus", floatKernel<fnSoftplus>},
        {"Softsign", floatKernel<fnSoftsign>},
        {"Tan", floatKernel<fnTan>},
        {"ThresholdedRelu", floatKernel<fnThresholdedRelu>},
        {"Xor", logic<Logic::Xor>},
        {"Add", binary<Bin::Add>},
        {"Cast", cast},
        {"Concat", concat},
        {"Div", binary<Bin::Div>},
        {"Equal", compare<Cmp::Equal>},
        {"Exp", unary<Un::Exp>},
        {"Gemm", gemm},
        {"Greater", compare<Cmp::Greater>},
        {"GreaterOrEqual", compare<Cmp::GreaterOrEqual>},
        {"Identity", identity},
        {"Less", compare<Cmp::Less>},
        {"LessOrEqual", compare<Cmp::LessOrEqual>},
        {"Log", unary<Un::Log>},
        {"LogSoftmax", softmax<true>},
        {"MatMul", matmul},
        {"Max", binary<Bin::Max>},
        {"Min", binary<Bin::Min>},
        {"Mul", binary<Bin::Mul>},
        {"Neg", unary<Un::Neg>},
        {"Pow", binary<Bin::Pow>},
        {"ReduceL1", reduce<Red::L1>},
        {"ReduceL2", reduce<Red::L2>},
        {"ReduceLogSum", reduce<Red::LogSum>},
        {"ReduceLogSumExp", reduce<Red::LogSumExp>},
        {"ReduceMax", reduce<Red::Max>},
        {"ReduceMean", reduce<Red::Mean>},
        {"ReduceMin", reduce<Red::Min>},
        {"ReduceProd", reduce<Red::Prod>},
        {"ReduceSumSquare", reduce<Red::SumSquare>},
        {"ReduceSum", reduce<Red::Sum>},
        {"Relu", unary<Un::Relu>},
        {"Reshape", identity},
        {"Sigmoid", unary<Un::Sigmoid>},
        {"Slice", slice},
        {"Softmax", softmax<false>},
        {"Sqrt", unary<Un::Sqrt>},
        {"Sub", binary<Bin::Sub>},
        {"Tanh", unary<Un::Tanh>},
        {"Transpose", transpose},
        {"Where", where},
    };
    host::addNNKernels(r);
    host::addQuantKernels(r);
    return r;
  }();
  return registry;
}

} // namespace pagoda::runtime
