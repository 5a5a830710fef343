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

TEST(GeneratedTranspose, RecognizesBlockTransposes) {
  auto shape = [](std::vector<int64_t> s, std::vector<int64_t> p) {
    std::optional<BlockTransposeKernel> k = blockTranspose(s, p);
    return k ? fmt::format("{}x{}x{}x{}", k->batch, k->rows, k->cols, k->block)
             : std::string("none");
  };
  EXPECT_EQ(shape({2, 3, 4, 5}, {0, 2, 1, 3}), "2x3x4x5"); // attention's heads
  EXPECT_EQ(shape({2, 3, 4}, {1, 0, 2}), "1x2x3x4");
  EXPECT_EQ(shape({2, 3, 4, 5, 6}, {0, 2, 1, 3, 4}), "2x3x4x30"); // E merges
  EXPECT_EQ(shape({2, 3, 4, 5}, {0, 2, 3, 1}), "none");           // elements, not blocks
  EXPECT_EQ(shape({2, 1, 4, 5}, {0, 2, 1, 3}), "none");           // a reshape
}

struct BlockCase {
  uint64_t batch, rows, cols, block;
};

class GeneratedBlockTransposeTest : public ::testing::TestWithParam<BlockCase> {};

// Every block lands in its place (race and bounds checks on): attention's
// [B, T, H, D] -> [B, H, T, D], a pixel shuffle's rows, a tile count above
// the core count.
TEST_P(GeneratedBlockTransposeTest, MovesEveryBlock) {
  const BlockCase &c = GetParam();
  SimHarness h("ascend-950pr");
  BlockTransposeKernel k{"btr", 4, c.batch, c.rows, c.cols, c.block};
  Result<GeneratedBlockTranspose> g = generateBlockTranspose(k, h.target());
  ASSERT_TRUE(g.ok()) << g.error().str();
  const uint64_t n = c.batch * c.rows * c.cols * c.block;
  std::vector<uint32_t> x(n);
  for (uint64_t i = 0; i < n; ++i)
    x[i] = uint32_t(i);
  uint64_t out = h.alloc(n * 4);
  sim::KernelLaunch launch{k.name, {g->program}, g->plan.blockDim, {h.upload(x), out}};
  Result<sim::KernelStats> s = h.sim().run(launch);
  ASSERT_TRUE(s.ok()) << s.error().str() << "\n" << g->assembly;
  std::vector<uint32_t> y = h.download<uint32_t>(out, n);
  uint64_t bad = 0;
  for (uint64_t b = 0; b < c.batch; ++b)
    for (uint64_t r = 0; r < c.rows; ++r)
      for (uint64_t q = 0; q < c.cols; ++q)
        for (uint64_t e = 0; e < c.block; ++e) {
          const uint64_t from = ((b * c.rows + r) * c.cols + q) * c.block + e;
          const uint64_t to = ((b * c.cols + q) * c.rows + r) * c.block + e;
          if (y[to] != x[from] && bad++ < 3)
            ADD_FAILURE() << "X[" << b << "][" << r << "][" << q << "][" << e
                          << "] is not in place (" << g->plan.describe() << ")";
        }
  EXPECT_EQ(bad, 0u);
  test::expectPrediction(g->plan.predictedCycles, *s, g->plan.describe());
}

INSTANTIATE_TEST_SUITE_P(Codegen, GeneratedBlockTransposeTest,
                         ::testing::Values(BlockCase{1, 40, 8, 16}, BlockCase{2, 25, 3, 8},
                                           BlockCase{160, 160, 2, 48}, BlockCase{1, 7, 5, 64},
                                           // Partial 32-byte units: attention heads of 15
                                           // floats, a pixel shuffle of one channel.
                                           BlockCase{1, 40, 8, 15}, BlockCase{320, 320, 2, 2}),
                         [](const ::testing::TestParamInfo<BlockCase> &info) {
                           const BlockCase &c = info.param;
                           return fmt::format("{}x{}x{}x{}", c.batch, c.rows, c.cols, c.block);
                         });

} // namespace
