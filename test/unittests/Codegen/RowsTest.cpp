//===- RowsTest.cpp - Generated last-axis kernels on the simulator --------===//
//
// Every kernel runs with race and bounds checks on and must match the
// reference bit for bit: reductions, softmax, log-softmax and layer norm
// over rows shorter than a repeat, of whole repeats, with a masked tail,
// long enough for an instruction per row, with a last tile of fewer rows
// and rows that are not whole 32-byte blocks.

#include "../Sim/SimHarness.h"
#include "KernelTestSupport.h"

#include "pagoda/Codegen/Rows.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <random>

using namespace pagoda;
using namespace pagoda::codegen;
using pagoda::test::SimHarness;

namespace {

struct Case {
  RowOp op;
  uint64_t rows, cols;
  bool scale = false, bias = false;
  isa::DType type = isa::DType::F32; ///< f16: tensors in f16, computed in f32
  bool rowAffine = false;            ///< instance norm: f32 scale and bias per row
};

const char *opName(RowOp op) {
  static const char *names[] = {"sum", "mean", "max", "min", "softmax", "logsoftmax", "layernorm"};
  return names[int(op)];
}

RowPlan runCase(const Case &c, std::vector<float> x = {}) {
  SimHarness h("ascend-950pr");
  RowKernel k{"rows", c.type, c.op, c.rows, c.cols, 1e-5f, c.scale, c.bias, c.rowAffine};
  const unsigned size = isa::dtypeBits(c.type) / 8;
  // Values as the tensor holds them (16-bit: rounded) and their bytes.
  auto encode = [&](float f) { return test::encodeFloat(c.type, f); };
  auto decode = [&](uint32_t bits) { return test::decodeFloat(c.type, bits); };
  auto round = [&](std::vector<float> &v) {
    for (float &f : v)
      f = decode(encode(f));
  };
  auto bytes = [&](const std::vector<float> &v) {
    std::vector<uint8_t> b(v.size() * size);
    for (size_t i = 0; i < v.size(); ++i) {
      uint32_t bits = encode(v[i]);
      std::memcpy(&b[i * size], &bits, size);
    }
    return b;
  };
  Result<GeneratedRows> g = generateRows(k, h.target());
  EXPECT_TRUE(g.ok()) << (g ? "" : g.error().str());
  if (!g)
    return {};
  std::mt19937 rng{unsigned(c.rows * 7 + c.cols)};
  std::uniform_real_distribution<float> dist(-4, 4);
  if (x.empty()) {
    x.resize(c.rows * c.cols);
    for (float &v : x)
      v = dist(rng);
  }
  std::vector<float> scale(c.rowAffine ? c.rows : c.cols), bias(scale.size());
  for (float &v : scale)
    v = dist(rng);
  for (float &v : bias)
    v = dist(rng);
  round(x);
  if (!c.rowAffine) { // per-row values are f32
    round(scale);
    round(bias);
  }
  const uint64_t outCount = reducesRows(c.op) ? c.rows : c.rows * c.cols;
  // Guard elements around Y: a write past the rows would change them.
  const uint64_t guard = 64;
  uint64_t out = h.upload(bytes(std::vector<float>(outCount + 2 * guard, 12345.0f)));
  std::vector<uint64_t> args = {h.upload(bytes(x))};
  if (c.scale)
    args.push_back(h.upload(bytes(scale)));
  if (c.bias)
    args.push_back(h.upload(bytes(bias)));
  if (c.rowAffine) {
    args.push_back(h.upload(scale));
    args.push_back(h.upload(bias));
  }
  args.push_back(out + guard * size);
  sim::KernelLaunch launch{k.name, {g->program}, g->plan.blockDim, args};
  Result<sim::KernelStats> s = h.sim().run(launch);
  EXPECT_TRUE(s.ok()) << (s ? "" : s.error().str() + "\n" + g->assembly);
  if (!s)
    return {};
  std::vector<float> want = evaluateRows(k, x, scale, bias);
  std::vector<uint8_t> raw = h.download<uint8_t>(out, (outCount + 2 * guard) * size);
  std::vector<float> all(outCount + 2 * guard);
  for (size_t i = 0; i < all.size(); ++i) {
    uint32_t bits = 0;
    std::memcpy(&bits, &raw[i * size], size);
    all[i] = decode(bits);
  }
  const float guardValue = decode(encode(12345.0f));
  for (uint64_t i = 0; i < guard; ++i) {
    EXPECT_EQ(all[i], guardValue) << "written before Y";
    EXPECT_EQ(all[guard + outCount + i], guardValue) << "written after Y";
  }
  uint64_t bad = 0;
  for (uint64_t i = 0; i < want.size(); ++i) {
    const float got = all[guard + i];
    const bool same =
        num::floatBits(got) == num::floatBits(want[i]) || (std::isnan(got) && std::isnan(want[i]));
    if (!same && bad++ < 3)
      ADD_FAILURE() << "Y[" << i << "]: got " << got << ", want " << want[i] << " ("
                    << g->plan.describe() << ")";
  }
  EXPECT_EQ(bad, 0u);
  pagoda::test::expectPrediction(g->plan.predictedCycles, *s, g->plan.describe());
  return g->plan;
}

class GeneratedRowsTest : public ::testing::TestWithParam<Case> {};

TEST_P(GeneratedRowsTest, MatchesTheReferenceBitForBit) { runCase(GetParam()); }

INSTANTIATE_TEST_SUITE_P(
    Codegen, GeneratedRowsTest,
    ::testing::Values(Case{RowOp::Sum, 300, 100}, Case{RowOp::Mean, 96, 400},
                      Case{RowOp::Max, 37, 7}, Case{RowOp::Min, 5, 64},
                      Case{RowOp::Mean, 40, 25600}, Case{RowOp::Softmax, 250, 25},
                      Case{RowOp::Softmax, 26, 6625}, Case{RowOp::Softmax, 3, 2},
                      Case{RowOp::LogSoftmax, 70, 130},
                      Case{RowOp::LayerNorm, 200, 120, true, true},
                      Case{RowOp::LayerNorm, 9, 3000, true, false},
                      Case{RowOp::LayerNorm, 33, 64, false, false}, Case{RowOp::Softmax, 5000, 80},
                      Case{RowOp::Sum, 20000, 24}, Case{RowOp::LayerNorm, 3001, 96, true, true},
                      // f16 tensors (the 16-bit modes): widened, computed, narrowed.
                      Case{RowOp::Softmax, 320, 40, false, false, isa::DType::F16},
                      Case{RowOp::LayerNorm, 40, 120, true, true, isa::DType::F16},
                      Case{RowOp::Mean, 300, 100, false, false, isa::DType::F16},
                      Case{RowOp::LogSoftmax, 26, 6625, false, false, isa::DType::F16},
                      Case{RowOp::Max, 37, 7, false, false, isa::DType::F16},
                      Case{RowOp::LayerNorm, 40, 120, true, true, isa::DType::BF16},
                      Case{RowOp::Softmax, 250, 25, false, false, isa::DType::BF16}),
    [](const ::testing::TestParamInfo<Case> &info) {
      const Case &c = info.param;
      return fmt::format("{}_{}x{}{}{}_{}", opName(c.op), c.rows, c.cols, c.scale ? "_scale" : "",
                         c.bias ? "_bias" : "", isa::dtypeName(c.type));
    });

// Instance norm: each (n, c) row normalized over its spatial elements,
// then its own scale and bias (f32, one per row), in several tiles (the
// per-row values move with their rows), f32 and f16 tensors, long rows.
TEST(GeneratedRows, InstanceNormScalesEachRow) {
  Case f32{RowOp::LayerNorm, 2 * 37, 7 * 9};
  f32.rowAffine = true;
  runCase(f32);
  Case f16 = f32;
  f16.type = isa::DType::F16;
  runCase(f16);
  Case wide{RowOp::LayerNorm, 6, 64 * 80};
  wide.rowAffine = true;
  EXPECT_TRUE(runCase(wide).perRow);
}

TEST(GeneratedRows, LongRowsTakeAnInstructionPerRow) {
  EXPECT_TRUE(runCase({RowOp::Softmax, 26, 6625}).perRow);
  EXPECT_FALSE(runCase({RowOp::Softmax, 250, 25}).perRow);
}

TEST(GeneratedRows, NanAndInfinityFollowTheReference) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> x(4 * 70, 1.0f);
  x[3] = std::numeric_limits<float>::quiet_NaN(); // row 0: NaN max
  x[70 + 69] = inf;                               // row 1: +inf in the masked tail
  x[140 + 5] = -inf;                              // row 2: -inf
  runCase({RowOp::Max, 4, 70}, x);
  runCase({RowOp::Softmax, 4, 70}, x);
}

TEST(GeneratedRows, RefusesWhatItDoesNotCover) {
  SimHarness h("ascend-950pr");
  Result<RowPlan> p = planRows({"rows", isa::DType::S32, RowOp::Sum, 4, 64}, h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "element type s32");
  p = planRows({"rows", isa::DType::F32, RowOp::Softmax, 2, 40000}, h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "a row of 40000 values does not fit twice");
  p = planRows({"rows", isa::DType::F32, RowOp::Sum, 2, 8, 1e-5f, true}, h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "belong to layer normalization");
}

} // namespace
