//===- KernelTestSupport.h - Shared by the kernel generator tests -*- C++ -*-===//
#ifndef PAGODA_TEST_CODEGEN_KERNELTESTSUPPORT_H
#define PAGODA_TEST_CODEGEN_KERNELTESTSUPPORT_H

#include "pagoda/ISA/ISA.h"
#include "pagoda/Sim/Numerics.h"
#include "pagoda/Sim/Simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace pagoda::test {

/// Element bits (low `size` bytes of each value) as the bytes of a tensor.
inline std::vector<uint8_t> packBits(isa::DType t, const std::vector<uint32_t> &v) {
  unsigned size = isa::dtypeBits(t) / 8;
  std::vector<uint8_t> out(v.size() * size);
  for (size_t i = 0; i < v.size(); ++i)
    std::memcpy(&out[i * size], &v[i], size);
  return out;
}

/// A float rounded to `t` (f16, bf16; anything else as f32 bits).
inline uint32_t encodeFloat(isa::DType t, float f) {
  switch (t) {
  case isa::DType::F16:
    return num::f32ToF16(f);
  case isa::DType::BF16:
    return num::f32ToBf16(f);
  default:
    return num::floatBits(f);
  }
}

/// The float an element's bits (of `t`: f16, bf16, else f32) hold.
inline float decodeFloat(isa::DType t, uint32_t bits) {
  switch (t) {
  case isa::DType::F16:
    return num::f16ToF32(uint16_t(bits));
  case isa::DType::BF16:
    return num::bf16ToF32(uint16_t(bits));
  default:
    return num::bitsFloat(bits);
  }
}

/// A convolution's input shape and window, as the conv and depthwise
/// kernel descriptions spell them.
struct ConvShape {
  uint64_t batch, c, h, w, kh, kw, padT, padB, padL, padR, sh, sw, dh, dw;
};
template <typename Kernel> Kernel withShape(Kernel k, const ConvShape &s) {
  k.batch = s.batch;
  k.c = s.c;
  k.h = s.h;
  k.w = s.w;
  k.kh = s.kh;
  k.kw = s.kw;
  k.padT = s.padT;
  k.padB = s.padB;
  k.padL = s.padL;
  k.padR = s.padR;
  k.strideH = s.sh;
  k.strideW = s.sw;
  k.dilH = s.dh;
  k.dilW = s.dw;
  return k;
}

/// The cost model's prediction against the simulator: within 1.5x (the
/// launch overhead, a large share of both, included); prints both.
inline void expectPrediction(double predicted, const sim::KernelStats &s, const std::string &plan) {
  EXPECT_LT(std::max(predicted, s.cycles) / std::min(predicted, s.cycles), 1.5)
      << "predicted " << predicted << " simulated " << s.cycles << " " << plan;
  std::printf("predicted %.0f simulated %.0f roofline %.0f launch %.0f: %s\n", predicted, s.cycles,
              s.rooflineCycles(), s.launchOverheadCycles, plan.c_str());
}

} // namespace pagoda::test

#endif // PAGODA_TEST_CODEGEN_KERNELTESTSUPPORT_H
