//===- HostKernelsNN.cpp - Convolution, pooling, norms, indexing on the CPU ===//
//
// The host side of what the NPU generators do not cover yet: N-D
// convolution and transposed convolution (groups, strides, pads,
// dilations), max and average pooling, batch/instance/layer normalization,
// argmax/argmin, gathers, PRelu, Mod, padding, depth/space moves, Tile,
// Expand, Resize (nearest and linear) and CumSum. Float arithmetic goes
// through double and rounds once into the output type; index and data
// movement work on any dtype. Attributes are the graph ops' own.
//
//===----------------------------------------------------------------------===//

#include "HostKernelSupport.h"

#include <algorithm>

namespace pagoda::runtime::host {
namespace {

Status invalid(const std::string &message) {
  return Status::error(PAGODA_INVALID_ARGUMENT, message);
}

/// Row-major strides of a shape.
std::vector<uint64_t> stridesOf(const std::vector<int64_t> &shape) {
  std::vector<uint64_t> s(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;)
    s[d - 1] = s[d] * uint64_t(shape[d]);
  return s;
}

/// Loads a tensor of any numeric type into doubles.
std::vector<double> loadAll(const HostTensor &t) {
  const unsigned sz = artifact::elemTypeBytes(t.desc->type);
  std::vector<double> v(t.desc->numElements());
  for (uint64_t i = 0; i < v.size(); ++i)
    v[i] = loadAny(t.desc->type, t.data + i * sz);
  return v;
}

void storeAll(const HostTensor &t, const std::vector<double> &v) {
  const unsigned sz = artifact::elemTypeBytes(t.desc->type);
  for (uint64_t i = 0; i < v.size(); ++i)
    storeF(t.desc->type, t.data + i * sz, v[i]);
}

/// Spatial geometry shared by convolutions and pools: kernel, strides,
/// pads (begins then ends) and dilations over the n spatial dims.
struct Window {
  std::vector<int64_t> kernel, strides, pads, dilations;
  Status read(const HostCall &c, size_t n, bool kernelAttr) {
    if (kernelAttr)
      if (Status s = intsAttr(c, "kernel", kernel); !s.ok())
        return s;
    if (Status s = intsAttr(c, "strides", strides); !s.ok())
      return s;
    if (Status s = intsAttr(c, "pads", pads); !s.ok())
      return s;
    if (Status s = intsAttr(c, "dilations", dilations); !s.ok())
      return s;
    if ((kernelAttr && kernel.size() != n) || strides.size() != n || pads.size() != 2 * n ||
        dilations.size() != n)
      return invalid("kernel, strides, pads and dilations do not match the spatial rank");
    return {};
  }
};

/// [N][V][C] <-> [N][C][V] for channels-last operands.
std::vector<double> swapChannels(const std::vector<double> &v, uint64_t n, uint64_t a, uint64_t b) {
  std::vector<double> out(v.size());
  for (uint64_t i = 0; i < n; ++i)
    for (uint64_t x = 0; x < a; ++x)
      for (uint64_t y = 0; y < b; ++y)
        out[(i * b + y) * a + x] = v[(i * a + x) * b + y];
  return out;
}

/// What Conv and ConvTranspose share: the operands (input, weight, an
/// optional bias) loaded as doubles, the window, the group, and the
/// spatial sizes of input, weight and output.
struct ConvSetup {
  Window w;
  int64_t group = 1;
  bool channelsLast = false; ///< input and output [N, D..., C] (Conv only)
  size_t n = 0;
  std::vector<double> x, wt, bias;
  std::vector<int64_t> xShape, wShape; ///< as stored (channels-last or not)
  std::vector<int64_t> isz, ksz, osz;
  uint64_t iVol = 0, kVol = 0, oVol = 0;

  /// Conv and ConvTranspose: input, weight and an optional bias, one
  /// float type.
  Status read(const HostCall &c) {
    if (c.inputs.size() < 2 || c.inputs.size() > 3 || c.outputs.size() != 1)
      return invalid("expects 2 or 3 inputs and 1 output");
    if (Status s = floatsOnly(c); !s.ok())
      return s;
    if (Status s = read(c, 0, 1); !s.ok())
      return s;
    if (c.inputs.size() == 3)
      bias = loadAll(c.inputs[2]);
    return {};
  }

  /// The input and weight at operand indices xi and wi, any numeric type.
  Status read(const HostCall &c, size_t xi, size_t wi) {
    if (c.outputs.size() != 1 || c.inputs.size() <= std::max(xi, wi))
      return invalid("missing operands");
    const std::vector<int64_t> &xs = c.inputs[xi].desc->shape, &ws = c.inputs[wi].desc->shape,
                               &os = c.outputs[0].desc->shape;
    if (xs.size() < 3 || ws.size() != xs.size() || os.size() != xs.size())
      return invalid("input, weight and output need one rank >= 3");
    n = xs.size() - 2;
    if (Status s = w.read(c, n, false); !s.ok())
      return s;
    if (Status s = intAttr(c, "group", group); !s.ok())
      return s;
    if (group < 1)
      return invalid("group must be positive");
    const artifact::Attribute *last = findAttr(c, "channels_last");
    channelsLast = last && last->kind == artifact::Attribute::Kind::Int && last->i;
    const size_t first = channelsLast ? 1 : 2;
    x = loadAll(c.inputs[xi]);
    wt = loadAll(c.inputs[wi]);
    xShape = xs;
    wShape = ws;
    isz.assign(xs.begin() + first, xs.begin() + first + n);
    ksz.assign(ws.begin() + 2, ws.end());
    osz.assign(os.begin() + first, os.begin() + first + n);
    iVol = product(isz, 0, n);
    kVol = product(ksz, 0, n);
    oVol = product(osz, 0, n);
    if (channelsLast) // computed channels-first
      x = swapChannels(x, uint64_t(xs[0]), iVol, uint64_t(xs.back()));
    return {};
  }

