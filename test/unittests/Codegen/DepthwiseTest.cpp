//===- DepthwiseTest.cpp - Generated depthwise kernels on the simulator ---===//
//
// Every generated kernel runs with race and bounds checks on and must match
// the reference (one fused multiply-add per tap) bit for bit: padding on
// every side, strides, dilation, channel chunks with a masked tail, a last
// tile of fewer rows, several images.

#include "../Sim/SimHarness.h"
#include "KernelTestSupport.h"

#include "pagoda/Codegen/Depthwise.h"
#include "pagoda/Sim/Numerics.h"

#include <fmt/format.h>

#include <random>

using namespace pagoda;
using namespace pagoda::codegen;
using pagoda::test::SimHarness;

namespace {

struct Case {
  uint64_t batch, c, h, w, kh, kw, padT, padB, padL, padR, sh, sw, dh, dw;
  bool bias, relu;
  isa::DType type = isa::DType::F32;
  DepthwiseKernel::Op op = DepthwiseKernel::Op::Conv;

  DepthwiseKernel kernel() const {
    DepthwiseKernel k = test::withShape(
        DepthwiseKernel{}, {batch, c, h, w, kh, kw, padT, padB, padL, padR, sh, sw, dh, dw});
    k.name = "dw";
    k.type = type;
    k.bias = bias;
    k.relu = relu;
    k.op = op;
    return k;
  }
};

sim::KernelStats runCase(const Case &c, DepthwisePlan *planOut = nullptr) {
  SimHarness h("ascend-950pr");
  const DepthwiseKernel k = c.kernel();
  Result<GeneratedDepthwise> g = generateDepthwise(k, h.target());
  EXPECT_TRUE(g.ok()) << (g ? "" : g.error().str());
  if (!g)
    return {};
  std::mt19937 rng(unsigned(c.c * 31 + c.h * 7 + c.kh));
  std::uniform_real_distribution<float> dist(-2, 2);
  std::vector<float> x(c.batch * c.h * c.w * c.c), w(c.c * c.kh * c.kw), bias(c.c);
  for (float &v : x)
    v = dist(rng);
  for (float &v : w)
    v = dist(rng);
  for (float &v : bias)
    v = dist(rng);
  std::vector<float> packed = packDepthwiseWeights(k, w.data());
  auto bytes = [&](const std::vector<float> &v, isa::DType type) {
    std::vector<uint32_t> bits;
    for (float f : v)
      bits.push_back(test::encodeFloat(type, f));
    return h.upload(test::packBits(type, bits));
  };
  // Weights and bias come in the type the kernel computes in.
  const isa::DType wtype = depthwiseComputeType(k);
  const unsigned size = isa::dtypeBits(c.type) / 8;
  std::vector<uint64_t> args = {bytes(x, c.type)};
  if (c.op == DepthwiseKernel::Op::Conv)
    args.push_back(bytes(packed, wtype));
  if (c.bias)
    args.push_back(bytes(bias, wtype));
  const uint64_t count = c.batch * k.outH() * k.outW() * c.c;
  uint64_t out = h.alloc(count * size);
  args.push_back(out);
  EXPECT_EQ(args.size(), depthwiseArgCount(k));
  sim::KernelLaunch launch{k.name, {g->program}, g->plan.blockDim, args};
  Result<sim::KernelStats> s = h.sim().run(launch);
  EXPECT_TRUE(s.ok()) << (s ? "" : s.error().str() + "\n" + g->assembly);
  if (!s)
    return {};
  std::vector<float> want = evaluateDepthwise(k, x, packed, bias);
  std::vector<uint8_t> got = h.download<uint8_t>(out, count * size);
  uint64_t bad = 0;
  for (uint64_t i = 0; i < count; ++i) {
    uint32_t v = 0, expect = test::encodeFloat(c.type, want[i]);
    std::memcpy(&v, &got[i * size], size);
    if (v != expect && bad++ < 3)
      ADD_FAILURE() << "Y[" << i / c.c << "][" << i % c.c << "]: got bits " << v << ", want "
                    << expect << " (" << g->plan.describe() << ")";
  }
  EXPECT_EQ(bad, 0u);
  if (planOut)
    *planOut = g->plan;
  return *s;
}

class GeneratedDepthwiseTest : public ::testing::TestWithParam<Case> {};

TEST_P(GeneratedDepthwiseTest, MatchesTheReferenceBitForBit) { runCase(GetParam()); }

INSTANTIATE_TEST_SUITE_P(
    Codegen, GeneratedDepthwiseTest,
    ::testing::Values(
        // 3x3 same padding, one channel chunk.
        Case{1, 16, 10, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false, false},
        // Stride 2, bias and ReLU, two images.
        Case{2, 32, 17, 15, 3, 3, 1, 1, 1, 1, 2, 2, 1, 1, true, true},
        // 5x5, asymmetric padding, dilation 2, two chunks with a masked tail.
        Case{1, 96, 12, 9, 5, 5, 4, 2, 3, 4, 1, 1, 2, 2, true, false},
        // Rows wider than one instruction's repeats.
        Case{1, 8, 4, 300, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, false},
        // f16: 128 lanes a repeat, a masked tail of 32.
        Case{1, 160, 9, 11, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, true, isa::DType::F16},
        Case{2, 16, 12, 12, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1, false, false, isa::DType::F16},
        // Shapes of the PP-OCR classifier.
        Case{1, 96, 200, 2, 5, 5, 2, 2, 2, 2, 1, 1, 1, 1, true, false, isa::DType::F16},
        Case{1, 48, 3, 96, 5, 5, 2, 2, 2, 2, 1, 1, 1, 1, true, false, isa::DType::F16},
        Case{1, 48, 3, 96, 5, 5, 2, 2, 2, 2, 1, 1, 1, 1, true, false},
        // Big enough to spread over every vector core.
        Case{1, 64, 64, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, true},
        // Channels of partial 32-byte blocks (the detector's f16 24 and 40,
        // f32 12): pixels padded in UB, byte-granular DMA.
        Case{1, 24, 11, 13, 3, 3, 1, 1, 1, 1, 2, 2, 1, 1, true, true, isa::DType::F16},
        Case{2, 40, 6, 9, 5, 5, 2, 2, 2, 2, 1, 1, 1, 1, true, false, isa::DType::F16},
        Case{1, 12, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false, false},
        // bf16: staged, widened to f32, computed, narrowed once; whole
        // blocks, and partial blocks (24 channels).
        Case{1, 64, 9, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, true, isa::DType::BF16},
        Case{2, 24, 11, 13, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1, true, false, isa::DType::BF16}),
    [](const ::testing::TestParamInfo<Case> &info) {
      const Case &c = info.param;
      return fmt::format("{}_{}x{}x{}x{}_k{}x{}_s{}_{}", isa::dtypeName(c.type), c.batch, c.h, c.w,
                         c.c, c.kh, c.kw, c.sh, info.index);
    });

// Local pools are the same window walk without weights: padding holds
// -inf for max (a window over padding and negative values), the average
// divides by the whole window.
class GeneratedPoolTest : public ::testing::TestWithParam<Case> {};

TEST_P(GeneratedPoolTest, MatchesTheReferenceBitForBit) { runCase(GetParam()); }

constexpr auto kMax = DepthwiseKernel::Op::MaxPool;
constexpr auto kAvg = DepthwiseKernel::Op::AvgPool;
INSTANTIATE_TEST_SUITE_P(
    Codegen, GeneratedPoolTest,
    ::testing::Values(
        // 2x2 stride 2 (the PP-OCR classifier's), f32 and f16.
        Case{1, 200, 2, 96, 2, 2, 0, 0, 0, 0, 2, 2, 1, 1, false, false, isa::DType::F32, kMax},
        Case{1, 192, 2, 96, 2, 2, 0, 0, 0, 0, 2, 2, 1, 1, false, false, isa::DType::F16, kMax},
        // 3x3 stride 2 with padding on every side, two images.
        Case{2, 24, 15, 13, 3, 3, 1, 1, 1, 1, 2, 2, 1, 1, false, false, isa::DType::F32, kMax},
        // The recognizer's average over 3x2 windows, stride 3x2.
        Case{1, 480, 3, 80, 3, 2, 0, 0, 0, 0, 3, 2, 1, 1, false, false, isa::DType::F32, kAvg},
        Case{1, 64, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false, false, isa::DType::F16, kAvg},
        // Channels of partial blocks: the padding lanes never reach Y.
        Case{1, 24, 8, 10, 3, 3, 1, 1, 1, 1, 2, 2, 1, 1, false, false, isa::DType::F16, kMax},
        Case{1, 10, 6, 6, 2, 2, 0, 0, 0, 0, 2, 2, 1, 1, false, false, isa::DType::F32, kAvg},
        // bf16 in f32: -inf padding widens from the compute type's fill.
        Case{1, 40, 8, 10, 3, 3, 1, 1, 1, 1, 2, 2, 1, 1, false, false, isa::DType::BF16, kMax},
        Case{1, 32, 6, 9, 3, 2, 0, 0, 0, 0, 3, 2, 1, 1, false, false, isa::DType::BF16, kAvg}),
    [](const ::testing::TestParamInfo<Case> &info) {
      const Case &c = info.param;
      return fmt::format("{}_{}_{}x{}x{}x{}_k{}x{}_s{}", c.op == kMax ? "max" : "avg",
                         isa::dtypeName(c.type), c.batch, c.h, c.w, c.c, c.kh, c.kw, c.sh);
    });

TEST(GeneratedDepthwise, PredictsTheSimulator) {
  DepthwisePlan plan;
  sim::KernelStats s = runCase({1, 96, 64, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, false}, &plan);
  EXPECT_GE(plan.vectorCores, 16u) << plan.describe();
  test::expectPrediction(plan.predictedCycles, s, plan.describe());
}

TEST(GeneratedDepthwise, SplitsChannelsWhenABandDoesNotFit) {
  // 384 channels of 5x5 on rows of 14 padded pixels: a band of all the
  // channels does not fit UB twice, chunks of them do.
  DepthwisePlan plan;
  runCase({1, 384, 10, 10, 5, 5, 2, 2, 2, 2, 1, 1, 1, 1, true, false}, &plan);
  EXPECT_LT(plan.channels, 384u) << plan.describe();
  runCase({2, 96, 9, 7, 3, 3, 1, 1, 1, 1, 2, 2, 1, 1, true, true}, &plan);
}

TEST(GeneratedDepthwise, SplitsColumnsWhenARowDoesNotFit) {
  // The PP-OCR classifier's f16 5x5 over 104 channels (7 blocks a pixel,
  // one chunk): five band rows of 100 padded pixels do not fit UB twice.
  DepthwisePlan plan;
  runCase({1, 104, 3, 96, 5, 5, 2, 2, 2, 2, 2, 1, 1, 1, true, false, isa::DType::F16}, &plan);
  EXPECT_GT(plan.colTiles, 1u) << plan.describe();
  // f32, stride 2 and dilation 2: even one channel block of five band
  // rows of 2005 pixels does not fit; three column tiles (a middle one), the
  // last one's window reaching the right padding.
  sim::KernelStats s = runCase({1, 24, 7, 2000, 3, 3, 1, 1, 2, 3, 1, 2, 2, 2, true, true}, &plan);
  EXPECT_GT(plan.colTiles, 2u) << plan.describe();
  test::expectPrediction(plan.predictedCycles, s, plan.describe());
  // Max pooling pads with -inf: a middle tile's pixels must not survive
  // in the first tile's padding slots.
  Case pool{2, 16, 4, 5000, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false, false, isa::DType::F16};
  pool.op = DepthwiseKernel::Op::MaxPool;
  runCase(pool, &plan);
  EXPECT_GT(plan.colTiles, 2u) << plan.describe();
  // bf16 (widened rows of partial blocks) in column tiles.
  runCase({1, 40, 5, 3000, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, false, isa::DType::BF16}, &plan);
  EXPECT_GT(plan.colTiles, 2u) << plan.describe();
}

TEST(GeneratedDepthwise, LastTileOfFewerRows) {
  DepthwisePlan plan;
  runCase({1, 16, 97, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, false}, &plan);
  EXPECT_GT(plan.rows, 1u) << plan.describe();
  EXPECT_NE(97 % plan.rows, 0u) << plan.describe();
}

TEST(GeneratedDepthwise, RefusesWhatItDoesNotCover) {
  SimHarness h("ascend-950pr");
  DepthwiseKernel s8 = Case{1, 16, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false, false}.kernel();
  s8.type = isa::DType::S8;
  Result<DepthwisePlan> p = planDepthwise(s8, h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "element type s8");
}

} // namespace
