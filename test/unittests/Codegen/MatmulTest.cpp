//===- MatmulTest.cpp - Generated cube kernels on the simulator -----------===//
//
// Every generated kernel runs with race and bounds checks on (each GM
// tensor its own allocation of exactly its size) and must match the
// ISA-level reference bit for bit: f16/bf16 in one pass, f32 in three hf32
// passes, edge tiles in M and N, a K remainder, bias and ReLU, batches
// (one B per batch or one for all) and B as K x N (transposed by load2d).

#include "../Sim/SimHarness.h"
#include "KernelTestSupport.h"

#include "pagoda/Codegen/Matmul.h"
#include "pagoda/Sim/Numerics.h"

#include <fmt/format.h>

#include <random>

using namespace pagoda;
using namespace pagoda::codegen;
using pagoda::test::SimHarness;

namespace {

struct Case {
  isa::DType input, output;
  uint64_t m, k, n;
  bool bias, relu;
  const char *target = "ascend-950pr";
  uint64_t batch = 1;
  bool bPerBatch = false, bKxN = false;
};

std::vector<uint8_t> pack(isa::DType t, const std::vector<uint32_t> &v) {
  return test::packBits(t, v);
}
uint32_t encode(isa::DType t, float f) { return test::encodeFloat(t, f); }

sim::KernelStats runCase(const Case &c, MatmulPlan *planOut = nullptr) {
  SimHarness h(c.target);
  MatmulKernel k{"mm",   c.input, c.output, c.m,         c.k,   c.n,
                 c.bias, c.relu,  c.batch,  c.bPerBatch, c.bKxN};
  const uint64_t bCount = c.bPerBatch ? c.batch : 1;
  Result<GeneratedMatmul> g = generateMatmul(k, h.target());
  EXPECT_TRUE(g.ok()) << (g ? "" : g.error().str());
  if (!g)
    return {};
  std::mt19937 rng(unsigned(c.m * 131 + c.k * 7 + c.n));
  std::uniform_real_distribution<float> dist(-2, 2);
  std::vector<float> af(c.batch * c.m * c.k), btf(bCount * c.n * c.k), bias(c.n);
  for (float &v : af)
    v = dist(rng);
  for (float &v : btf)
    v = dist(rng);
  for (float &v : bias)
    v = dist(rng);
  std::vector<uint32_t> a, bt, aLo, btLo;
  std::vector<uint64_t> args;
  if (c.input == isa::DType::F32) {
    std::vector<float> hi(af.size()), lo(af.size()), bhi(btf.size()), blo(btf.size());
    splitHf32(af.data(), af.size(), hi.data(), lo.data());
    splitHf32(btf.data(), btf.size(), bhi.data(), blo.data());
    for (float v : hi)
      a.push_back(num::floatBits(v));
    for (float v : lo)
      aLo.push_back(num::floatBits(v));
    for (float v : bhi)
      bt.push_back(num::floatBits(v));
    for (float v : blo)
      btLo.push_back(num::floatBits(v));
    args = {h.upload(pack(c.input, a)), h.upload(pack(c.input, aLo)), h.upload(pack(c.input, bt)),
            h.upload(pack(c.input, btLo))};
  } else {
    for (float v : af)
      a.push_back(encode(c.input, v));
    for (float v : btf)
      bt.push_back(encode(c.input, v));
    // B as the kernel takes it: B^T, or each batch's K x N.
    std::vector<uint32_t> b = bt;
    if (c.bKxN)
      for (uint64_t q = 0; q < bCount; ++q)
        for (uint64_t kk = 0; kk < c.k; ++kk)
          for (uint64_t j = 0; j < c.n; ++j)
            b[(q * c.k + kk) * c.n + j] = bt[(q * c.n + j) * c.k + kk];
    args = {h.upload(pack(c.input, a)), h.upload(pack(c.input, b))};
  }
  if (c.bias) {
    std::vector<float> padded(bias);
    padded.resize((c.n + 7) / 8 * 8, 0.0f);
    args.push_back(h.upload(padded));
  }
  if (uint64_t zeros = matmulZeroBytes(k))
    args.push_back(h.upload(std::vector<uint8_t>(zeros, 0)));
  const unsigned outSize = isa::dtypeBits(c.output) / 8;
  const uint64_t outElems = c.batch * c.m * c.n;
  uint64_t out = h.alloc(outElems * outSize);
  args.push_back(out);
  EXPECT_EQ(args.size(), matmulArgCount(k));
  sim::KernelLaunch launch{k.name, {g->program}, g->plan.blockDim, args};
  Result<sim::KernelStats> s = h.sim().run(launch);
  EXPECT_TRUE(s.ok()) << (s ? "" : s.error().str() + "\n" + g->assembly);
  if (!s)
    return {};
  std::vector<float> want = evaluateMatmul(k, a, bt, aLo, btLo, bias, g->plan.kt);
  std::vector<uint8_t> got = h.download<uint8_t>(out, outElems * outSize);
  uint64_t bad = 0;
  for (uint64_t i = 0; i < outElems; ++i) {
    uint32_t w = encode(c.output, want[i]), v = 0;
    std::memcpy(&v, &got[i * outSize], outSize);
    if (v != w && bad++ < 3)
      ADD_FAILURE() << "C[" << i / c.n << "][" << i % c.n << "]: got bits " << v << ", want " << w
                    << " (" << g->plan.describe() << ")";
  }
  EXPECT_EQ(bad, 0u);
  if (planOut)
    *planOut = g->plan;
  return *s;
}

class GeneratedMatmulTest : public ::testing::TestWithParam<Case> {};

TEST_P(GeneratedMatmulTest, MatchesTheReferenceBitForBit) { runCase(GetParam()); }

INSTANTIATE_TEST_SUITE_P(
    Codegen, GeneratedMatmulTest,
    ::testing::Values(Case{isa::DType::F16, isa::DType::F32, 64, 64, 64, false, false},
                      Case{isa::DType::F16, isa::DType::F16, 100, 72, 50, true, true},
                      Case{isa::DType::BF16, isa::DType::F32, 33, 300, 17, true, false},
                      Case{isa::DType::F32, isa::DType::F32, 64, 96, 80, false, false},
                      Case{isa::DType::F32, isa::DType::F32, 70, 200, 130, true, true},
                      Case{isa::DType::F32, isa::DType::F32, 1, 1000, 10, true, false},
                      Case{isa::DType::F16, isa::DType::F32, 600, 1000, 520, false, false},
                      Case{isa::DType::F16, isa::DType::F32, 48, 40, 40, true, false,
                           "ascend-910b2"},
                      // Attention's shapes: Q.K^T and P.V per head.
                      Case{isa::DType::F16, isa::DType::F32, 40, 16, 40, false, false,
                           "ascend-950pr", 8, true, true},
                      Case{isa::DType::F16, isa::DType::F16, 40, 40, 16, false, false,
                           "ascend-950pr", 8, true, true},
                      Case{isa::DType::BF16, isa::DType::F32, 70, 300, 90, true, true,
                           "ascend-950pr", 1, false, true},
                      Case{isa::DType::F32, isa::DType::F32, 40, 15, 40, false, false,
                           "ascend-950pr", 8, true, false},
                      Case{isa::DType::F16, isa::DType::F32, 36, 48, 24, false, false,
                           "ascend-950pr", 3, false, false}),
    [](const ::testing::TestParamInfo<Case> &info) {
      const Case &c = info.param;
      return fmt::format("{}_{}{}x{}x{}{}{}{}{}_{}", isa::dtypeName(c.input),
                         c.batch > 1 ? fmt::format("{}x", c.batch) : "", c.m, c.k, c.n,
                         c.bias ? "_bias" : "", c.relu ? "_relu" : "", c.bPerBatch ? "_bpb" : "",
                         c.bKxN ? "_kxn" : "", info.index);
    });

TEST(GeneratedMatmul, SpreadsTilesAndPredictsTheSimulator) {
  MatmulPlan plan;
  sim::KernelStats s =
      runCase({isa::DType::F16, isa::DType::F32, 1024, 1024, 1024, false, false}, &plan);
  EXPECT_GE(plan.blockDim, 16u) << plan.describe();
  test::expectPrediction(plan.predictedCycles, s, plan.describe());
}

TEST(GeneratedMatmul, RefusesWhatTheTargetLacks) {
  SimHarness h("ascend-910");
  Result<GeneratedMatmul> g = generateMatmul(
      {"mm", isa::DType::F16, isa::DType::F32, 16, 16, 16, false, false}, h.target());
  ASSERT_FALSE(g.ok());
  EXPECT_HAS(g.error().str(), "l0c_to_gm");
  g = generateMatmul({"mm", isa::DType::S8, isa::DType::F32, 16, 16, 16, false, false}, h.target());
  ASSERT_FALSE(g.ok());
  EXPECT_HAS(g.error().str(), "input type s8");
}

TEST(GeneratedMatmul, RefusesUnalignedBatchesAndF32KxN) {
  SimHarness h("ascend-950pr");
  // 40 x 15 f16 per batch: 1200 bytes, not a whole number of 32-byte blocks.
  Result<GeneratedMatmul> g = generateMatmul(
      {"mm", isa::DType::F16, isa::DType::F32, 40, 15, 40, false, false, 8, true, true},
      h.target());
  ASSERT_FALSE(g.ok());
  EXPECT_HAS(g.error().str(), "each batch's A (1200 bytes)");
  g = generateMatmul(
      {"mm", isa::DType::F32, isa::DType::F32, 40, 16, 40, false, false, 8, true, true},
      h.target());
  ASSERT_FALSE(g.ok());
  EXPECT_HAS(g.error().str(), "16-bit input");
}

} // namespace
