//===- TransposeTest.cpp - Generated transpose kernels on the simulator ---===//
//
// Every kernel runs with race and bounds checks on and must move every
// element to its place: tiles on the edges in both dimensions, several
// images, 1-, 2- and 4-byte elements, the NCHW <-> NHWC shapes of a CNN's
// first layer.

#include "../Sim/SimHarness.h"
#include "KernelTestSupport.h"

#include "pagoda/Codegen/Transpose.h"

#include <fmt/format.h>

#include <random>

using namespace pagoda;
using namespace pagoda::codegen;
using pagoda::test::SimHarness;

namespace {

struct Case {
  uint64_t batch, rows, cols;
  unsigned size;
};

sim::KernelStats runCase(const Case &c, TransposePlan *planOut = nullptr) {
  SimHarness h("ascend-950pr");
  TransposeKernel k{"tr", c.size, c.batch, c.rows, c.cols};
  Result<GeneratedTranspose> g = generateTranspose(k, h.target());
  EXPECT_TRUE(g.ok()) << (g ? "" : g.error().str());
  if (!g)
    return {};
  const uint64_t n = c.batch * c.rows * c.cols;
  std::vector<uint8_t> x(n * c.size);
  std::mt19937 rng{unsigned(n)};
  for (uint8_t &b : x)
    b = uint8_t(rng());
  std::vector<uint8_t> table(g->indexTable.size() * 4);
  std::memcpy(table.data(), g->indexTable.data(), table.size());
  uint64_t out = h.alloc(n * c.size);
  sim::KernelLaunch launch{
      k.name, {g->program}, g->plan.blockDim, {h.upload(x), h.upload(table), out}};
  Result<sim::KernelStats> s = h.sim().run(launch);
  EXPECT_TRUE(s.ok()) << (s ? "" : s.error().str() + "\n" + g->assembly);
  if (!s)
    return {};
  std::vector<uint8_t> y = h.download<uint8_t>(out, n * c.size);
  uint64_t bad = 0;
  for (uint64_t b = 0; b < c.batch; ++b)
    for (uint64_t r = 0; r < c.rows; ++r)
      for (uint64_t q = 0; q < c.cols; ++q) {
        const uint64_t from = ((b * c.rows + r) * c.cols + q) * c.size;
        const uint64_t to = ((b * c.cols + q) * c.rows + r) * c.size;
        if (std::memcmp(&x[from], &y[to], c.size) && bad++ < 3)
          ADD_FAILURE() << "X[" << b << "][" << r << "][" << q << "] is not at Y[" << b << "][" << q
                        << "][" << r << "] (" << g->plan.describe() << ")";
      }
  EXPECT_EQ(bad, 0u);
  if (planOut)
    *planOut = g->plan;
  return *s;
}

class GeneratedTransposeTest : public ::testing::TestWithParam<Case> {};

TEST_P(GeneratedTransposeTest, MovesEveryElement) { runCase(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Codegen, GeneratedTransposeTest,
                         ::testing::Values(Case{1, 64, 64, 4}, Case{2, 3, 1000, 4},
                                           Case{1, 1000, 3, 4}, Case{1, 100, 37, 2},
                                           Case{3, 17, 33, 1}, Case{1, 130, 4100, 4}),
                         [](const ::testing::TestParamInfo<Case> &info) {
                           const Case &c = info.param;
                           return fmt::format("{}x{}x{}_{}B", c.batch, c.rows, c.cols, c.size);
                         });

TEST(GeneratedTranspose, PredictsTheSimulator) {
  TransposePlan plan;
  sim::KernelStats s = runCase({1, 256, 16384, 4}, &plan);
  EXPECT_GE(plan.vectorCores, 16u) << plan.describe();
  test::expectPrediction(plan.predictedCycles, s, plan.describe());
}

TEST(GeneratedTranspose, RecognizesBatchedTransposes) {
  auto shape = [](std::vector<int64_t> s, std::vector<int64_t> p) {
    std::optional<TransposeKernel> k = batchedTranspose(s, p);
    return k ? fmt::format("{}x{}x{}", k->batch, k->rows, k->cols) : std::string("none");
  };
  EXPECT_EQ(shape({2, 3, 4, 5}, {0, 2, 3, 1}), "2x3x20"); // NCHW -> NHWC
  EXPECT_EQ(shape({2, 4, 5, 3}, {0, 3, 1, 2}), "2x20x3"); // NHWC -> NCHW
  EXPECT_EQ(shape({1, 8, 1, 1}, {0, 2, 3, 1}), "none");   // a reshape, not a transpose
  EXPECT_EQ(shape({6, 7}, {1, 0}), "1x6x7");
  EXPECT_EQ(shape({2, 3, 4, 5}, {0, 2, 1, 3}), "none"); // an inner block moves
  EXPECT_EQ(shape({2, 3, 4}, {1, 0, 2}), "none");
}

} // namespace
