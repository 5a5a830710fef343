//===- ReduceTest.cpp - Generated row reductions on the simulator ---------===//
//
// Every kernel runs with race and bounds checks on and must match the
// reference bit for bit: sums, means and maxima over rows, blocks of rows
// with a remainder, channel chunks with a masked lane tail, several images.

#include "../Sim/SimHarness.h"
#include "KernelTestSupport.h"

#include "pagoda/Codegen/Reduce.h"

#include <fmt/format.h>

#include <random>

using namespace pagoda;
using namespace pagoda::codegen;
using pagoda::test::SimHarness;

namespace {

struct Case {
  ReduceOp op;
  uint64_t batch, rows, cols;
  isa::DType type = isa::DType::F32; ///< f16: tensors in f16, summed in f32
};

sim::KernelStats runCase(const Case &c, ReducePlan *planOut = nullptr) {
  SimHarness h("ascend-950pr");
  ReduceKernel k{"red", c.type, c.op, c.batch, c.rows, c.cols};
  const unsigned size = isa::dtypeBits(c.type) / 8;
  auto encode = [&](float f) { return test::encodeFloat(c.type, f); };
  auto decode = [&](uint32_t bits) { return test::decodeFloat(c.type, bits); };
  Result<GeneratedReduce> g = generateReduce(k, h.target());
  EXPECT_TRUE(g.ok()) << (g ? "" : g.error().str());
  if (!g)
    return {};
  std::mt19937 rng{unsigned(c.rows * 7 + c.cols)};
  std::uniform_real_distribution<float> dist(-2, 2);
  std::vector<float> x(c.batch * c.rows * c.cols);
  std::vector<uint8_t> xb(x.size() * size);
  for (size_t i = 0; i < x.size(); ++i) {
    uint32_t bits = encode(dist(rng));
    x[i] = decode(bits);
    std::memcpy(&xb[i * size], &bits, size);
  }
  uint64_t out = h.alloc(c.batch * c.cols * size);
  sim::KernelLaunch launch{k.name, {g->program}, g->plan.blockDim, {h.upload(xb), out}};
  Result<sim::KernelStats> s = h.sim().run(launch);
  EXPECT_TRUE(s.ok()) << (s ? "" : s.error().str() + "\n" + g->assembly);
  if (!s)
    return {};
  std::vector<float> want = evaluateReduce(k, x);
  std::vector<uint8_t> raw = h.download<uint8_t>(out, c.batch * c.cols * size);
  std::vector<float> got(c.batch * c.cols);
  for (size_t i = 0; i < got.size(); ++i) {
    uint32_t bits = 0;
    std::memcpy(&bits, &raw[i * size], size);
    got[i] = decode(bits);
  }
  uint64_t bad = 0;
  for (uint64_t i = 0; i < want.size(); ++i)
    if (num::floatBits(got[i]) != num::floatBits(want[i]) && bad++ < 3)
      ADD_FAILURE() << "Y[" << i / c.cols << "][" << i % c.cols << "]: got " << got[i] << ", want "
                    << want[i] << " (" << g->plan.describe() << ")";
  EXPECT_EQ(bad, 0u);
  if (planOut)
    *planOut = g->plan;
  return *s;
}

const char *opName(ReduceOp op) {
  return op == ReduceOp::Sum ? "sum" : op == ReduceOp::Mean ? "mean" : "max";
}

class GeneratedReduceTest : public ::testing::TestWithParam<Case> {};

TEST_P(GeneratedReduceTest, MatchesTheReferenceBitForBit) { runCase(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Codegen, GeneratedReduceTest,
                         ::testing::Values(Case{ReduceOp::Mean, 1, 400, 96},
                                           Case{ReduceOp::Sum, 2, 1000, 16},
                                           Case{ReduceOp::Max, 1, 37, 200},
                                           Case{ReduceOp::Mean, 3, 300, 8},
                                           Case{ReduceOp::Mean, 1, 6400, 480},
                                           // Channels of partial blocks (f32 10, f16 24, 88).
                                           Case{ReduceOp::Mean, 2, 50, 10},
                                           // f16 tensors, summed in f32.
                                           Case{ReduceOp::Mean, 1, 1600, 24, isa::DType::F16},
                                           Case{ReduceOp::Max, 2, 37, 88, isa::DType::F16},
                                           Case{ReduceOp::Mean, 1, 400, 480, isa::DType::F16},
                                           Case{ReduceOp::Mean, 1, 1600, 24, isa::DType::BF16}),
                         [](const ::testing::TestParamInfo<Case> &info) {
                           const Case &c = info.param;
                           return fmt::format("{}_{}_{}x{}x{}", opName(c.op),
                                              isa::dtypeName(c.type), c.batch, c.rows, c.cols);
                         });

TEST(GeneratedReduce, RefusesWhatItDoesNotCover) {
  SimHarness h("ascend-950pr");
  Result<ReducePlan> p = planReduce({"red", isa::DType::S32, ReduceOp::Sum, 1, 10, 16}, h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "element type s32");
}

} // namespace