  /// The flat offset of position `o` stepped by kernel tap `k` in a space
  /// of sizes `space` (strides `str`), or false when it falls outside.
  bool tap(const std::vector<int64_t> &o, const std::vector<int64_t> &k,
           const std::vector<int64_t> &space, const std::vector<uint64_t> &str,
           uint64_t &off) const {
    off = 0;
    for (size_t d = 0; d < n; ++d) {
      int64_t p = o[d] * w.strides[d] - w.pads[d] + k[d] * w.dilations[d];
      if (p < 0 || p >= space[d])
        return false;
      off += uint64_t(p) * str[d];
    }
    return true;
  }
};

/// The convolution of s.x by s.wt plus s.bias (input [N, C, D...], weight
/// [M, C/group, k...], bias [M] or empty), in the output's layout.
Status convolve(const HostCall &c, const ConvSetup &s, std::vector<double> &out) {
  const std::vector<int64_t> &xs = s.xShape, &ws = s.wShape, &os = c.outputs[0].desc->shape;
  const int64_t N = xs[0], M = ws[0], Cg = ws[1];
  const int64_t C = s.channelsLast ? xs.back() : xs[1];
  if (C != Cg * s.group || M % s.group || os[0] != N || (s.channelsLast ? os.back() : os[1]) != M)
    return invalid("channels do not match the weight and group");
  const std::vector<uint64_t> iStr = stridesOf(s.isz);
  out.assign(uint64_t(N * M) * s.oVol, 0.0);
  const int64_t Mg = M / s.group;
  std::vector<int64_t> o(s.n), k(s.n);
  for (int64_t b = 0; b < N; ++b)
    for (int64_t m = 0; m < M; ++m) {
      const int64_t g = m / Mg;
      std::fill(o.begin(), o.end(), 0);
      for (uint64_t op = 0; op < s.oVol; ++op, nextIndex(o, s.osz)) {
        double acc = s.bias.empty() ? 0.0 : s.bias[size_t(m)];
        for (int64_t ci = 0; ci < Cg; ++ci) {
          const double *xp = &s.x[uint64_t((b * C + g * Cg + ci)) * s.iVol];
          const double *wp = &s.wt[uint64_t((m * Cg + ci)) * s.kVol];
          std::fill(k.begin(), k.end(), 0);
          for (uint64_t kp = 0; kp < s.kVol; ++kp, nextIndex(k, s.ksz)) {
            uint64_t off;
            if (s.tap(o, k, s.isz, iStr, off))
              acc += xp[off] * wp[kp];
          }
        }
        out[(uint64_t(b * M + m)) * s.oVol + op] = acc;
      }
    }
  if (s.channelsLast)
    out = swapChannels(out, uint64_t(N), uint64_t(M), s.oVol);
  return {};
}

/// Conv: input [N, C, D...], weight [M, C/group, k...], optional bias [M].
Status conv(const HostCall &c) {
  ConvSetup s;
  if (Status st = s.read(c); !st.ok())
    return st;
  std::vector<double> out;
  if (Status st = convolve(c, s, out); !st.ok())
    return st;
  storeAll(c.outputs[0], out);
  return {};
}

} // namespace

Status integerConv(const HostCall &c, size_t xi, size_t xzi, size_t wi, size_t wzi,
                   std::vector<double> &acc) {
  ConvSetup s;
  if (Status st = s.read(c, xi, wi); !st.ok())
    return st;
  for (size_t i : {xi, wi, xzi, wzi})
    if (isFloatType(c.inputs[i].desc->type))
      return invalid(fmt::format("operand {} must be an integer tensor", i));
  if (c.inputs[xzi].desc->numElements() != 1)
    return invalid("the input's zero point must be a single value");
  const std::vector<double> xz = loadAll(c.inputs[xzi]), wz = loadAll(c.inputs[wzi]);
  const uint64_t M = uint64_t(s.wShape[0]), perChannel = s.wt.size() / M;
  if (wz.size() != 1 && wz.size() != M)
    return invalid("the weight's zero point must be a single value or one per output channel");
  for (double &v : s.x)
    v -= xz[0];
  for (uint64_t i = 0; i < s.wt.size(); ++i)
    s.wt[i] -= wz[wz.size() == 1 ? 0 : i / perChannel];
  return convolve(c, s, acc);
}

namespace {

/// ConvTranspose: input [N, C, D...], weight [C, M/group, k...], optional
/// bias [M]; output position o = i*stride - pad_begin + k*dilation.
Status convTranspose(const HostCall &c) {
  ConvSetup s;
  if (Status st = s.read(c); !st.ok())
    return st;
  const std::vector<int64_t> &xs = c.inputs[0].desc->shape, &ws = c.inputs[1].desc->shape,
                             &os = c.outputs[0].desc->shape;
  if (s.channelsLast)
    return invalid("channels_last is a Conv attribute");
  const int64_t N = xs[0], C = xs[1], Mg = ws[1], M = os[1];
  if (ws[0] != C || C % s.group || M != Mg * s.group || os[0] != N)
    return invalid("channels do not match the weight and group");
  const std::vector<uint64_t> oStr = stridesOf(s.osz);
  std::vector<double> out(uint64_t(N * M) * s.oVol, 0.0);
  if (!s.bias.empty())
    for (int64_t b = 0; b < N; ++b)
      for (int64_t m = 0; m < M; ++m)
        std::fill_n(&out[uint64_t(b * M + m) * s.oVol], s.oVol, s.bias[size_t(m)]);
  const int64_t Cg = C / s.group;
  std::vector<int64_t> i(s.n), k(s.n);
  for (int64_t b = 0; b < N; ++b)
    for (int64_t ci = 0; ci < C; ++ci) {
      const int64_t g = ci / Cg;
      std::fill(i.begin(), i.end(), 0);
      for (uint64_t ip = 0; ip < s.iVol; ++ip, nextIndex(i, s.isz)) {
        const double xv = s.x[uint64_t(b * C + ci) * s.iVol + ip];
        std::fill(k.begin(), k.end(), 0);
        for (uint64_t kp = 0; kp < s.kVol; ++kp, nextIndex(k, s.ksz)) {
          uint64_t off;
          if (!s.tap(i, k, s.osz, oStr, off))
            continue;
          for (int64_t mi = 0; mi < Mg; ++mi)
            out[uint64_t(b * M + g * Mg + mi) * s.oVol + off] +=
                xv * s.wt[(uint64_t(ci * Mg + mi)) * s.kVol + kp];
        }
      }
    }
  storeAll(c.outputs[0], out);
  return {};
}

/// MaxPool and AveragePool over the spatial dims of [N, C, D...] (with
/// channels_last: [N, D..., C], computed channels-first).
template <bool isMax> Status pool(const HostCall &c) {
  if (Status s = arity(c, 1, 1); !s.ok())
    return s;
  if (Status s = floatsOnly(c); !s.ok())
    return s;
  const artifact::Attribute *lastAttr = findAttr(c, "channels_last");
  const bool last = lastAttr && lastAttr->kind == artifact::Attribute::Kind::Int && lastAttr->i;
  std::vector<int64_t> xs = c.inputs[0].desc->shape, os = c.outputs[0].desc->shape;
  if (last && xs.size() >= 3 && os.size() == xs.size()) { // as [N, C, D...]
    std::rotate(xs.begin() + 1, xs.end() - 1, xs.end());
    std::rotate(os.begin() + 1, os.end() - 1, os.end());
  }
  if (xs.size() < 3 || os.size() != xs.size() || os[0] != xs[0] || os[1] != xs[1])
    return invalid("input and output must be [N, C, spatial...] alike");
  const size_t n = xs.size() - 2;
  Window w;
  if (Status s = w.read(c, n, true); !s.ok())
    return s;
  bool includePad = false;
  if (const artifact::Attribute *a = findAttr(c, "count_include_pad"))
    includePad = a->i != 0;
  std::vector<double> x = loadAll(c.inputs[0]);
  std::vector<int64_t> isz(xs.begin() + 2, xs.end()), osz(os.begin() + 2, os.end());
  const uint64_t kVol = product(w.kernel, 0, n), oVol = product(osz, 0, n),
                 iVol = product(isz, 0, n), planes = uint64_t(xs[0] * xs[1]);
  if (last)
    x = swapChannels(x, uint64_t(xs[0]), iVol, uint64_t(xs[1]));
  const std::vector<uint64_t> iStr = stridesOf(isz);
  std::vector<double> out(planes * oVol);
  std::vector<int64_t> o(n), k(n);
  for (uint64_t pl = 0; pl < planes; ++pl) {
    std::fill(o.begin(), o.end(), 0);
    for (uint64_t op = 0; op < oVol; ++op, nextIndex(o, osz)) {
      double acc = isMax ? -INFINITY : 0.0;
      uint64_t count = 0, padded = 0;
      std::fill(k.begin(), k.end(), 0);
      for (uint64_t kp = 0; kp < kVol; ++kp, nextIndex(k, w.kernel)) {
        uint64_t off = 0;
        bool inside = true, inPads = true;
        for (size_t d = 0; d < n; ++d) {
          int64_t p = o[d] * w.strides[d] - w.pads[d] + k[d] * w.dilations[d];
          inside = inside && p >= 0 && p < isz[d];
          inPads = inPads && p >= -w.pads[d] && p < isz[d] + w.pads[n + d];
          off += uint64_t(std::max<int64_t>(p, 0)) * iStr[d];
        }
        padded += inPads;
        if (!inside)
          continue;
        double v = x[pl * iVol + off];
        ++count;
        if (isMax)
          acc = std::isnan(v) || std::isnan(acc) ? NAN : std::max(acc, v);
        else
          acc += v;
      }
      out[pl * oVol + op] = isMax ? acc : acc / double(includePad ? padded : count);
    }
  }
  if (last)
    out = swapChannels(out, uint64_t(xs[0]), uint64_t(xs[1]), oVol);
  storeAll(c.outputs[0], out);
  return {};
}

/// (x - mean) / sqrt(var + eps) * scale + bias over groups of `inner`
/// elements: one statistic per (outer, group) block, scale and bias per
/// channel (`perChannel`) or per element of the normalized block.
Status normalize(const HostCall &c, uint64_t outer, uint64_t channels, uint64_t inner,
                 bool perChannel, const double *mean, const double *var) {
  const double eps = floatAttr(c, "epsilon", 1e-5);
  std::vector<double> x = loadAll(c.inputs[0]), out(x.size());
  std::vector<double> scale = loadAll(c.inputs[1]);
  std::vector<double> bias = c.inputs.size() > 2 && c.inputs[2].desc
                                 ? loadAll(c.inputs[2])
                                 : std::vector<double>(scale.size(), 0.0);
  const uint64_t need = perChannel ? channels : inner;
  if (scale.size() != need || bias.size() != need)
    return invalid("scale and bias do not match the normalized dimensions");
  for (uint64_t o = 0; o < outer; ++o)
    for (uint64_t ch = 0; ch < channels; ++ch) {
      const uint64_t base = (o * channels + ch) * inner;
      double m, v;
      if (mean) {
        m = mean[ch];
        v = var[ch];
      } else {
        double sum = 0, sq = 0;
        for (uint64_t i = 0; i < inner; ++i)
          sum += x[base + i];
        m = sum / double(inner);
        for (uint64_t i = 0; i < inner; ++i)
          sq += (x[base + i] - m) * (x[base + i] - m);
        v = sq / double(inner);
      }
      const double inv = 1 / std::sqrt(v + eps);
      for (uint64_t i = 0; i < inner; ++i) {
        const uint64_t p = perChannel ? ch : i;
        out[base + i] = (x[base + i] - m) * inv * scale[p] + bias[p];
      }
    }
  storeAll(c.outputs[0], out);
  return {};
}

Status layerNorm(const HostCall &c) {
  if (c.inputs.size() < 2 || c.outputs.size() != 1)
    return invalid("expects x, scale (and bias) and 1 output");
  if (Status s = floatsOnly(c); !s.ok())
    return s;
  int64_t axis = 0;
  if (Status s = intAttr(c, "axis", axis); !s.ok())
    return s;
  const std::vector<int64_t> &xs = c.inputs[0].desc->shape;
  if (Status s = axisIn(axis, xs.size()); !s.ok())
    return s;
  return normalize(c, product(xs, 0, size_t(axis)), 1, product(xs, size_t(axis), xs.size()), false,
                   nullptr, nullptr);
}

Status instanceNorm(const HostCall &c) {
  if (Status s = arity(c, 3, 1); !s.ok())
    return s;
  if (Status s = floatsOnly(c); !s.ok())
    return s;
  const std::vector<int64_t> &xs = c.inputs[0].desc->shape;
  if (xs.size() < 2)
    return invalid("input needs rank >= 2");
  return normalize(c, uint64_t(xs[0]), uint64_t(xs[1]), product(xs, 2, xs.size()), true, nullptr,
                   nullptr);
}

/// Inference batch normalization: x, scale, bias, mean, var per channel.
Status batchNorm(const HostCall &c) {
  if (Status s = arity(c, 5, 1); !s.ok())
    return s;
  if (Status s = floatsOnly(c); !s.ok())
    return s;
  const std::vector<int64_t> &xs = c.inputs[0].desc->shape;
  if (xs.size() < 2)
    return invalid("input needs rank >= 2");
  std::vector<double> mean = loadAll(c.inputs[3]), var = loadAll(c.inputs[4]);
  if (mean.size() != uint64_t(xs[1]) || var.size() != uint64_t(xs[1]))
    return invalid("mean and variance need one value per channel");
  return normalize(c, uint64_t(xs[0]), uint64_t(xs[1]), product(xs, 2, xs.size()), true,
                   mean.data(), var.data());
}

/// ArgMax/ArgMin {axis, keepdims, select_last_index}: an int64 index.
template <bool isMax> Status argExtreme(const HostCall &c) {
  if (Status s = arity(c, 1, 1); !s.ok())
    return s;
  const TensorDesc &i = *c.inputs[0].desc, &o = *c.outputs[0].desc;
  if (o.type != ElemType::S64 || i.type == ElemType::Bool)
    return invalid("needs a numeric input and an int64 output");
  int64_t axis = 0, last = 0;
  if (Status s = intAttr(c, "axis", axis); !s.ok())
    return s;
  if (Status s = axisIn(axis, i.shape.size()); !s.ok())
    return s;
  if (const artifact::Attribute *a = findAttr(c, "select_last_index"))
    last = a->i;
  const uint64_t outer = product(i.shape, 0, size_t(axis)), len = uint64_t(i.shape[size_t(axis)]),
                 inner = product(i.shape, size_t(axis) + 1, i.shape.size());
  if (o.numElements() != outer * inner)
    return invalid("the output is not the input reduced over axis");
  const unsigned sz = artifact::elemTypeBytes(i.type);
  for (uint64_t a = 0; a < outer; ++a)
    for (uint64_t b = 0; b < inner; ++b) {
      int64_t best = 0;
      double bestV = 0;
      for (uint64_t k = 0; k < len; ++k) {
        double v = loadAny(i.type, c.inputs[0].data + ((a * len + k) * inner + b) * sz);
        bool better =
            k == 0 || (isMax ? (last ? v >= bestV : v > bestV) : (last ? v <= bestV : v < bestV));
        if (better) {
          best = int64_t(k);
          bestV = v;
        }
      }
      storeI(ElemType::S64, c.outputs[0].data + (a * inner + b) * 8, best);
    }
  return {};
}

/// An index along a dimension of `len`; negative ones count from the end.
Status indexAt(const HostTensor &t, uint64_t i, int64_t len, int64_t &out) {
  int64_t v = loadI(t.desc->type, t.data + i * artifact::elemTypeBytes(t.desc->type));
  if (v < 0)
    v += len;
  if (v < 0 || v >= len)
    return invalid(fmt::format("index {} is out of range [-{}, {})", v, len, len));
  out = v;
  return {};
}

/// Gather {axis}: out[a, idx..., b] = data[a, indices[idx...], b].
Status gather(const HostCall &c) {
  if (Status s = arity(c, 2, 1); !s.ok())
    return s;
  const TensorDesc &d = *c.inputs[0].desc, &o = *c.outputs[0].desc;
  int64_t axis = 0;
  if (Status s = intAttr(c, "axis", axis); !s.ok())
    return s;
  if (Status s = axisIn(axis, d.shape.size()); !s.ok())
    return s;
  if (o.type != d.type)
    return invalid("data and output must share one dtype");
  const uint64_t outer = product(d.shape, 0, size_t(axis)), len = uint64_t(d.shape[size_t(axis)]),
                 inner = product(d.shape, size_t(axis) + 1, d.shape.size()),
                 count = c.inputs[1].desc->numElements();
  if (o.numElements() != outer * count * inner)
    return invalid("the output does not match data and indices");
  const unsigned sz = artifact::elemTypeBytes(d.type);
  for (uint64_t a = 0; a < outer; ++a)
    for (uint64_t j = 0; j < count; ++j) {
      int64_t idx;
      if (Status s = indexAt(c.inputs[1], j, int64_t(len), idx); !s.ok())
        return s;
      std::memcpy(c.outputs[0].data + (a * count + j) * inner * sz,
                  c.inputs[0].data + (a * len + uint64_t(idx)) * inner * sz, inner * sz);
    }
  return {};
}

/// The flat offset (strides `str`) of position `idx` with its `axis`
/// coordinate replaced by `at`; false when a coordinate leaves `shape`
/// (GatherElements and ScatterElements address data so).
bool offsetWith(const std::vector<int64_t> &idx, size_t axis, int64_t at,
                const std::vector<int64_t> &shape, const std::vector<uint64_t> &str,
                uint64_t &off) {
  off = 0;
  for (size_t k = 0; k < idx.size(); ++k) {
    const int64_t v = k == axis ? at : idx[k];
    if (v >= shape[k])
      return false;
    off += uint64_t(v) * str[k];
  }
  return true;
}

/// GatherElements {axis}: out[i] = data[i with i[axis] = indices[i]].
Status gatherElements(const HostCall &c) {
  if (Status s = arity(c, 2, 1); !s.ok())
    return s;
  const TensorDesc &d = *c.inputs[0].desc, &ix = *c.inputs[1].desc, &o = *c.outputs[0].desc;
  int64_t axis = 0;
  if (Status s = intAttr(c, "axis", axis); !s.ok())
    return s;
  if (Status s = axisIn(axis, d.shape.size()); !s.ok())
    return s;
  if (o.shape != ix.shape || ix.shape.size() != d.shape.size() || o.type != d.type)
    return invalid("indices and output must share a shape, data and output a dtype");
  const unsigned sz = artifact::elemTypeBytes(d.type);
  const std::vector<uint64_t> dStr = stridesOf(d.shape);
  std::vector<int64_t> idx(ix.shape.size(), 0);
  for (uint64_t e = 0, n = o.numElements(); e < n; ++e, nextIndex(idx, ix.shape)) {
    int64_t at;
    if (Status s = indexAt(c.inputs[1], e, d.shape[size_t(axis)], at); !s.ok())
      return s;
    uint64_t off;
    if (!offsetWith(idx, size_t(axis), at, d.shape, dStr, off))
      return invalid("indices reach outside data");
    std::memcpy(c.outputs[0].data + e * sz, c.inputs[0].data + off * sz, sz);
  }
  return {};
}

/// The row (row-major over shape[first, first + depth)) that index tuple
/// `tuple` of `indices` names, each index checked (negative from the end);
/// ScatterND and GatherND address data so.
Status tupleRow(const HostTensor &indices, uint64_t tuple, size_t depth,
                const std::vector<int64_t> &shape, size_t first, uint64_t &row) {
  row = 0;
  for (size_t k = 0; k < depth; ++k) {
    int64_t v = 0;
    if (Status s = indexAt(indices, tuple * depth + k, shape[first + k], v); !s.ok())
      return s;
    row = row * uint64_t(shape[first + k]) + uint64_t(v);
  }
  return {};
}

/// The reduction attribute of a scatter ("none" when absent), checked.
Status scatterReduction(const HostCall &c, std::string &reduction) {
  const artifact::Attribute *r = findAttr(c, "reduction");
  reduction = r && r->kind == artifact::Attribute::Kind::String ? r->s : std::string("none");
  if (reduction != "none" && reduction != "add" && reduction != "mul" && reduction != "max" &&
      reduction != "min")
    return invalid(fmt::format("unknown reduction '{}'", reduction));
  return {};
}

/// `n` elements at `dst` replaced by, or combined with, those at `src`:
/// integers wrap as the dtype does (unsigned arithmetic, then stored); max
/// and min compare as the dtype's sign says.
void scatterInto(ElemType t, const std::string &reduction, uint8_t *dst, const uint8_t *src,
                 uint64_t n) {
  const unsigned sz = artifact::elemTypeBytes(t);
  if (reduction == "none") {
    std::memcpy(dst, src, n * sz);
    return;
  }
  auto combine = [&](auto a, auto b) {
    return reduction == "add"   ? a + b
           : reduction == "mul" ? a * b
           : reduction == "max" ? std::max(a, b)
                                : std::min(a, b);
  };
  const bool minmax = reduction == "max" || reduction == "min";
  for (uint64_t e = 0; e < n; ++e) {
    uint8_t *d = dst + e * sz;
    const uint8_t *s = src + e * sz;
    if (isFloatType(t)) {
      storeF(t, d, combine(loadF(t, d), loadF(t, s)));
      continue;
    }
    const int64_t a = loadI(t, d), b = loadI(t, s);
    storeI(t, d,
           !minmax || t == ElemType::U64 ? int64_t(combine(uint64_t(a), uint64_t(b)))
                                         : combine(a, b));
  }
}

/// ScatterND {reduction}: a copy of data whose slices data[indices[j]]
/// (an index tuple of `depth` leading coordinates) are replaced by, or
/// combined (add, mul, max, min) with, updates[j]. Updates apply in order.
Status scatterND(const HostCall &c) {
  if (Status s = arity(c, 3, 1); !s.ok())
    return s;
  const TensorDesc &d = *c.inputs[0].desc, &ix = *c.inputs[1].desc, &u = *c.inputs[2].desc,
                   &o = *c.outputs[0].desc;
  std::string reduction;
  if (Status s = scatterReduction(c, reduction); !s.ok())
    return s;
  if (o.shape != d.shape || o.type != d.type || u.type != d.type || ix.shape.empty())
    return invalid("data, updates and output must share a dtype, data and output a shape");
  const size_t depth = size_t(ix.shape.back());
  if (depth > d.shape.size())
    return invalid(fmt::format("index depth {} exceeds the data rank {}", depth, d.shape.size()));
  const uint64_t count = product(ix.shape, 0, ix.shape.size() - 1),
                 inner = product(d.shape, depth, d.shape.size());
  if (u.numElements() != count * inner)
    return invalid("updates do not hold one data slice per index tuple");
  const unsigned sz = artifact::elemTypeBytes(d.type);
  std::memcpy(c.outputs[0].data, c.inputs[0].data, o.numElements() * sz);
  for (uint64_t j = 0; j < count; ++j) {
    uint64_t row;
    if (Status s = tupleRow(c.inputs[1], j, depth, d.shape, 0, row); !s.ok())
      return s;
    scatterInto(d.type, reduction, c.outputs[0].data + row * inner * sz,
                c.inputs[2].data + j * inner * sz, inner);
  }
  return {};
}

/// ScatterElements {axis, reduction} (and Scatter): a copy of data whose
/// element data[i with i[axis] = indices[i]] is replaced by, or combined
/// with, updates[i], for every position i of indices, in order.
Status scatterElements(const HostCall &c) {
  if (Status s = arity(c, 3, 1); !s.ok())
    return s;
  const TensorDesc &d = *c.inputs[0].desc, &ix = *c.inputs[1].desc, &u = *c.inputs[2].desc,
                   &o = *c.outputs[0].desc;
  int64_t axis = 0;
  if (Status s = intAttr(c, "axis", axis); !s.ok())
    return s;
  if (Status s = axisIn(axis, d.shape.size()); !s.ok())
    return s;
  std::string reduction;
  if (Status s = scatterReduction(c, reduction); !s.ok())
    return s;
  if (o.shape != d.shape || o.type != d.type || u.type != d.type || u.shape != ix.shape ||
      ix.shape.size() != d.shape.size())
    return invalid("data and output must share a shape, indices and updates one, all a rank");
  const unsigned sz = artifact::elemTypeBytes(d.type);
  std::memcpy(c.outputs[0].data, c.inputs[0].data, o.numElements() * sz);
  const std::vector<uint64_t> dStr = stridesOf(d.shape);
  std::vector<int64_t> idx(ix.shape.size(), 0);
  for (uint64_t e = 0, n = ix.numElements(); e < n; ++e, nextIndex(idx, ix.shape)) {
    int64_t at;
    if (Status s = indexAt(c.inputs[1], e, d.shape[size_t(axis)], at); !s.ok())
      return s;
    uint64_t off;
    if (!offsetWith(idx, size_t(axis), at, d.shape, dStr, off))
      return invalid("indices reach outside data");
    scatterInto(d.type, reduction, c.outputs[0].data + off * sz, c.inputs[2].data + e * sz, 1);
  }
  return {};
}

/// GatherND {batch_dims}: out[b, j] = the slice of data[b] at index tuple
/// indices[b, j] (its depth the indices' last dimension).
Status gatherND(const HostCall &c) {
  if (Status s = arity(c, 2, 1); !s.ok())
    return s;
  const TensorDesc &d = *c.inputs[0].desc, &ix = *c.inputs[1].desc, &o = *c.outputs[0].desc;
  int64_t b = 0;
  if (const artifact::Attribute *a = findAttr(c, "batch_dims"))
    b = a->i;
  if (ix.shape.empty() || b < 0 || size_t(b) >= ix.shape.size() || o.type != d.type)
    return invalid("indices need a tuple dimension after batch_dims; data and output one dtype");
  const size_t depth = size_t(ix.shape.back()), bd = size_t(b);
  if (!depth || bd + depth > d.shape.size())
    return invalid(fmt::format("index depth {} with batch_dims {} exceeds the data rank {}", depth,
                               b, d.shape.size()));
  const uint64_t batches = product(d.shape, 0, bd),
                 perBatch = product(ix.shape, bd, ix.shape.size() - 1),
                 inner = product(d.shape, bd + depth, d.shape.size()),
                 rows = product(d.shape, bd, bd + depth);
  if (product(ix.shape, 0, bd) != batches || o.numElements() != batches * perBatch * inner)
    return invalid("the output does not match data and indices");
  const unsigned sz = artifact::elemTypeBytes(d.type);
  for (uint64_t bi = 0; bi < batches; ++bi)
    for (uint64_t j = 0; j < perBatch; ++j) {
      const uint64_t tuple = bi * perBatch + j;
      uint64_t row;
      if (Status s = tupleRow(c.inputs[1], tuple, depth, d.shape, bd, row); !s.ok())
        return s;
      std::memcpy(c.outputs[0].data + tuple * inner * sz,
                  c.inputs[0].data + (bi * rows + row) * inner * sz, inner * sz);
    }
  return {};
}

/// PRelu: x >= 0 ? x : slope * x, slope broadcasting.
Status prelu(const HostCall &c) {
  if (Status s = arity(c, 2, 1); !s.ok())
    return s;
  if (Status s = checkBroadcast(c); !s.ok())
    return s;
  if (Status s = floatsOnly(c); !s.ok())
    return s;
  const TensorDesc &o = *c.outputs[0].desc;
  const unsigned sz = artifact::elemTypeBytes(o.type);
  for (uint64_t i = 0, n = o.numElements(); i < n; ++i) {
    double x =
        loadF(o.type, c.inputs[0].data + broadcastIndex(o.shape, c.inputs[0].desc->shape, i) * sz);
    double a =
        loadF(o.type, c.inputs[1].data + broadcastIndex(o.shape, c.inputs[1].desc->shape, i) * sz);
    storeF(o.type, c.outputs[0].data + i * sz, x >= 0 || std::isnan(x) ? x : a * x);
  }
  return {};
}

/// Mod {fmod}: integers take the divisor's sign unless fmod (C fmod, the
/// dividend's sign); floats need fmod. A zero integer divisor is an error.
Status mod(const HostCall &c) {
  if (Status s = arity(c, 2, 1); !s.ok())
    return s;
  if (Status s = checkBroadcast(c); !s.ok())
    return s;
  const TensorDesc &o = *c.outputs[0].desc;
  if (c.inputs[0].desc->type != o.type || c.inputs[1].desc->type != o.type ||
      o.type == ElemType::Bool)
    return invalid("inputs and output must share one numeric dtype");
  int64_t fmodMode = 0;
  if (const artifact::Attribute *a = findAttr(c, "fmod"))
    fmodMode = a->i;
  const unsigned sz = artifact::elemTypeBytes(o.type);
  for (uint64_t i = 0, n = o.numElements(); i < n; ++i) {
    const uint8_t *pa = c.inputs[0].data + broadcastIndex(o.shape, c.inputs[0].desc->shape, i) * sz;
    const uint8_t *pb = c.inputs[1].data + broadcastIndex(o.shape, c.inputs[1].desc->shape, i) * sz;
    uint8_t *po = c.outputs[0].data + i * sz;
    if (isFloatType(o.type)) {
      storeF(o.type, po, std::fmod(loadF(o.type, pa), loadF(o.type, pb)));
      continue;
    }
    int64_t a = loadI(o.type, pa), b = loadI(o.type, pb);
    if (b == 0)
      return invalid("integer Mod by zero");
    int64_t r = b == -1 ? 0 : a % b; // INT64_MIN % -1 overflows in C++
    if (!fmodMode && r != 0 && ((r < 0) != (b < 0)))
      r += b;
    storeI(o.type, po, r);
  }
  return {};
}

/// Pad {pads (begins then ends), mode, value}: constant, reflect, edge, wrap.
Status pad(const HostCall &c) {
  if (Status s = arity(c, 1, 1); !s.ok())
    return s;
  const TensorDesc &i = *c.inputs[0].desc, &o = *c.outputs[0].desc;
  std::vector<int64_t> pads;
  if (Status s = intsAttr(c, "pads", pads); !s.ok())
    return s;
  const size_t r = i.shape.size();
  if (pads.size() != 2 * r || o.shape.size() != r || o.type != i.type)
    return invalid("pads, input and output do not match");
  const artifact::Attribute *m = findAttr(c, "mode");
  const std::string mode = m && m->kind == artifact::Attribute::Kind::String ? m->s : "constant";
  const double value = floatAttr(c, "value", 0);
  const unsigned sz = artifact::elemTypeBytes(i.type);
  const std::vector<uint64_t> iStr = stridesOf(i.shape);
  std::vector<int64_t> idx(r, 0);
  for (uint64_t e = 0, n = o.numElements(); e < n; ++e, nextIndex(idx, o.shape)) {
    uint64_t off = 0;
    bool inside = true;
    for (size_t d = 0; d < r; ++d) {
      int64_t p = idx[d] - pads[d], len = i.shape[d];
      if (p < 0 || p >= len) {
        if (mode == "constant" || len == 0) {
          inside = false;
          break;
        }
        if (mode == "edge")
          p = std::clamp<int64_t>(p, 0, len - 1);
        else if (mode == "wrap")
          p = ((p % len) + len) % len;
        else { // reflect, without repeating the edge
          const int64_t period = 2 * (len - 1);
          p = len == 1 ? 0 : ((p % period) + period) % period;
          if (p >= len)
            p = period - p;
        }
      }
      off += uint64_t(p) * iStr[d];
    }
    uint8_t *q = c.outputs[0].data + e * sz;
    if (!inside) {
      if (isFloatType(o.type))
        storeF(o.type, q, value);
      else
        storeI(o.type, q, int64_t(value));
    } else {
      std::memcpy(q, c.inputs[0].data + off * sz, sz);
    }
  }
  return {};
}

/// DepthToSpace {blocksize, mode DCR|CRD} and SpaceToDepth {blocksize} on
/// [N, C, H, W]: element moves only.
template <bool toSpace> Status depthSpace(const HostCall &c) {
  if (Status s = arity(c, 1, 1); !s.ok())
    return s;
  const TensorDesc &i = *c.inputs[0].desc, &o = *c.outputs[0].desc;
  int64_t bs = 0;
  if (Status s = intAttr(c, "blocksize", bs); !s.ok())
    return s;
  if (i.shape.size() != 4 || o.shape.size() != 4 || bs < 1 || o.type != i.type)
    return invalid("needs [N, C, H, W] input and output and a positive blocksize");
  const artifact::Attribute *m = findAttr(c, "mode");
  const bool crd = m && m->kind == artifact::Attribute::Kind::String && m->s == "CRD";
  const TensorDesc &sp = toSpace ? o : i; // the [N, C, H*bs, W*bs] side
  const int64_t N = sp.shape[0], C = sp.shape[1], H = sp.shape[2] / bs, W = sp.shape[3] / bs;
  const unsigned sz = artifact::elemTypeBytes(i.type);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t ch = 0; ch < C; ++ch)
      for (int64_t h = 0; h < H * bs; ++h)
        for (int64_t w = 0; w < W * bs; ++w) {
          const int64_t bh = h % bs, bw = w % bs;
          const int64_t depthC =
              toSpace && crd ? (ch * bs + bh) * bs + bw : (bh * bs + bw) * C + ch;
          const uint64_t spatial = uint64_t(((n * C + ch) * H * bs + h) * W * bs + w);
          const uint64_t depth = uint64_t(((n * C * bs * bs + depthC) * H + h / bs) * W + w / bs);
          if (toSpace)
            std::memcpy(c.outputs[0].data + spatial * sz, c.inputs[0].data + depth * sz, sz);
          else
            std::memcpy(c.outputs[0].data + depth * sz, c.inputs[0].data + spatial * sz, sz);
        }
  return {};
}

/// Expand and Tile: every output element reads the input at its index
/// modulo the input's dims (Tile) or with broadcast dims at 0 (Expand).
template <bool tile> Status repeat(const HostCall &c) {
  if (Status s = arity(c, 1, 1); !s.ok())
    return s;
  const TensorDesc &i = *c.inputs[0].desc, &o = *c.outputs[0].desc;
  if (o.type != i.type || i.shape.size() > o.shape.size())
    return invalid("input and output must share a dtype, the input's rank at most the output's");
  const size_t lead = o.shape.size() - i.shape.size();
  for (size_t d = 0; d < i.shape.size(); ++d)
    if (tile ? (i.shape[d] == 0 || o.shape[lead + d] % i.shape[d])
             : (i.shape[d] != 1 && i.shape[d] != o.shape[lead + d]))
      return invalid("the output does not repeat the input");
  const unsigned sz = artifact::elemTypeBytes(i.type);
  const std::vector<uint64_t> iStr = stridesOf(i.shape);
  std::vector<int64_t> idx(o.shape.size(), 0);
  for (uint64_t e = 0, n = o.numElements(); e < n; ++e, nextIndex(idx, o.shape)) {
    uint64_t off = 0;
    for (size_t d = 0; d < i.shape.size(); ++d)
      off += uint64_t(i.shape[d] == 1 ? 0 : idx[lead + d] % i.shape[d]) * iStr[d];
    std::memcpy(c.outputs[0].data + e * sz, c.inputs[0].data + off * sz, sz);
  }
  return {};
}

/// Resize {mode nearest|linear, coordinate_transformation_mode,
/// nearest_mode, scales}: output sizes from the output shape; the scale
/// per dim from `scales` when given, else out/in.
Status resize(const HostCall &c) {
  if (c.inputs.empty() || c.outputs.size() != 1)
    return invalid("expects an input and 1 output");
  const TensorDesc &i = *c.inputs[0].desc, &o = *c.outputs[0].desc;
  if (!isFloatType(i.type) || o.type != i.type || o.shape.size() != i.shape.size())
    return invalid("needs a float input and output of one rank");
  auto str = [&](const char *name, const char *fallback) {
    const artifact::Attribute *a = findAttr(c, name);
    return a && a->kind == artifact::Attribute::Kind::String ? a->s : std::string(fallback);
  };
  const std::string mode = str("mode", "nearest"),
                    ctm = str("coordinate_transformation_mode", "half_pixel"),
                    nm = str("nearest_mode", "round_prefer_floor");
  if (mode != "nearest" && mode != "linear")
    return Status::error(PAGODA_UNIMPLEMENTED, "Resize mode '" + mode + "' on the host");
  const size_t r = i.shape.size();
  std::vector<double> scale(r);
  const artifact::Attribute *sa = findAttr(c, "scales");
  for (size_t d = 0; d < r; ++d)
    scale[d] = sa && sa->kind == artifact::Attribute::Kind::Floats && sa->floats.size() == r
                   ? sa->floats[d]
                   : double(o.shape[d]) / double(i.shape[d]);
  // The input coordinate of output coordinate x along d.
  auto source = [&](size_t d, int64_t x) {
    const double s = scale[d], in = double(i.shape[d]), out = double(o.shape[d]);
    if (ctm == "asymmetric")
      return double(x) / s;
    if (ctm == "align_corners")
      return out == 1 ? 0.0 : double(x) * (in - 1) / (out - 1);
    if (ctm == "pytorch_half_pixel")
      return out > 1 ? (double(x) + 0.5) / s - 0.5 : 0.0;
    return (double(x) + 0.5) / s - 0.5; // half_pixel
  };
  std::vector<double> x = loadAll(c.inputs[0]), out(o.numElements());
  const std::vector<uint64_t> iStr = stridesOf(i.shape);
  std::vector<int64_t> idx(r, 0);
  std::vector<int64_t> lo(r), hi(r);
  std::vector<double> frac(r);
  for (uint64_t e = 0, n = out.size(); e < n; ++e, nextIndex(idx, o.shape)) {
    for (size_t d = 0; d < r; ++d) {
      double s = source(d, idx[d]);
      const int64_t len = i.shape[d];
      if (mode == "nearest") {
        double f = std::floor(s), dist = s - f;
        int64_t p = nm == "floor"               ? int64_t(f)
                    : nm == "ceil"              ? int64_t(std::ceil(s))
                    : nm == "round_prefer_ceil" ? int64_t(dist >= 0.5 ? f + 1 : f)
                                                : int64_t(dist > 0.5 ? f + 1 : f);
        lo[d] = hi[d] = std::clamp<int64_t>(p, 0, len - 1);
        frac[d] = 0;
      } else {
        s = std::clamp(s, 0.0, double(len - 1));
        lo[d] = int64_t(std::floor(s));
        hi[d] = std::min<int64_t>(lo[d] + 1, len - 1);
        frac[d] = s - double(lo[d]);
      }
    }
    // Interpolate over the 2^r corners (dims whose weight is 0 add nothing).
    double acc = 0;
    for (uint64_t corner = 0; corner < (uint64_t(1) << r); ++corner) {
      double wgt = 1;
      uint64_t off = 0;
      for (size_t d = 0; d < r && wgt != 0; ++d) {
        bool up = (corner >> d) & 1;
        wgt *= up ? frac[d] : 1 - frac[d];
        off += uint64_t(up ? hi[d] : lo[d]) * iStr[d];
      }
      if (wgt != 0)
        acc += wgt * x[off];
    }
    out[e] = acc;
  }
  storeAll(c.outputs[0], out);
  return {};
}

/// CumSum {axis, exclusive, reverse}.
Status cumsum(const HostCall &c) {
  if (c.inputs.empty() || c.outputs.size() != 1)
    return invalid("expects an input and 1 output");
  const TensorDesc &i = *c.inputs[0].desc, &o = *c.outputs[0].desc;
  if (o.shape != i.shape || o.type != i.type || o.type == ElemType::Bool)
    return invalid("input and output must match in a numeric dtype");
  int64_t axis = 0;
  if (Status s = intAttr(c, "axis", axis); !s.ok())
    return s;
  if (Status s = axisIn(axis, i.shape.size()); !s.ok())
    return s;
  bool exclusive = false, reverse = false;
  if (const artifact::Attribute *a = findAttr(c, "exclusive"))
    exclusive = a->i != 0;
  if (const artifact::Attribute *a = findAttr(c, "reverse"))
    reverse = a->i != 0;
  const uint64_t outer = product(i.shape, 0, size_t(axis)), len = uint64_t(i.shape[size_t(axis)]),
                 inner = product(i.shape, size_t(axis) + 1, i.shape.size());
  const unsigned sz = artifact::elemTypeBytes(i.type);
  const bool fl = isFloatType(i.type);
  for (uint64_t a = 0; a < outer; ++a)
    for (uint64_t b = 0; b < inner; ++b) {
      double accF = 0;
      int64_t accI = 0;
      for (uint64_t s = 0; s < len; ++s) {
        uint64_t k = reverse ? len - 1 - s : s, at = ((a * len + k) * inner + b) * sz;
        if (fl) {
          double v = loadF(i.type, c.inputs[0].data + at);
          storeF(i.type, c.outputs[0].data + at, exclusive ? accF : accF + v);
          accF += v;
        } else {
          int64_t v = loadI(i.type, c.inputs[0].data + at);
          storeI(i.type, c.outputs[0].data + at,
                 exclusive ? accI : int64_t(uint64_t(accI) + uint64_t(v)));
          accI = int64_t(uint64_t(accI) + uint64_t(v));
        }
      }
    }
  return {};
}

} // namespace

void addNNKernels(std::map<std::string, HostKernel> &r) {
  r["ArgMax"] = argExtreme<true>;
  r["ArgMin"] = argExtreme<false>;
  r["AveragePool"] = pool<false>;
  r["BatchNormalization"] = batchNorm;
  r["Conv"] = conv;
  r["ConvTranspose"] = convTranspose;
  r["CumSum"] = cumsum;
  r["DepthToSpace"] = depthSpace<true>;
  r["Expand"] = repeat<false>;
  r["Gather"] = gather;
  r["GatherElements"] = gatherElements;
  r["GatherND"] = gatherND;
  r["InstanceNormalization"] = instanceNorm;
  r["LayerNormalization"] = layerNorm;
  r["MaxPool"] = pool<true>;
  r["Mod"] = mod;
  r["Pad"] = pad;
  r["PRelu"] = prelu;
  r["Resize"] = resize;
  r["ScatterElements"] = scatterElements;
  r["ScatterND"] = scatterND;
  r["SpaceToDepth"] = depthSpace<false>;
  r["Tile"] = repeat<true>;
}

} // namespace pagoda::runtime::host
