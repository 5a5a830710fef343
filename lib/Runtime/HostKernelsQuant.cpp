//===- HostKernelsQuant.cpp - Quantization and integer products on the CPU ===//
//
// QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, MatMulInteger,
// ConvInteger, QLinearMatMul and QLinearConv as ONNX defines them. Scales
// and the division by them are f32 as the reference computes them; integer
// accumulators are exact (double holds every int32 sum); results round half
// to even and saturate to the output type.
//
//===----------------------------------------------------------------------===//

#include "HostKernelSupport.h"

#include <algorithm>
#include <limits>

namespace pagoda::runtime::host {
namespace {

Status invalid(const std::string &message) {
  return Status::error(PAGODA_INVALID_ARGUMENT, message);
}

/// The range an integer output type saturates to.
bool intRange(ElemType t, double &lo, double &hi) {
  switch (t) {
  case ElemType::U8:
    lo = 0, hi = 255;
    return true;
  case ElemType::S8:
    lo = -128, hi = 127;
    return true;
  case ElemType::U16:
    lo = 0, hi = 65535;
    return true;
  case ElemType::S16:
    lo = -32768, hi = 32767;
    return true;
  case ElemType::S32:
    lo = double(std::numeric_limits<int32_t>::min());
    hi = double(std::numeric_limits<int32_t>::max());
    return true;
  default:
    return false;
  }
}

/// Rounds half to even, adds the zero point and saturates into `out`'s
/// type (checked by the caller); NaN counts as 0, as the NPU's conversion
/// has it.
void storeQuantized(const HostTensor &out, uint64_t i, double v, double zeroPoint) {
  double lo = 0, hi = 0;
  intRange(out.desc->type, lo, hi);
  v = (std::isnan(v) ? 0.0 : std::nearbyint(v)) + zeroPoint; // rounding: half to even
  v = std::clamp(v, lo, hi);
  storeI(out.desc->type, out.data + i * artifact::elemTypeBytes(out.desc->type), int64_t(v));
}

Status quantizedOutput(const HostTensor &out) {
  double lo, hi;
  if (!intRange(out.desc->type, lo, hi))
    return invalid(fmt::format("quantizes to {}, not an 8-, 16- or 32-bit integer type",
                               artifact::elemTypeName(out.desc->type)));
  return {};
}

double at(const HostTensor &t, uint64_t i) {
  return loadAny(t.desc->type, t.data + i * artifact::elemTypeBytes(t.desc->type));
}

/// A scale or zero point of QuantizeLinear/DequantizeLinear: one value, or
/// one per index along `axis` of the data.
struct AxisParam {
  uint64_t inner = 1, dim = 1;
  bool perAxis = false;
  Status read(const HostCall &c, const HostTensor &p, const char *what) {
    const std::vector<int64_t> &shape = c.inputs[0].desc->shape;
    const uint64_t n = p.desc->numElements();
    if (n == 1)
      return {};
    int64_t axis = 1;
    if (Status s = intAttr(c, "axis", axis); !s.ok())
      return s;
    if (Status s = axisIn(axis, shape.size()); !s.ok())
      return s;
    dim = uint64_t(shape[size_t(axis)]);
    if (n != dim)
      return invalid(
          fmt::format("the {} has {} elements; the data has {} along axis {}", what, n, dim, axis));
    inner = product(shape, size_t(axis) + 1, shape.size());
    perAxis = true;
    return {};
  }
  uint64_t index(uint64_t flat) const { return perAxis ? flat / inner % dim : 0; }
};

/// QuantizeLinear (x, scale, zero_point) {axis}: saturate(round(x / scale) + zp).
/// DequantizeLinear (x, scale, zero_point) {axis}: (x - zp) * scale.
template <bool quantize> Status quantizeLinear(const HostCall &c) {
  if (Status s = arity(c, 3, 1); !s.ok())
    return s;
  const HostTensor &x = c.inputs[0], &scale = c.inputs[1], &zp = c.inputs[2], &y = c.outputs[0];
  if (!isFloatType(scale.desc->type) || isFloatType(zp.desc->type))
    return invalid("the scale must be a float tensor and the zero point an integer tensor");
  if (Status s = quantize ? quantizedOutput(y) : Status(); !s.ok())
    return s;
  if (quantize ? !isFloatType(x.desc->type)
               : isFloatType(x.desc->type) || !isFloatType(y.desc->type))
    return invalid(quantize ? "quantizes a float tensor" : "dequantizes an integer tensor");
  AxisParam ps, pz;
  if (Status s = ps.read(c, scale, "scale"); !s.ok())
    return s;
  if (Status s = pz.read(c, zp, "zero point"); !s.ok())
    return s;
  const uint64_t n = x.desc->numElements();
  const unsigned ysz = artifact::elemTypeBytes(y.desc->type);
  for (uint64_t i = 0; i < n; ++i) {
    const float s = float(at(scale, ps.index(i)));
    const double z = at(zp, pz.index(i));
    if (quantize)
      storeQuantized(y, i, double(float(at(x, i)) / s), z);
    else
      storeF(y.desc->type, y.data + i * ysz, double(float(at(x, i) - z) * s));
  }
  return {};
}

/// DynamicQuantizeLinear (x) -> (y, scale, zero_point): uint8 over the
/// range of x extended to hold 0.
Status dynamicQuantize(const HostCall &c) {
  if (Status s = arity(c, 1, 3); !s.ok())
    return s;
  const HostTensor &x = c.inputs[0];
  if (!isFloatType(x.desc->type) || c.outputs[0].desc->type != ElemType::U8 ||
      c.outputs[2].desc->type != ElemType::U8 || !isFloatType(c.outputs[1].desc->type))
    return invalid("quantizes a float tensor to uint8 with a float scale and uint8 zero point");
  const uint64_t n = x.desc->numElements();
  float lo = 0, hi = 0;
  for (uint64_t i = 0; i < n; ++i) {
    const float v = float(at(x, i));
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  // In f32 as the reference computes it; a range of 0 (every element 0)
  // counts as 1.
  const float scale = (hi == lo ? 1.0f : hi - lo) / 255.0f;
  storeF(c.outputs[1].desc->type, c.outputs[1].data, scale);
  const double zp = std::clamp(std::nearbyint(double(0.0f - lo / scale)), 0.0, 255.0);
  storeI(ElemType::U8, c.outputs[2].data, int64_t(zp));
  for (uint64_t i = 0; i < n; ++i)
    storeQuantized(c.outputs[0], i, double(float(at(x, i)) / scale), zp);
  return {};
}

/// A zero point or scale of a matrix product: one value, or one per row of
/// A (`rows`) or per column of B.
Status matrixParam(const HostTensor &p, int64_t count, const char *what) {
  const uint64_t n = p.desc->numElements();
  if (n != 1 && n != uint64_t(count))
    return invalid(fmt::format("the {} has {} elements: one, or one per {}", what, n,
                               count == 1 ? "matrix" : "row or column"));
  return {};
}
double paramAt(const HostTensor &p, int64_t i) {
  return at(p, p.desc->numElements() == 1 ? 0 : uint64_t(i));
}

/// The int32 product of (A - azp) and (B - bzp), per output element in
/// order, with numpy MatMul's batching. Operand indices a, azp, b, bzp.
Status integerMatmul(const HostCall &c, size_t a, size_t azp, size_t b, size_t bzp, MatmulDims &d,
                     std::vector<double> &acc) {
  for (size_t i : {a, azp, b, bzp})
    if (isFloatType(c.inputs[i].desc->type))
      return invalid(fmt::format("operand {} must be an integer tensor", i));
  if (Status s = d.read(c.inputs[a].desc->shape, c.inputs[b].desc->shape, *c.outputs[0].desc);
      !s.ok())
    return s;
  if (Status s = matrixParam(c.inputs[azp], d.m, "A zero point"); !s.ok())
    return s;
  if (Status s = matrixParam(c.inputs[bzp], d.n, "B zero point"); !s.ok())
    return s;
  const HostTensor &A = c.inputs[a], &B = c.inputs[b];
  acc.assign(d.batches * uint64_t(d.m * d.n), 0.0);
  for (uint64_t p = 0; p < d.batches; ++p) {
    const uint64_t pa = d.aOffset(p), pb = d.bOffset(p);
    for (int64_t i = 0; i < d.m; ++i) {
      const double za = paramAt(c.inputs[azp], i);
      for (int64_t j = 0; j < d.n; ++j) {
        const double zb = paramAt(c.inputs[bzp], j);
        double sum = 0;
        for (int64_t q = 0; q < d.k; ++q)
          sum +=
              (at(A, pa + uint64_t(i * d.k + q)) - za) * (at(B, pb + uint64_t(q * d.n + j)) - zb);
        acc[(p * uint64_t(d.m) + uint64_t(i)) * uint64_t(d.n) + uint64_t(j)] = sum;
      }
    }
  }
  return {};
}

/// Exact integer sums as int32, wrapping as the cube's s32 accumulators do
/// (only sums beyond 2^31 differ from the exact value).
void storeInt32(const HostTensor &out, const std::vector<double> &acc) {
  for (uint64_t i = 0; i < acc.size(); ++i) {
    const int64_t v = int64_t(acc[i]);
    const uint32_t wrapped = uint32_t(uint64_t(v));
    std::memcpy(out.data + i * 4, &wrapped, 4);
  }
}

Status int32Output(const HostCall &c) {
  if (c.outputs.size() != 1 || c.outputs[0].desc->type != ElemType::S32)
    return invalid("the result must be one int32 tensor");
  return {};
}

/// MatMulInteger (A, B, a_zero_point, b_zero_point) -> int32.
Status matmulInteger(const HostCall &c) {
  if (Status s = arity(c, 4, 1); !s.ok())
    return s;
  if (Status s = int32Output(c); !s.ok())
    return s;
  MatmulDims d;
  std::vector<double> acc;
  if (Status s = integerMatmul(c, 0, 2, 1, 3, d, acc); !s.ok())
    return s;
  storeInt32(c.outputs[0], acc);
  return {};
}

/// QLinearMatMul (a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp):
/// the integer product requantized by a_scale * b_scale / y_scale.
Status qlinearMatmul(const HostCall &c) {
  if (Status s = arity(c, 8, 1); !s.ok())
    return s;
  if (Status s = quantizedOutput(c.outputs[0]); !s.ok())
    return s;
  MatmulDims d;
  std::vector<double> acc;
  if (Status s = integerMatmul(c, 0, 2, 3, 5, d, acc); !s.ok())
    return s;
  const HostTensor &as = c.inputs[1], &bs = c.inputs[4], &ys = c.inputs[6], &yz = c.inputs[7];
  if (Status s = matrixParam(as, d.m, "A scale"); !s.ok())
    return s;
  if (Status s = matrixParam(bs, d.n, "B scale"); !s.ok())
    return s;
  if (Status s = matrixParam(ys, 1, "Y scale"); !s.ok())
    return s;
  if (Status s = matrixParam(yz, 1, "Y zero point"); !s.ok())
    return s;
  for (uint64_t e = 0; e < acc.size(); ++e) {
    const int64_t j = int64_t(e % uint64_t(d.n)), i = int64_t(e / uint64_t(d.n) % uint64_t(d.m));
    const float mult = float(paramAt(as, i)) * float(paramAt(bs, j)) / float(at(ys, 0));
    storeQuantized(c.outputs[0], e, double(float(acc[e]) * mult), at(yz, 0));
  }
  return {};
}

/// ConvInteger (x, w, x_zero_point, w_zero_point) -> int32.
Status convInteger(const HostCall &c) {
  if (Status s = arity(c, 4, 1); !s.ok())
    return s;
  if (Status s = int32Output(c); !s.ok())
    return s;
  std::vector<double> acc;
  if (Status s = integerConv(c, 0, 2, 1, 3, acc); !s.ok())
    return s;
  storeInt32(c.outputs[0], acc);
  return {};
}

/// QLinearConv (x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, [B]):
/// the integer convolution plus the int32 bias, requantized by
/// x_scale * w_scale / y_scale (w_scale one value or one per channel).
Status qlinearConv(const HostCall &c) {
  if ((c.inputs.size() != 8 && c.inputs.size() != 9) || c.outputs.size() != 1)
    return invalid("expects 8 or 9 inputs and 1 output");
  if (Status s = quantizedOutput(c.outputs[0]); !s.ok())
    return s;
  std::vector<double> acc;
  if (Status s = integerConv(c, 0, 2, 3, 5, acc); !s.ok())
    return s;
  const std::vector<int64_t> &os = c.outputs[0].desc->shape;
  const artifact::Attribute *last = findAttr(c, "channels_last");
  const bool channelsLast = last && last->kind == artifact::Attribute::Kind::Int && last->i;
  // Channels-last results keep the channel innermost.
  const int64_t M = channelsLast ? os.back() : os[1];
  const uint64_t inner = channelsLast ? 1 : product(os, 2, os.size());
  const HostTensor &xs = c.inputs[1], &ws = c.inputs[4], &ys = c.inputs[6], &yz = c.inputs[7];
  if (Status s = matrixParam(ws, M, "weight scale"); !s.ok())
    return s;
  for (const HostTensor *p : {&xs, &ys, &yz})
    if (Status s = matrixParam(*p, 1, "input or output scale or zero point"); !s.ok())
      return s;
  const HostTensor *bias = c.inputs.size() == 9 ? &c.inputs[8] : nullptr;
  if (bias && (isFloatType(bias->desc->type) || bias->desc->numElements() != uint64_t(M)))
    return invalid("the bias must be one integer per output channel");
  for (uint64_t e = 0; e < acc.size(); ++e) {
    const int64_t m = int64_t(e / inner % uint64_t(M));
    const double sum = acc[e] + (bias ? at(*bias, uint64_t(m)) : 0.0);
    const float mult = float(at(xs, 0)) * float(paramAt(ws, m)) / float(at(ys, 0));
    storeQuantized(c.outputs[0], e, double(float(sum) * mult), at(yz, 0));
  }
  return {};
}

} // namespace

void addQuantKernels(std::map<std::string, HostKernel> &r) {
  r["ConvInteger"] = convInteger;
  r["DequantizeLinear"] = quantizeLinear<false>;
  r["DynamicQuantizeLinear"] = dynamicQuantize;
  r["MatMulInteger"] = matmulInteger;
  r["QLinearConv"] = qlinearConv;
  r["QLinearMatMul"] = qlinearMatmul;
  r["QuantizeLinear"] = quantizeLinear<true>;
}

} // namespace pagoda::runtime::host
