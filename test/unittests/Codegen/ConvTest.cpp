//===- ConvTest.cpp - Generated convolution kernels on the simulator ------===//
//
// Every generated kernel runs with race and bounds checks on (each GM
// tensor its own allocation of exactly its size) and must match the
// ISA-level reference bit for bit. The reference computes the img2col
// matrix from the convolution's definition, so it checks the kernel's input
// bands (clipped rows, band padding), channel blocks and weight packing.

#include "../Sim/SimHarness.h"
#include "KernelTestSupport.h"

#include "pagoda/Codegen/Conv.h"
#include "pagoda/Codegen/Matmul.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <random>

using namespace pagoda;
using namespace pagoda::codegen;
using pagoda::test::SimHarness;

namespace {

struct Case {
  isa::DType input, output;
  uint64_t batch, c, h, w, m, kh, kw;
  uint64_t padT, padB, padL, padR, sh, sw, dh, dw;
  bool bias, relu;
  const char *target = "ascend-950pr";
  uint64_t groups = 1; ///< c is per group; X has c x groups channels

  ConvKernel kernel() const {
    ConvKernel k = test::withShape(
        ConvKernel{}, {batch, c, h, w, kh, kw, padT, padB, padL, padR, sh, sw, dh, dw});
    k.name = "conv";
    k.input = input;
    k.output = output;
    k.m = m;
    k.bias = bias;
    k.relu = relu;
    k.groups = groups;
    return k;
  }
};

std::vector<uint32_t> bitsOf(const std::vector<float> &v) {
  std::vector<uint32_t> out;
  for (float f : v)
    out.push_back(num::floatBits(f));
  return out;
}

sim::KernelStats runCase(const Case &c, ConvPlan *planOut = nullptr) {
  SimHarness h(c.target);
  const ConvKernel k = c.kernel();
  Result<GeneratedConv> g = generateConv(k, h.target());
  EXPECT_TRUE(g.ok()) << (g ? "" : g.error().str());
  if (!g)
    return {};
  std::mt19937 rng(unsigned(c.c * 131 + c.h * 7 + c.m + c.kh));
  std::uniform_real_distribution<float> dist(-2, 2);
  std::vector<float> xf(c.batch * c.h * c.w * c.c * c.groups), wf(c.m * c.c * c.kh * c.kw),
      bias(c.m);
  for (float &v : xf)
    v = dist(rng);
  for (float &v : wf)
    v = dist(rng);
  for (float &v : bias)
    v = dist(rng);
  std::vector<float> packed = packConvWeights(k, wf.data());
  std::vector<uint32_t> x, w, xLo, wLo;
  std::vector<uint64_t> args;
  if (c.input == isa::DType::F32) {
    std::vector<float> hi(xf.size()), lo(xf.size()), whi(packed.size()), wlo(packed.size());
    splitHf32(xf.data(), xf.size(), hi.data(), lo.data());
    splitHf32(packed.data(), packed.size(), whi.data(), wlo.data());
    x = bitsOf(hi);
    xLo = bitsOf(lo);
    w = bitsOf(whi);
    wLo = bitsOf(wlo);
    for (const auto *v : {&x, &xLo, &w, &wLo})
      args.push_back(h.upload(test::packBits(c.input, *v)));
  } else {
    for (float v : xf)
      x.push_back(test::encodeFloat(c.input, v));
    for (float v : packed)
      w.push_back(test::encodeFloat(c.input, v));
    args = {h.upload(test::packBits(c.input, x)), h.upload(test::packBits(c.input, w))};
  }
  if (c.bias) {
    std::vector<float> padded(bias);
    padded.resize((c.m + 7) / 8 * 8, 0.0f);
    args.push_back(h.upload(padded));
  }
  const unsigned outSize = isa::dtypeBits(c.output) / 8;
  const uint64_t count = c.batch * k.outH() * k.outW() * c.m;
  uint64_t out = h.alloc(count * outSize);
  args.push_back(out);
  EXPECT_EQ(args.size(), convArgCount(k));
  sim::KernelLaunch launch{k.name, {g->program}, g->plan.blockDim, args};
  Result<sim::KernelStats> s = h.sim().run(launch);
  EXPECT_TRUE(s.ok()) << (s ? "" : s.error().str() + "\n" + g->assembly);
  if (!s)
    return {};
  std::vector<float> want = evaluateConv(k, x, w, xLo, wLo, bias, g->plan);
  std::vector<uint8_t> got = h.download<uint8_t>(out, count * outSize);
  uint64_t bad = 0;
  for (uint64_t i = 0; i < count; ++i) {
    uint32_t expect = test::encodeFloat(c.output, want[i]), v = 0;
    std::memcpy(&v, &got[i * outSize], outSize);
    if (v != expect && bad++ < 3)
      ADD_FAILURE() << "Y[" << i / c.m << "][" << i % c.m << "]: got bits " << v << ", want "
                    << expect << " (" << g->plan.describe() << ")";
  }
  EXPECT_EQ(bad, 0u);
  if (planOut)
    *planOut = g->plan;
  return *s;
}

class GeneratedConvTest : public ::testing::TestWithParam<Case> {};

TEST_P(GeneratedConvTest, MatchesTheReferenceBitForBit) { runCase(GetParam()); }

using isa::DType;
INSTANTIATE_TEST_SUITE_P(
    Codegen, GeneratedConvTest,
    ::testing::Values(
        // 3x3, same padding.
        Case{DType::F16, DType::F32, 1, 16, 8, 8, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false, false},
        // Two images, a partial channel block, an N edge, stride 2, bias and ReLU.
        Case{DType::F16, DType::F16, 2, 20, 12, 8, 40, 3, 3, 1, 1, 1, 1, 2, 2, 1, 1, true, true},
        // Three channels (the first layer of a CNN), dilation 2.
        Case{DType::BF16, DType::F32, 1, 3, 16, 16, 16, 5, 5, 4, 4, 4, 4, 1, 1, 2, 2, false, false},
        // f32 in three hf32 passes.
        Case{DType::F32, DType::F32, 1, 8, 10, 10, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, false},
        Case{DType::F32, DType::F32, 1, 3, 32, 32, 16, 3, 3, 1, 1, 1, 1, 2, 2, 1, 1, true, true},
        // Pointwise, deep.
        Case{DType::F32, DType::F32, 1, 64, 20, 20, 128, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, true, false},
        // Asymmetric padding, rectangular window and strides.
        Case{DType::F16, DType::F32, 1, 16, 9, 11, 16, 2, 3, 0, 2, 1, 0, 1, 2, 1, 1, false, false},
        // Rows that are not 32-byte aligned: one tile covers the image.
        Case{DType::F16, DType::F32, 1, 3, 5, 5, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, false},
        // Five output channels (rows of 20 bytes): tiles of whole output
        // rows start aligned only every 8 rows (the 1-D convs of the ONNX suite).
        Case{DType::F32, DType::F32, 1, 4, 1, 40, 5, 1, 3, 0, 0, 1, 1, 1, 1, 1, 1, true, false},
        Case{DType::F32, DType::F32, 1, 4, 30, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, false},
        // Many channel blocks: several L1 steps per tile.
        Case{DType::F16, DType::F32, 1, 512, 10, 10, 32, 3,     3,     1,
             1,          1,          1, 1,   1,  1,  1,  false, false, "ascend-910b2"},
        // Many tiles over all cores.
        Case{DType::F16, DType::F32, 1, 64, 40, 40, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, true}),
    [](const ::testing::TestParamInfo<Case> &info) {
      const Case &c = info.param;
      return fmt::format("{}_{}x{}x{}x{}_k{}x{}_m{}_{}", isa::dtypeName(c.input), c.batch, c.h, c.w,
                         c.c, c.kh, c.kw, c.m, info.index);
    });

TEST(GeneratedConv, PredictsTheSimulator) {
  ConvPlan plan;
  sim::KernelStats s = runCase(
      {DType::F16, DType::F32, 1, 64, 80, 80, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false, false},
      &plan);
  EXPECT_GE(plan.blockDim, 16u) << plan.describe();
  test::expectPrediction(plan.predictedCycles, s, plan.describe());
}

TEST(GeneratedConv, StreamsChannelBlocksThroughL1) {
  // 2048 channels of a 3x3 window do not fit one L1 half: the tile's K
  // runs as a loop of L1 steps, each with several L0 steps.
  ConvPlan plan;
  runCase({DType::F16, DType::F32, 1, 2048, 8, 8, 16, 3,    3,     1,
           1,          1,          1, 1,    1, 1, 1,  true, false, "ascend-910b2"},
          &plan);
  EXPECT_GE((2048 / 16 + plan.c1s - 1) / plan.c1s, 3u) << plan.describe();
  EXPECT_LT(plan.kext, plan.c1s * 9 * 16) << plan.describe();
}

TEST(GeneratedConv, GroupsReadTheirOwnChannels) {
  // Each N tile stays in one group and reads its group's channels of X
  // (pixel stride: every group's channels): f16 with two groups of 16, f32
  // with four groups of 8 (N tiles of a group's 8 channels), bf16 1x1 with
  // three groups, two images.
  using DType = isa::DType;
  ConvPlan plan;
  Case f16{DType::F16, DType::F16, 1, 16, 8, 8, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, true};
  f16.groups = 2;
  runCase(f16, &plan);
  Case f32{DType::F32, DType::F32, 1, 8, 9, 10, 32, 3, 3, 1, 1, 1, 1, 2, 2, 1, 1, true, false};
  f32.groups = 4;
  runCase(f32, &plan);
  EXPECT_EQ(plan.nt, 8u) << plan.describe();
  Case bf16{DType::BF16, DType::F32, 2, 16, 6, 6, 48, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, false, false};
  bf16.groups = 3;
  runCase(bf16, &plan);
  // A group of 4 f16 channels (8 bytes) does not start 32-byte aligned.
  SimHarness h("ascend-950pr");
  Case narrow = f16;
  narrow.c = 4;
  Result<ConvPlan> p = planConv(narrow.kernel(), h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "groups of 4 input channels");
  // Nor does a group of 3 f32 output channels (12 bytes) in Y: FixPipe
  // writes whole 32-byte units (a phase of a grouped ConvTranspose hit it
  // at run time before the planner refused it).
  Case odd{DType::F32, DType::F32, 1, 8, 7, 9, 6, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, true, false};
  odd.groups = 2;
  p = planConv(odd.kernel(), h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "groups of 3 output channels (12 bytes) do not start");
}

TEST(GeneratedConv, RefusesWhatItCannotTile) {
  SimHarness h("ascend-950pr");
  // Rows of 3 x 30 f16 values start off the 32-byte grid and the image
  // needs more than one tile.
  Case c{DType::F16, DType::F32, 2, 3, 30, 30, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false, false};
  Result<ConvPlan> p = planConv(c.kernel(), h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "aligned");
  // Two images whose outputs (9 x 9 x 5 f32) are not whole 32-byte blocks.
  Case odd{DType::F32, DType::F32, 2, 8, 9, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, false};
  p = planConv(odd.kernel(), h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "output tiles");
  // s8 inputs accumulate in s32: an f32 output needs FixPipe's scale, and
  // only s8 inputs pad with a value.
  Case s8 = c;
  s8.input = DType::S8;
  p = planConv(s8.kernel(), h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "output type f32 of s8 products (unscaled: s32)");
  ConvKernel padded = c.kernel();
  padded.padValue = 3;
  p = planConv(padded, h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "a padding value of 3");
}

/// An s8 convolution on the cube: exact s32 accumulators (the int32 bias
/// first), windows outside the image reading `padValue`, written as s32 or
/// scaled in FixPipe (f32 multiply; s8 rounds half to even and saturates).
/// Checks every element against an integer reference; returns the stats.
sim::KernelStats runInt8Conv(const Case &c, std::optional<float> scale, int64_t padValue,
                             ConvPlan *planOut = nullptr) {
  SimHarness h(c.target);
  ConvKernel k = c.kernel();
  k.scale = scale;
  k.padValue = padValue;
  Result<GeneratedConv> g = generateConv(k, h.target());
  EXPECT_TRUE(g.ok()) << (g ? "" : g.error().str());
  if (!g)
    return {};
  if (planOut)
    *planOut = g->plan;
  std::mt19937 rng(unsigned(c.c * 131 + c.h * 7 + c.m + c.kh));
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<int8_t> x(c.batch * c.h * c.w * c.c * c.groups), w(c.m * c.c * c.kh * c.kw);
  for (int8_t &v : x)
    v = int8_t(dist(rng));
  for (int8_t &v : w)
    v = int8_t(dist(rng));
  std::uniform_int_distribution<int32_t> bdist(-3000000, 3000000);
  std::vector<int32_t> bias((c.m + 7) / 8 * 8, 0);
  for (uint64_t o = 0; o < c.m && c.bias; ++o)
    bias[o] = bdist(rng);
  std::vector<float> wf(w.begin(), w.end());
  std::vector<float> packedF = packConvWeights(k, wf.data());
  std::vector<int8_t> packed(packedF.begin(), packedF.end());
  std::vector<uint64_t> args = {h.upload(x), h.upload(packed)};
  if (c.bias)
    args.push_back(h.upload(bias));
  const unsigned outSize = isa::dtypeBits(c.output) / 8;
  const uint64_t oh = k.outH(), ow = k.outW(), count = c.batch * oh * ow * c.m;
  const uint64_t out = h.alloc(count * outSize);
  args.push_back(out);
  EXPECT_EQ(args.size(), convArgCount(k));
  sim::KernelLaunch launch{k.name, {g->program}, g->plan.blockDim, args};
  Result<sim::KernelStats> s = h.sim().run(launch);
  EXPECT_TRUE(s.ok()) << (s ? "" : s.error().str() + "\n" + g->assembly);
  if (!s)
    return {};
  std::vector<uint8_t> got = h.download<uint8_t>(out, count * outSize);
  const uint64_t xc = c.c * c.groups, mg = c.m / c.groups;
  uint64_t bad = 0;
  for (uint64_t img = 0; img < c.batch; ++img)
    for (uint64_t r = 0; r < oh; ++r)
      for (uint64_t q = 0; q < ow; ++q)
        for (uint64_t o = 0; o < c.m; ++o) {
          int64_t acc = bias[o];
          for (uint64_t ch = 0; ch < c.c; ++ch)
            for (uint64_t i = 0; i < c.kh; ++i)
              for (uint64_t j = 0; j < c.kw; ++j) {
                const int64_t row = int64_t(r * c.sh + i * c.dh) - int64_t(c.padT);
                const int64_t col = int64_t(q * c.sw + j * c.dw) - int64_t(c.padL);
                const bool inside =
                    row >= 0 && row < int64_t(c.h) && col >= 0 && col < int64_t(c.w);
                const int64_t xv =
                    inside ? x[((img * c.h + uint64_t(row)) * c.w + uint64_t(col)) * xc +
                               o / mg * c.c + ch]
                           : padValue;
                acc += xv * w[((o * c.c + ch) * c.kh + i) * c.kw + j];
              }
          if (c.relu)
            acc = std::max<int64_t>(acc, 0);
          uint32_t want = 0, have = 0;
          const uint64_t at = ((img * oh + r) * ow + q) * c.m + o;
          std::memcpy(&have, &got[at * outSize], outSize);
          if (!scale) {
            want = uint32_t(int32_t(acc));
          } else {
            const float v = float(int32_t(acc)) * *scale;
            want = c.output == DType::S8
                       ? uint8_t(int8_t(std::clamp(std::nearbyint(v), -128.0f, 127.0f)))
                       : test::encodeFloat(c.output, v);
          }
          if (want != have && bad++ < 3)
            ADD_FAILURE() << "Y[" << at / c.m << "][" << o << "]: got bits " << have << ", want "
                          << want << " (" << g->plan.describe() << ")";
        }
  EXPECT_EQ(bad, 0u);
  return *s;
}

// int8 convolutions (ConvInteger, QLinearConv): 32-channel blocks (C0 of
// s8), a partial last block, pads reading a zero point, strides and
// dilations, groups, an int32 bias and ReLU before the scale, and the
// outputs quantized models need (s32, s8 requantized, f32/f16 dequantized).
TEST(GeneratedConv, Int8AccumulatesExactlyAndRequantizesInFixPipe) {
  using isa::DType;
  runInt8Conv(
      {DType::S8, DType::S32, 1, 32, 12, 16, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false, false},
      std::nullopt, 0);
  runInt8Conv({DType::S8, DType::S8, 2, 40, 9, 8, 48, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, false},
              0.0007f, -5);
  runInt8Conv({DType::S8, DType::F32, 1, 64, 15, 16, 24, 3, 3, 2, 1, 2, 1, 2, 2, 1, 1, true, true},
              1e-4f, 17);
  runInt8Conv({DType::S8, DType::F16, 1, 32, 10, 8, 32, 3, 3, 2, 2, 2, 2, 1, 1, 2, 2, false, false},
              0.002f, 100);
  Case grouped{DType::S8, DType::S8, 1, 32, 8, 8, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, false};
  grouped.groups = 2;
  runInt8Conv(grouped, 0.001f, -128);
}

// The int8 cube does twice the f16 work per cycle on half the operand
// bytes: the planner predicts the 64 -> 64 3x3 conv of PredictsTheSimulator
// faster in s8 than in f16, and the simulator agrees with its prediction.
TEST(GeneratedConv, Int8PredictsTheSimulator) {
  Case c{DType::S8, DType::S32, 1, 64, 80, 80, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false, false};
  ConvPlan plan;
  sim::KernelStats s = runInt8Conv(c, std::nullopt, 0, &plan);
  test::expectPrediction(plan.predictedCycles, s, plan.describe());
  Case f16 = c;
  f16.input = DType::F16;
  f16.output = DType::F32;
  const target::TargetDesc t = *target::getPreset("ascend-950pr");
  Result<ConvPlan> pf = planConv(f16.kernel(), t);
  ASSERT_TRUE(pf.ok());
  EXPECT_LT(plan.predictedCycles, pf->predictedCycles);
}

} // namespace
