//===- LifetimePlannerTest.cpp - Offsets for buffers with lifetimes -------===//

#include "pagoda/Support/LifetimePlanner.h"

#include <gtest/gtest.h>

#include <random>

using namespace pagoda;

namespace {

TEST(LifetimePlanner, ChainReusesMemory) {
  // a -> b -> c -> d: each buffer lives from its producer to its consumer,
  // so only two are ever live and a chain needs the largest pair.
  std::vector<LiveBuffer> chain = {{1024, 0, 1}, {4096, 1, 2}, {1024, 2, 3}, {2048, 3, 4}};
  LifetimePlan plan = planBySize(chain, 512);
  EXPECT_TRUE(verifyPlan(chain, plan, 512).empty());
  EXPECT_EQ(plan.lowerBound, 5120u);
  EXPECT_EQ(plan.peak, 5120u);
}

TEST(LifetimePlanner, SizesRoundUpToTheAlignment) {
  std::vector<LiveBuffer> two = {{100, 0, 0}, {100, 0, 0}};
  LifetimePlan plan = planBySize(two, 512);
  EXPECT_TRUE(verifyPlan(two, plan, 512).empty());
  EXPECT_EQ(plan.peak, 1024u);
  EXPECT_EQ(plan.lowerBound, 1024u);
  EXPECT_NE(plan.offsets[0], plan.offsets[1]);
}

TEST(LifetimePlanner, DisjointLifetimesShareAnOffset) {
  std::vector<LiveBuffer> b = {{4096, 0, 2}, {4096, 3, 5}, {4096, 6, 9}};
  LifetimePlan plan = planBySize(b, 64);
  EXPECT_EQ(plan.peak, 4096u);
  EXPECT_EQ(plan.offsets, (std::vector<uint64_t>{0, 0, 0}));
}

TEST(LifetimePlanner, FillsAGapBetweenLiveBuffers) {
  // A big buffer live throughout, two small ones that free a hole between
  // them; a later small buffer goes in the hole, not past the end.
  std::vector<LiveBuffer> b = {{8192, 0, 10}, {1024, 0, 3}, {1024, 0, 10}, {1024, 4, 10}};
  LifetimePlan plan = planBySize(b, 512);
  EXPECT_TRUE(verifyPlan(b, plan, 512).empty());
  EXPECT_EQ(plan.peak, 8192u + 2048u);
}

TEST(LifetimePlanner, VerifierCatchesOverlaps) {
  std::vector<LiveBuffer> b = {{1024, 0, 5}, {1024, 3, 8}};
  LifetimePlan bad{{0, 512}, 1536, 2048};
  std::vector<std::string> problems = verifyPlan(b, bad, 512);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], "buffers 0 and 1 are live together and overlap at [512, 1024)");
  LifetimePlan misaligned{{0, 1100}, 2124, 2048};
  EXPECT_FALSE(verifyPlan(b, misaligned, 512).empty());
}

TEST(LifetimePlanner, RandomProgramsAreValidAndNearTheBound) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<LiveBuffer> b;
    int n = 1 + int(rng() % 60);
    uint64_t total = 0;
    for (int i = 0; i < n; ++i) {
      uint32_t first = uint32_t(rng() % 100);
      uint32_t len = uint32_t(rng() % 20);
      uint64_t size = 1 + rng() % 100000;
      b.push_back({size, first, first + len});
      total += (size + 511) / 512 * 512;
    }
    LifetimePlan plan = planBySize(b, 512);
    std::vector<std::string> problems = verifyPlan(b, plan, 512);
    ASSERT_TRUE(problems.empty()) << "trial " << trial << ": " << problems.front();
    EXPECT_GE(plan.peak, plan.lowerBound);
    EXPECT_LE(plan.peak, total);
  }
}

} // namespace
