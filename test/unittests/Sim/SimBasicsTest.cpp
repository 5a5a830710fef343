//===- SimBasicsTest.cpp - Scalar, DMA, flags and the checkers ------------===//

#include "SimHarness.h"

#include "pagoda/Sim/Numerics.h"

#include <random>

using namespace pagoda;
using namespace pagoda::test;

namespace {

/// c = a + b over 1024 f16 elements: each of the AI core's two vector cores
/// takes 512 (subid selects the half).
const char *kVadd = R"(
.kernel vadd16
.core aiv
    ldarg x1, 0
    ldarg x2, 1
    ldarg x3, 2
    subid x20
    muli x20, x20, 1024
    add x1, x1, x20
    add x2, x2, x20
    add x3, x3, x20
    movi x10, 0
    movi x11, 2048
    movi x12, 4096
    dma_gm_ub x10, x1, len=32
    dma_gm_ub x11, x2, len=32
    setf mte2, v, 0
    waitf mte2, v, 0
    vadd.f16 x12, x10, x11, rep=4
    setf v, mte3, 0
    waitf v, mte3, 0
    dma_ub_gm x3, x12, len=32
    halt
)";

std::vector<uint16_t> randomHalves(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-100.0f, 100.0f);
  std::vector<uint16_t> v(n);
  for (uint16_t &h : v)
    h = num::f32ToF16(dist(rng));
  return v;
}

TEST(SimBasics, VectorAddIsExact) {
  SimHarness h;
  auto a = randomHalves(1024, 1), b = randomHalves(1024, 2);
  uint64_t ga = h.upload(a), gb = h.upload(b), gc = h.alloc(2048);
  Result<sim::KernelStats> stats = h.run(kVadd, {ga, gb, gc});
  ASSERT_TRUE(stats.ok()) << stats.error().str();
  std::vector<uint16_t> c = h.download<uint16_t>(gc, 1024);
  for (size_t i = 0; i < 1024; ++i) {
    uint16_t want = num::f32ToF16(num::f16ToF32(a[i]) + num::f16ToF32(b[i]));
    ASSERT_EQ(c[i], want) << i;
  }
  EXPECT_GT(stats->cycles, 0);
  EXPECT_EQ(stats->coresRun, 2u);
  EXPECT_EQ(stats->pathBytes[unsigned(target::Path::GmToUb)], 4096u);
  EXPECT_EQ(stats->pathBytes[unsigned(target::Path::UbToGm)], 2048u);
  // waitf, vadd, setf on each vector core.
  EXPECT_EQ(stats->pipes[unsigned(target::Pipe::V)].instructions, 6u);
}

TEST(SimBasics, MissingFlagIsARace) {
  SimHarness h;
  std::string text = kVadd;
  text.replace(text.find("    setf mte2, v, 0\n    waitf mte2, v, 0\n"),
               std::string("    setf mte2, v, 0\n    waitf mte2, v, 0\n").size(), "");
  uint64_t ga = h.upload(randomHalves(1024, 1)), gb = h.upload(randomHalves(1024, 2));
  Result<sim::KernelStats> r = h.run(text, {ga, gb, h.alloc(2048)});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "kernel 'vadd16', aiv 0.0, pipe v, instruction 13 (vadd.f16 x12, "
                              "x10, x11, rep=4) at line 17: data race on ub bytes [0x0, 0x20)");
  EXPECT_HAS(r.error().str(), "reads bytes that aiv 0.0 pipe mte2 instruction 11 (dma_gm_ub x10, "
                              "x1, len=32) wrote earlier, and no flag or barrier orders the two");
}

TEST(SimBasics, RaceCheckingCanBeSwitchedOff) {
  sim::SimOptions opts;
  opts.checkRaces = false;
  SimHarness h("ascend-950pr", opts);
  std::string text = kVadd;
  text.replace(text.find("    setf mte2, v, 0\n    waitf mte2, v, 0\n"),
               std::string("    setf mte2, v, 0\n    waitf mte2, v, 0\n").size(), "");
  uint64_t ga = h.upload(randomHalves(1024, 1)), gb = h.upload(randomHalves(1024, 2));
  EXPECT_TRUE(h.run(text, {ga, gb, h.alloc(2048)}).ok());
}

