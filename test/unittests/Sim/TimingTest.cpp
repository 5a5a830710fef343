//===- TimingTest.cpp - L2 model, shared bandwidth, rooflines, microbench ----===//

#include "SimHarness.h"

#include "../../../lib/Sim/Timing.h"

#include "pagoda/Sim/Microbench.h"

#include <fmt/format.h>

using namespace pagoda;
using namespace pagoda::test;

namespace {

TEST(L2Model, LeastRecentlyUsedLinesAreEvicted) {
  sim::detail::L2Model l2(4 * 512, 512); // four lines
  EXPECT_EQ(l2.touch(0, 4 * 512), 4u);   // cold
  EXPECT_EQ(l2.touch(0, 4 * 512), 0u);   // all hit
  EXPECT_EQ(l2.touch(100, 1), 0u);       // line 0, now most recent
  EXPECT_EQ(l2.touch(4 * 512, 512), 1u); // line 4 evicts line 1 (LRU)
  EXPECT_EQ(l2.touch(0, 512), 0u);
  EXPECT_EQ(l2.touch(512, 512), 1u); // line 1 was evicted
  EXPECT_EQ(l2.touch(511, 2), 0u);   // spans lines 0 and 1, both resident
  l2.flush();
  EXPECT_EQ(l2.touch(0, 512), 1u);
  // Many lines: hits and misses stay consistent through table growth and
  // evictions.
  sim::detail::L2Model big(1000 * 512, 512);
  for (int round = 0; round < 3; ++round)
    EXPECT_EQ(big.touch(0, 1000 * 512), round == 0 ? 1000u : 0u);
  EXPECT_EQ(big.touch(1000 * 512, 500 * 512), 500u);
  EXPECT_EQ(big.touch(0, 500 * 512), 500u);        // the oldest half was evicted
  EXPECT_EQ(big.touch(1000 * 512, 500 * 512), 0u); // the newest half stayed
}

TEST(Timing, KernelsNeverBeatTheirRoofline) {
  // A GEMM-like kernel: every core loads A and B tiles and runs the cube.
  SimHarness h;
  std::string text = ".kernel k\n.core aic\n    ldarg x1, 0\n";
  for (int i = 0; i < 4; ++i)
    text += fmt::format("    movi x5, {}\n    dma_gm_l1 x5, x1, len=2048\n    addi x1, x1, 65536\n",
                        i * 65536);
  text += "    setf mte2, mte1, 0\n    waitf mte2, mte1, 0\n";
  text += "    load2d_l1_l0a.f16 x0, x0, rep=128\n    load2d_l1_l0b.f16 x0, x0, rep=128\n";
  text += "    setf mte1, m, 0\n    waitf mte1, m, 0\n";
  for (int i = 0; i < 8; ++i)
    text += "    mmad.f16 x0, x0, x0, m=128, k=256, n=128\n";
  text += "    halt\n";
  uint64_t g = h.alloc(32 * 4 * 65536);
  sim::SimOptions opts;
  Result<sim::KernelStats> r = h.run(text, {g}, 32);
  ASSERT_TRUE(r.ok()) << r.error().str();
  EXPECT_GT(r->rooflineComputeCycles, 0);
  EXPECT_GT(r->rooflineMemoryCycles, 0);
  EXPECT_GE(r->cycles - r->launchOverheadCycles, r->rooflineCycles());
  EXPECT_EQ(r->hbmReadBytes, 4u * 65536); // all cores read the same 256 KiB: one miss each line
  EXPECT_EQ(r->l2HitBytes + r->l2MissBytes, 32u * 4 * 65536);
  // A second run finds everything in L2.
  Result<sim::KernelStats> again = h.run(text, {g}, 32);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->hbmReadBytes, 0u);
  EXPECT_LE(again->cycles, r->cycles);
}

