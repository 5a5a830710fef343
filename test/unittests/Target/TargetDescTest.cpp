//===- TargetDescTest.cpp - Presets, derived figures, validation ----------===//

#include "pagoda/Target/TargetDesc.h"
#include "pagoda/Target/Presets.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace pagoda::target;

namespace {

TargetDesc preset(const char *name) {
  std::optional<TargetDesc> t = getPreset(name);
  EXPECT_TRUE(t.has_value()) << name;
  return t.value_or(TargetDesc{});
}

/// True when some message names `field` (as "field 'FIELD'").
bool names(const std::vector<std::string> &messages, const std::string &field) {
  return std::any_of(messages.begin(), messages.end(), [&](const std::string &m) {
    return m.find("field '" + field + "'") != std::string::npos;
  });
}

TEST(Presets, AllSixExistAndValidate) {
  const std::vector<std::string> expected = {"ascend-910",   "ascend-910b2", "ascend-950pr",
                                             "ascend-950dt", "ascend-960",   "ascend-970"};
  EXPECT_EQ(presetNames(), expected);
  for (const std::string &name : presetNames()) {
    std::optional<TargetDesc> t = getPreset(name);
    ASSERT_TRUE(t) << name;
    EXPECT_EQ(t->name, name);
    std::vector<std::string> problems = validate(*t);
    EXPECT_TRUE(problems.empty()) << name << ": " << (problems.empty() ? "" : problems[0]);
  }
  EXPECT_FALSE(getPreset("ascend-999"));
  EXPECT_NE(std::find(presetNames().begin(), presetNames().end(), kDefaultTarget),
            presetNames().end());
}

TEST(Presets, Ascend950PRMatchesTheIssue) {
  TargetDesc t = preset("ascend-950pr");
  EXPECT_EQ(t.organization, CoreOrganization::Split);
  EXPECT_EQ(t.aiCores, 32u);
  EXPECT_EQ(t.totalVectorCores(), 64u);
  EXPECT_DOUBLE_EQ(t.clockGHz, 1.65);
  // 2 * 16*16*16 * 32 * 1.65 GHz = 432.5 TFLOPS, the derived figure.
  EXPECT_NEAR(t.peakFlops(CubeType::F16), 432.5e12, 0.1e12);
  EXPECT_EQ(t.hbmBytes, uint64_t(128) << 30);
  EXPECT_DOUBLE_EQ(t.hbmGBps, 1600);
  // sim issue: a 950PR-class chip needs ~270 flops per HBM byte.
  EXPECT_NEAR(t.ridgeFlopsPerByte(), 270, 1);
  // fp8 follows the derived 865 TFLOPS, not the announced 1 PFLOPS.
  EXPECT_NEAR(t.peakFlops(CubeType::F8E4M3), 865e12, 1e12);
  EXPECT_EQ(t.buffer(MemSpace::UB).sizeBytes, 248u * 1024);
  EXPECT_EQ(t.buffer(MemSpace::L0C).sizeBytes, 256u * 1024);
}

TEST(Presets, PeaksTraceToNpuFacts) {
  EXPECT_NEAR(preset("ascend-910b2").peakFlops(CubeType::F16), 353.9e12, 0.1e12);
  EXPECT_NEAR(preset("ascend-910").peakFlops(CubeType::S8), 524e12, 1e12);
  // 960 and 970 double and quadruple the 950's announced peaks.
  double fp8 = preset("ascend-950pr").peakFlops(CubeType::F8E4M3);
  EXPECT_DOUBLE_EQ(preset("ascend-960").peakFlops(CubeType::F8E4M3), 2 * fp8);
  EXPECT_DOUBLE_EQ(preset("ascend-970").peakFlops(CubeType::F8E4M3), 4 * fp8);
  EXPECT_DOUBLE_EQ(preset("ascend-960").hbmGBps, 9600);
  EXPECT_DOUBLE_EQ(preset("ascend-970").hbmGBps, 14400);
  EXPECT_DOUBLE_EQ(preset("ascend-950dt").hbmGBps, 4000);
  EXPECT_EQ(preset("ascend-950dt").hbmBytes, uint64_t(144) << 30);
}

TEST(Presets, ArchitectureDifferences) {
  TargetDesc v1 = preset("ascend-910"), b = preset("ascend-910b2"), c = preset("ascend-950pr");
  EXPECT_EQ(v1.organization, CoreOrganization::Coupled);
  EXPECT_EQ(v1.vectorCoresPerAiCore, 0u);
  EXPECT_EQ(v1.eventIds, 4u);
  EXPECT_EQ(b.eventIds, 8u);
  // GM -> L0A/L0B exist before 950 only.
  EXPECT_TRUE(b.hasPath(Path::GmToL0A));
  EXPECT_FALSE(c.hasPath(Path::GmToL0A));
  // 910B reaches the vector cores only through GM; 950 adds L0C -> UB.
  EXPECT_FALSE(b.hasPath(Path::L0cToUb));
  EXPECT_TRUE(c.hasPath(Path::L0cToUb));
  EXPECT_TRUE(c.hasPath(Path::UbToL1));
  EXPECT_FALSE(b.cube(CubeType::F8E4M3));
  EXPECT_TRUE(c.cube(CubeType::F8E4M3));
  EXPECT_EQ(c.cube(CubeType::S8)->k, 32u);
}

TEST(PathTable, EndpointsAndPipes) {
  EXPECT_EQ(findPath(MemSpace::GM, MemSpace::L1), Path::GmToL1);
  EXPECT_EQ(pathInfo(Path::GmToL1).pipe, Pipe::MTE2);
  EXPECT_EQ(pathInfo(*findPath(MemSpace::L1, MemSpace::L0B)).pipe, Pipe::MTE1);
  EXPECT_EQ(pathInfo(*findPath(MemSpace::L0C, MemSpace::GM)).pipe, Pipe::FIX);
  EXPECT_EQ(pathInfo(*findPath(MemSpace::UB, MemSpace::GM)).pipe, Pipe::MTE3);
  EXPECT_FALSE(findPath(MemSpace::L0A, MemSpace::GM));
  EXPECT_FALSE(findPath(MemSpace::GM, MemSpace::L0C));
  EXPECT_FALSE(findPath(MemSpace::GM, MemSpace::GM));
  for (unsigned i = 0; i < kNumPaths; ++i) {
    auto p = static_cast<Path>(i);
    EXPECT_EQ(pathInfo(p).path, p);
    EXPECT_EQ(parsePath(pathInfo(p).name), p);
    EXPECT_EQ(findPath(pathInfo(p).src, pathInfo(p).dst), p);
  }
}

TEST(Names, RoundTrip) {
  for (unsigned i = 0; i < kNumMemSpaces; ++i)
    EXPECT_EQ(parseMemSpace(memSpaceName(static_cast<MemSpace>(i))), static_cast<MemSpace>(i));
  for (unsigned i = 0; i < kNumPipes; ++i)
    EXPECT_EQ(parsePipe(pipeName(static_cast<Pipe>(i))), static_cast<Pipe>(i));
  for (unsigned i = 0; i < kNumCubeTypes; ++i)
    EXPECT_EQ(parseCubeType(cubeTypeName(static_cast<CubeType>(i))), static_cast<CubeType>(i));
  EXPECT_FALSE(parseMemSpace("l2"));
  EXPECT_FALSE(parsePipe("mte4"));
  EXPECT_EQ(cubeTypeBits(CubeType::F4), 4u);
}

TEST(Validate, L0LargerThanL1) {
  TargetDesc t = preset("ascend-950pr");
  t.buffer(MemSpace::L0A).sizeBytes = 1024 * 1024;
  std::vector<std::string> m = validate(t);
  ASSERT_FALSE(m.empty());
  EXPECT_TRUE(names(m, "buffers.l0a.size_bytes")) << m[0];
  EXPECT_NE(m[0].find("exceeds buffers.l1.size_bytes"), std::string::npos) << m[0];
}

TEST(Validate, Inconsistencies) {
  TargetDesc t = preset("ascend-950pr");
  t.organization = CoreOrganization::Coupled; // but 2 vector cores per AI core
  EXPECT_TRUE(names(validate(t), "cores.vector_cores_per_ai_core"));

  t = preset("ascend-950pr");
  t.buffer(MemSpace::UB).alignBytes = 24;
  EXPECT_TRUE(names(validate(t), "buffers.ub.align_bytes"));

  t = preset("ascend-950pr");
  t.buffer(MemSpace::UB).sizeBytes = 1000; // not a multiple of 32
  EXPECT_TRUE(names(validate(t), "buffers.ub.size_bytes"));

  t = preset("ascend-950pr");
  t.path(Path::GmToL1).reset();
  EXPECT_TRUE(names(validate(t), "paths.gm_to_l1"));

  t = preset("ascend-950pr");
  t.path(Path::L0cToGm).reset();
  t.path(Path::L0cToUb).reset();
  EXPECT_TRUE(names(validate(t), "paths"));

  t = preset("ascend-950pr");
  t.dmaMinAlignBytes = 1024;
  EXPECT_TRUE(names(validate(t), "dma.min_align_bytes"));

  t = preset("ascend-950pr");
  t.l2GBps = 100;
  EXPECT_TRUE(names(validate(t), "l2.bandwidth_gb_per_s"));

  t = preset("ascend-950pr");
  t.clockGHz = 0;
  EXPECT_TRUE(names(validate(t), "cores.clock_ghz"));

  t = preset("ascend-950pr");
  t.cube(CubeType::F16).reset();
  EXPECT_TRUE(names(validate(t), "cube.shapes.f16"));

  t = preset("ascend-950pr");
  t.eventIds = 0;
  EXPECT_TRUE(names(validate(t), "sync.event_ids"));

  t = preset("ascend-950pr");
  t.name = "my chip";
  EXPECT_TRUE(names(validate(t), "name"));

  // Placement divides by the host rates.
  t = preset("ascend-950pr");
  t.hostLinkGBps = 0;
  EXPECT_TRUE(names(validate(t), "host.link_gb_per_s"));
  t = preset("ascend-950pr");
  t.hostGflops = -1;
  EXPECT_TRUE(names(validate(t), "host.gflops"));
  t = preset("ascend-950pr");
  t.hostTransferLatencyUs = -1;
  EXPECT_TRUE(names(validate(t), "host.transfer_latency_us"));
}

TEST(Validate, ReportsEveryProblem) {
  TargetDesc t = preset("ascend-950pr");
  t.aiCores = 0;
  t.hbmGBps = -1;
  t.vectorMaxRepeat = 0;
  std::vector<std::string> m = validate(t);
  EXPECT_TRUE(names(m, "cores.ai_cores"));
  EXPECT_TRUE(names(m, "hbm.bandwidth_gb_per_s"));
  EXPECT_TRUE(names(m, "vector.max_repeat"));
}

} // namespace