TEST(SimBasics, SamePipeNeedsABarrier) {
  // Two dependent vector ops without a barrier race on the pipelined V pipe.
  const char *text = R"(
.kernel k
.core aiv
    movi x1, 0
    movi x2, 256
    vdup.f32 x1, x0
    vadd.f32 x2, x1, x1
    halt
)";
  SimHarness h;
  Result<sim::KernelStats> r = h.run(text, {});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "pipe v, instruction 3 (vadd.f32 x2, x1, x1)");
  EXPECT_HAS(r.error().str(), "reads bytes that aiv 0.0 pipe v instruction 2 (vdup.f32 x1, x0) "
                              "wrote earlier");
  std::string fixed = text;
  fixed.insert(fixed.find("    vadd.f32"), "    barrier v\n");
  EXPECT_TRUE(h.run(fixed, {}).ok());
}

TEST(SimBasics, OutOfBoundsAndMisaligned) {
  SimHarness h;
  Result<sim::KernelStats> r = h.run(R"(
.kernel oob
.core aiv
    movi x1, 253920
    vdup.f32 x1, x0, rep=2
    halt
)",
                                     {});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "kernel 'oob', aiv 0.0, pipe v, instruction 1 (vdup.f32 x1, x0, "
                              "rep=2) at line 5: ub access [0x3e000, 0x3e020) is out of bounds "
                              "(ub holds 253952 bytes)");
  r = h.run(".kernel mis\n.core aiv\n movi x1, 16\n vdup.f32 x1, x0\n halt\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "operand address 0x10 in ub is not 32-byte aligned");
  uint64_t g = h.alloc(64);
  r = h.run(".kernel gm\n.core aiv\n ldarg x1, 0\n addi x1, x1, 64\n dma_gm_ub x0, x1, len=1\n"
            " setf mte2, s, 0\n waitf mte2, s, 0\n halt\n",
            {g});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "pipe mte2, instruction 2");
  EXPECT_HAS(r.error().str(), "is outside every allocation");
}

