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
};

sim::KernelStats runCase(const Case &c, ReducePlan *planOut = nullptr) {
  SimHarness h("ascend-950pr");
  ReduceKernel k{"red", isa::DType::F32, c.op, c.batch, c.rows, c.cols};
  Result<GeneratedReduce> g = generateReduce(k, h.target());
  EXPECT_TRUE(g.ok()) << (g ? "" : g.error().str());
  if (!g)
    return {};
  std::mt19937 rng{unsigned(c.rows * 7 + c.cols)};
  std::uniform_real_distribution<float> dist(-2, 2);
  std::vector<float> x(c.batch * c.rows * c.cols);
  for (float &v : x)
    v = dist(rng);
  uint64_t out = h.alloc(c.batch * c.cols * 4);
  sim::KernelLaunch launch{k.name, {g->program}, g->plan.blockDim, {h.upload(x), out}};
  Result<sim::KernelStats> s = h.sim().run(launch);
  EXPECT_TRUE(s.ok()) << (s ? "" : s.error().str() + "\n" + g->assembly);
  if (!s)
    return {};
  std::vector<float> want = evaluateReduce(k, x);
  std::vector<float> got = h.download<float>(out, c.batch * c.cols);
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
                                           Case{ReduceOp::Mean, 1, 6400, 480}),
                         [](const ::testing::TestParamInfo<Case> &info) {
                           const Case &c = info.param;
                           return fmt::format("{}_{}x{}x{}", opName(c.op), c.batch, c.rows, c.cols);
                         });

TEST(GeneratedReduce, RefusesWhatItDoesNotCover) {
  SimHarness h("ascend-950pr");
  Result<ReducePlan> p = planReduce({"red", isa::DType::F32, ReduceOp::Sum, 1, 10, 3}, h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "3 columns are not whole 32-byte blocks");
  p = planReduce({"red", isa::DType::F16, ReduceOp::Sum, 1, 10, 16}, h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "element type f16");
}

} // namespace