TEST(Timing, SharedHbmIsNeverExceeded) {
  // All cores stream distinct data, twice the L2: HBM-bound.
  SimHarness h;
  const uint64_t perCore = 2 * h.target().l2Bytes / 32;
  std::string text =
      fmt::format(".kernel k\n.core aic\n    ldarg x1, 0\n    coreid x2\n    muli x2, x2, {}\n"
                  "    add x1, x1, x2\n",
                  perCore);
  for (uint64_t off = 0; off < perCore; off += 262144)
    text += "    dma_gm_l1 x0, x1, len=8192\n    addi x1, x1, 262144\n";
  text += "    halt\n";
  sim::SimOptions opts;
  opts.checkRaces = false;
  SimHarness fast("ascend-950pr", opts);
  uint64_t g = fast.alloc(perCore * 32);
  Result<sim::KernelStats> r = fast.run(text, {g}, 32);
  ASSERT_TRUE(r.ok()) << r.error().str();
  double bytesPerCycle = double(r->hbmReadBytes) / (r->cycles - r->launchOverheadCycles);
  EXPECT_LE(bytesPerCycle, h.target().hbmBytesPerCycle() * (1 + 1e-9));
  EXPECT_GE(bytesPerCycle, 0.9 * h.target().hbmBytesPerCycle());
}

TEST(Timing, PipesOverlapOnlyWhereFlagsAllow) {
  // Two independent 32 KiB DMAs on MTE2 and 255-repeat vector adds on V
  // overlap; with a flag from MTE2 to V they serialize.
  SimHarness h;
  uint64_t g = h.alloc(65536);
  const char *overlap = R"(
.kernel k
.core aiv
    subid x9
    bne x9, x0, done
    ldarg x1, 0
    movi x2, 131072
    dma_gm_ub x0, x1, len=1024
    vadd.f32 x2, x2, x2, rep=255
done:
    halt
)";
  const char *serial = R"(
.kernel k
.core aiv
    subid x9
    bne x9, x0, done
    ldarg x1, 0
    movi x2, 131072
    dma_gm_ub x0, x1, len=1024
    setf mte2, v, 0
    waitf mte2, v, 0
    vadd.f32 x2, x2, x2, rep=255
done:
    halt
)";
  Result<sim::KernelStats> a = h.run(overlap, {g});
  Result<sim::KernelStats> b = h.run(serial, {g});
  ASSERT_TRUE(a.ok() && b.ok());
  const double dma = 32768.0 / h.target().path(target::Path::GmToUb)->bytesPerCycle;
  EXPECT_LT(a->cycles, b->cycles);
  EXPECT_GE(b->cycles - b->launchOverheadCycles, dma + 255);
  EXPECT_GT(b->pipes[unsigned(target::Pipe::V)].waitCycles, dma * 0.9);
}

TEST(Timing, FullQueuesThatDeadlockAreReported) {
  // The scalar unit issues more vector ops than the queue holds, all behind
  // a wait for a flag the scalar unit sets afterwards: fine with unbounded
  // queues, a deadlock with the target's 32-deep queue.
  SimHarness h;
  std::string text = ".kernel k\n.core aiv\n    waitf s, v, 0\n";
  for (int i = 0; i < 40; ++i)
    text += "    vdup.f32 x0, x0\n    barrier v\n";
  text += "    setf s, v, 0\n    halt\n";
  Result<sim::KernelStats> r = h.run(text, {});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "the timing model deadlocked");
  EXPECT_HAS(r.error().str(), "the scalar unit waits for room in the v queue");
}

TEST(Microbench, EveryUnitRunsAtItsRatedSpeedOnEveryPreset) {
  for (const std::string &name : target::presetNames()) {
    Result<std::vector<sim::MicrobenchResult>> results =
        sim::runMicrobenchmarks(*target::getPreset(name));
    ASSERT_TRUE(results.ok()) << results.error().str();
    EXPECT_GE(results->size(), 11u) << name;
    for (const sim::MicrobenchResult &r : *results) {
      EXPECT_GE(r.ratio, 0.9) << name << " " << r.unit;
      EXPECT_LE(r.ratio, 1.0) << name << " " << r.unit;
    }
  }
}

} // namespace