TEST(SimBasics, DeadlockAndLeftoverFlags) {
  SimHarness h;
  Result<sim::KernelStats> r = h.run(".kernel dl\n.core aiv\n waitf mte2, v, 3\n halt\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "kernel 'dl': deadlock: no core can make progress");
  EXPECT_HAS(r.error().str(), "aiv 0.0, pipe v, instruction 0 (waitf mte2, v, 3) at line 3 waits");

  r = h.run(".kernel left\n.core aiv\n setf mte2, v, 1\n halt\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "aiv 0.0: flag (mte2, v, 1) was set 1 more time(s) than waited for");

  r = h.run(".kernel ev\n.core aiv\n setf mte2, v, 8\n halt\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "event id 8 does not exist (ascend-950pr has 8)");
}

TEST(SimBasics, ScalarLoopsBranchesAndArgs) {
  SimHarness h;
  uint64_t out = h.alloc(64);
  // Sum 1..100 in a loop, store to GM with stg.
  Result<sim::KernelStats> r = h.run(R"(
.kernel sum
.core aiv
    ldarg x1, 0
    movi x2, 100
    movi x3, 0
loop:
    add x3, x3, x2
    addi x2, x2, -1
    bne x2, x0, loop
    stg.s64 x3, x1
    coreid x4
    stg.s32 x4, x1, 8
    subid x5
    stg.s32 x5, x1, 12
    halt
)",
                                     {out}, 2);
  ASSERT_TRUE(r.ok()) << r.error().str();
  std::vector<int64_t> v = h.download<int64_t>(out, 2);
  EXPECT_EQ(v[0], 5050);
  EXPECT_GE(r->scalarInstructions, 300u);
  EXPECT_EQ(r->coresRun, 4u); // 2 AI cores x 2 vector cores

  r = h.run(".kernel bad\n.core aiv\n ldarg x1, 3\n halt\n", {out});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "reads argument 3 but the launch passes 1");

  sim::SimOptions opts;
  opts.maxScalarSteps = 1000;
  SimHarness bounded("ascend-950pr", opts);
  r = bounded.run(".kernel spin\n.core aiv\nl: jmp l\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "exceeded 1000 scalar instructions");

  r = h.run(".kernel div\n.core aiv\n movi x1, 5\n div x2, x1, x0\n halt\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "division by zero");
}

TEST(SimBasics, LaunchShapeErrors) {
  SimHarness h;
  Result<sim::KernelStats> r = h.run(".kernel c\n.core coupled\n halt\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "has a coupled program but ascend-950pr has split cores");
  r = h.run(".kernel big\n.core aiv\n halt\n", {}, 33);
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "block dim 33 exceeds the 32 AI cores of ascend-950pr");
  SimHarness v1("ascend-910");
  r = v1.run(".kernel k\n.core aiv\n halt\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "has aic/aiv programs but ascend-910 has coupled cores");
  EXPECT_TRUE(v1.run(".kernel k\n.core coupled\n halt\n", {}).ok());
}

TEST(SimBasics, GlobalMemoryAllocations) {
  sim::GlobalMemory gm(1 << 20);
  Result<uint64_t> a = gm.allocate(1000);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a % 512, 0u);
  EXPECT_NE(gm.translate(*a, 1000), nullptr);
  EXPECT_EQ(gm.translate(*a, 1001), nullptr);
  EXPECT_EQ(gm.translate(*a - 1, 1), nullptr);
  Result<uint64_t> big = gm.allocate(2 << 20);
  ASSERT_FALSE(big.ok());
  EXPECT_HAS(big.error().str(), "out of device memory: requested 2097152 bytes");
  ASSERT_TRUE(gm.free(*a).ok());
  EXPECT_FALSE(gm.free(*a).ok());
  // 128 GiB of modeled HBM costs nothing until used.
  sim::GlobalMemory huge(uint64_t(128) << 30);
  Result<uint64_t> g = huge.allocate(uint64_t(1) << 30);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(huge.allocatedBytes(), uint64_t(1) << 30);
}

} // namespace

namespace {

/// Every vector core writes its id to GM, all meet at a cross-core barrier,
/// then each sums every id it can now see; cube cores run a matmul-sized
/// mmad. Results and statistics must not depend on the host thread count.
const char *kCrossCore = R"(
.kernel cc
.core aiv
    ldarg x1, 0
    coreid x2
    subid x3
    shli x4, x2, 1
    add x4, x4, x3          # vector core index 0..2N-1
    shli x5, x4, 3
    add x5, x5, x1
    addi x6, x4, 100
    stg.s64 x6, x5
    xset s, 1, mode=0
    xwait s, 1, mode=0
    corenum x7
    shli x7, x7, 1          # vector cores in the launch
    movi x8, 0
    movi x9, 0
sum:
    shli x10, x9, 3
    add x10, x10, x1
    ldg.s64 x11, x10
    add x8, x8, x11
    addi x9, x9, 1
    blt x9, x7, sum
    addi x12, x5, 512
    stg.s64 x8, x12
    halt
.core aic
    mmad.f16 x0, x0, x0, m=64, k=64, n=64, init=1
    halt
)";

TEST(SimThreads, ResultsAndTimingDoNotDependOnThreadCount) {
  std::vector<uint64_t> sums[3];
  double cycles[3] = {};
  for (unsigned threads : {1u, 2u}) {
    sim::SimOptions opts;
    opts.threads = threads;
    SimHarness h("ascend-950pr", opts);
    uint64_t g = h.alloc(4096);
    Result<sim::KernelStats> r = h.run(kCrossCore, {g}, 8);
    ASSERT_TRUE(r.ok()) << r.error().str();
    sums[threads] = h.download<uint64_t>(g + 512, 16);
    cycles[threads] = r->cycles;
  }
  const uint64_t want = 16 * 100 + 15 * 16 / 2; // sum of 100..115
  for (uint64_t v : sums[1])
    EXPECT_EQ(v, want);
  EXPECT_EQ(sums[1], sums[2]);
  EXPECT_EQ(cycles[1], cycles[2]);
}

TEST(SimThreads, ErrorsAndDeadlocksAcrossThreads) {
  sim::SimOptions opts;
  opts.threads = 2;
  SimHarness h("ascend-950pr", opts);
  // Only core 0 waits for a cross-core flag nobody sets.
  Result<sim::KernelStats> r = h.run(R"(
.kernel dl
.core aic
    coreid x1
    bne x1, x0, done
    xwait s, 2, mode=2
done:
    halt
)",
                                     {}, 4);
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "deadlock");
  EXPECT_HAS(r.error().str(), "aic 0, pipe s, instruction 2 (xwait s, 2, mode=2)");
  r = h.run(".kernel bad\n.core aic\n coreid x1\n beq x1, x0, ok\n div x2, x1, x0\nok:\n halt\n",
            {}, 4);
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "division by zero");
}

} // namespace
