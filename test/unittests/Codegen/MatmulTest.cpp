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
#include "pagoda/Target/Presets.h"

#include <fmt/format.h>

#include <algorithm>
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
  bool kSplit = false; ///< the planner may split K (the reduction runs after)
};

std::vector<uint8_t> pack(isa::DType t, const std::vector<uint32_t> &v) {
  return test::packBits(t, v);
}
uint32_t encode(isa::DType t, float f) { return test::encodeFloat(t, f); }

/// The cube kernel's statistics; with a K split, `reductionCycles` gets the
/// reduction kernel's cycles.
sim::KernelStats runCase(const Case &c, MatmulPlan *planOut = nullptr,
                         double *reductionCyclesOut = nullptr) {
  double reductionCycles = 0;
  SimHarness h(c.target);
  MatmulKernel k{"mm",   c.input, c.output, c.m,         c.k,    c.n,
                 c.bias, c.relu,  c.batch,  c.bPerBatch, c.bKxN, c.kSplit};
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
  uint64_t biasArg = 0;
  if (c.bias) {
    std::vector<float> padded(bias);
    padded.resize((c.n + 7) / 8 * 8, 0.0f);
    biasArg = h.upload(padded);
    if (!g->reduction) // a K split adds the bias in its reduction
      args.push_back(biasArg);
  }
  if (uint64_t zeros = matmulZeroBytes(k))
    args.push_back(h.upload(std::vector<uint8_t>(zeros, 0)));
  const unsigned outSize = isa::dtypeBits(c.output) / 8;
  const uint64_t outElems = c.batch * c.m * c.n;
  uint64_t out = h.alloc(outElems * outSize);
  // A K split writes f32 partials, which its reduction kernel sums into C.
  const uint64_t partials = g->reduction ? h.alloc(g->plan.kSplit * outElems * 4) : 0;
  args.push_back(g->reduction ? partials : out);
  EXPECT_EQ(args.size(), matmulArgCount(k) - (g->reduction && c.bias ? 1 : 0));
  sim::KernelLaunch launch{k.name, {g->program}, g->plan.blockDim, args};
  Result<sim::KernelStats> s = h.sim().run(launch);
  EXPECT_TRUE(s.ok()) << (s ? "" : s.error().str() + "\n" + g->assembly);
  if (!s)
    return {};
  if (g->reduction) {
    Result<GeneratedKernel> r = generateElementwise(*g->reduction, h.target());
    EXPECT_TRUE(r.ok()) << (r ? "" : r.error().str());
    if (!r)
      return {};
    std::vector<uint64_t> rargs;
    for (uint64_t i = 0; i < g->plan.kSplit; ++i)
      rargs.push_back(partials + i * outElems * 4);
    if (c.bias)
      rargs.push_back(biasArg);
    rargs.push_back(out);
    Result<sim::KernelStats> rs =
        h.sim().run(sim::KernelLaunch{r->program.kernel, {r->program}, r->plan.blockDim, rargs});
    EXPECT_TRUE(rs.ok()) << (rs ? "" : rs.error().str() + "\n" + r->assembly);
    if (!rs)
      return {};
    reductionCycles = rs->cycles;
  }
  std::vector<float> want =
      evaluateMatmul(k, a, bt, aLo, btLo, bias, g->plan.kt, g->reduction ? g->plan.kc : 0);
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
  if (reductionCyclesOut)
    *reductionCyclesOut = reductionCycles;
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

// A product whose M x N fills few cores and whose K is long enough to pay
// for a second launch (a batch-1 head over 40000 features) splits K over
// the cores; the f32 partials are summed in order, then bias, ReLU and the
// output type, bit for bit the reference's.
TEST(GeneratedMatmul, SplitsKWhenMNLeavesCoresIdle) {
  using isa::DType;
  MatmulPlan plan;
  Case head{DType::F16, DType::F16, 16, 200000, 64, true, true};
  head.kSplit = true;
  double reduction = 0;
  sim::KernelStats s = runCase(head, &plan, &reduction);
  EXPECT_GT(plan.kSplit, 1u) << plan.describe();
  sim::KernelStats both = s; // the prediction covers both launches
  both.cycles += reduction;
  test::expectPrediction(plan.predictedCycles, both, plan.describe());
  EXPECT_GT(reduction, 0.0);
  EXPECT_LT(plan.kc, 200000u) << plan.describe();
  // f32 (three passes), a K of odd length (a short last range), no bias.
  Case f32{DType::F32, DType::F32, 8, 100001, 24, false, false};
  f32.kSplit = true;
  runCase(f32, &plan);
  EXPECT_GT(plan.kSplit, 1u) << plan.describe();
  EXPECT_NE(100001 % plan.kc, 0u) << plan.describe();
  // B as K x N (a run-time B in 16 bits) with a ragged last K step, the
  // bias row of partial blocks (20 f32).
  Case kxn{DType::BF16, DType::F32, 16, 200040, 20, true, false};
  kxn.kSplit = kxn.bKxN = true;
  runCase(kxn, &plan);
  EXPECT_GT(plan.kSplit, 1u) << plan.describe();
  // Without the permission (attention's batched products) K stays whole.
  Case whole = head;
  whole.kSplit = false;
  sim::KernelStats one = runCase(whole, &plan);
  EXPECT_EQ(plan.kSplit, 1u) << plan.describe();
  // The split's cube kernel alone is the faster part: the reduction's
  // launch is what the model weighs against it.
  std::printf("K split: %.0f cycles (cube %.0f, sum %.0f); unsplit %.0f cycles\n", both.cycles,
              s.cycles, reduction, one.cycles);
  EXPECT_LT(both.cycles, one.cycles);
}

TEST(GeneratedMatmul, RefusesWhatTheTargetLacks) {
  SimHarness h("ascend-910");
  Result<GeneratedMatmul> g = generateMatmul(
      {"mm", isa::DType::F16, isa::DType::F32, 16, 16, 16, false, false}, h.target());
  ASSERT_FALSE(g.ok());
  EXPECT_HAS(g.error().str(), "l0c_to_gm");
  g = generateMatmul({"mm", isa::DType::E4M3, isa::DType::F32, 32, 32, 32, false, false},
                     h.target());
  ASSERT_FALSE(g.ok());
  EXPECT_HAS(g.error().str(), "input type e4m3");
  // s8 products write s32 unless FixPipe scales them.
  g = generateMatmul({"mm", isa::DType::S8, isa::DType::F32, 16, 32, 16, false, false},
                     SimHarness("ascend-950pr").target());
  ASSERT_FALSE(g.ok());
  EXPECT_HAS(g.error().str(), "output type f32 of s8 products (unscaled: s32)");
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

namespace {

/// An s8 product on the cube: exact s32 accumulators, written as they are
/// or scaled in FixPipe (f32 multiply, then the output type; s8 rounds half
/// to even and saturates). Returns the statistics; checks every element.
sim::KernelStats runInt8(isa::DType output, std::optional<float> scale, uint64_t m, uint64_t k,
                         uint64_t n, bool bias = false) {
  SimHarness h("ascend-950pr");
  MatmulKernel mk;
  mk.name = "qmm";
  mk.input = isa::DType::S8;
  mk.output = output;
  mk.scale = scale;
  mk.m = m;
  mk.k = k;
  mk.n = n;
  mk.bias = bias;
  Result<GeneratedMatmul> g = generateMatmul(mk, h.target());
  EXPECT_TRUE(g.ok()) << (g ? "" : g.error().str());
  if (!g)
    return {};
  std::mt19937 rng(unsigned(m * 31 + k * 7 + n));
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<int8_t> a(m * k), bt(n * k);
  for (int8_t &v : a)
    v = int8_t(dist(rng));
  for (int8_t &v : bt)
    v = int8_t(dist(rng));
  // An int32 bias (zero-point corrections) beyond what s8 x s8 sums reach.
  std::uniform_int_distribution<int32_t> bdist(-5000000, 5000000);
  std::vector<int32_t> biasRow((n + 7) / 8 * 8, 0);
  for (uint64_t j = 0; j < n && bias; ++j)
    biasRow[j] = bdist(rng);
  const unsigned outSize = isa::dtypeBits(output) / 8;
  uint64_t out = h.alloc(m * n * outSize);
  std::vector<uint64_t> args = {h.upload(a), h.upload(bt)};
  if (bias)
    args.push_back(h.upload(biasRow));
  args.push_back(out);
  sim::KernelLaunch launch{mk.name, {g->program}, g->plan.blockDim, args};
  Result<sim::KernelStats> s = h.sim().run(launch);
  EXPECT_TRUE(s.ok()) << (s ? "" : s.error().str() + "\n" + g->assembly);
  if (!s)
    return {};
  std::vector<uint8_t> got = h.download<uint8_t>(out, m * n * outSize);
  uint64_t bad = 0;
  for (uint64_t i = 0; i < m; ++i)
    for (uint64_t j = 0; j < n; ++j) {
      int64_t acc = biasRow[j];
      for (uint64_t q = 0; q < k; ++q)
        acc += int64_t(a[i * k + q]) * int64_t(bt[j * k + q]);
      uint32_t want = 0, have = 0;
      std::memcpy(&have, &got[(i * n + j) * outSize], outSize);
      if (!scale) {
        want = uint32_t(int32_t(acc));
      } else {
        const float v = float(int32_t(acc)) * *scale;
        if (output == isa::DType::S8)
          want = uint8_t(int8_t(std::clamp(std::nearbyint(v), -128.0f, 127.0f)));
        else
          want = encode(output, v);
      }
      if (want != have && bad++ < 3)
        ADD_FAILURE() << "C[" << i << "][" << j << "]: got bits " << have << ", want " << want
                      << " (" << g->plan.describe() << ")";
    }
  EXPECT_EQ(bad, 0u);
  return *s;
}

} // namespace

// int8 products: K in fractals of 32, edge tiles in M and N, a K
// remainder, and the outputs quantized models need: s32 (MatMulInteger),
// s8 requantized by a_scale * b_scale / y_scale (QLinearMatMul), f32 and
// f16 dequantized.
TEST(GeneratedMatmul, Int8AccumulatesExactlyAndRequantizesInFixPipe) {
  using isa::DType;
  runInt8(DType::S32, std::nullopt, 64, 64, 64);
  runInt8(DType::S32, std::nullopt, 100, 300, 50);
  runInt8(DType::S8, 0.0021f, 70, 200, 130);
  // 8-bit C of an odd width: tiles start on DMA-aligned bytes only.
  runInt8(DType::S8, 0.003f, 33, 64, 45);
  // An odd K: A's and B^T's tiles start on DMA-aligned rows only.
  runInt8(DType::S32, std::nullopt, 48, 33, 40);
  // An int32 bias starts the accumulation (zero-point corrections).
  runInt8(DType::S32, std::nullopt, 70, 96, 40, true);
  runInt8(DType::F32, 1e-4f, 40, 300, 130, true);
  runInt8(DType::F32, 0.5f, 33, 40, 17);
  runInt8(DType::F16, 0.01f, 48, 96, 40);
  sim::KernelStats big = runInt8(DType::S32, std::nullopt, 512, 1024, 512);
  const target::TargetDesc t = *target::getPreset("ascend-950pr");
  MatmulKernel f16{"f", DType::F16, DType::F32, 512, 1024, 512};
  MatmulKernel s8{"q", DType::S8, DType::S32, 512, 1024, 512};
  Result<MatmulPlan> pf = planMatmul(f16, t);
  Result<MatmulPlan> pq = planMatmul(s8, t);
  ASSERT_TRUE(pf && pq);
  // The int8 cube does twice the f16 work per cycle and the operands are
  // half the bytes: the planner predicts it faster, and the simulator agrees
  // with its prediction.
  EXPECT_LT(pq->predictedCycles, pf->predictedCycles);
  test::expectPrediction(pq->predictedCycles, big, pq->describe());
  // No unscaled narrow output on s8 products.
  MatmulKernel bad = s8;
  bad.output = DType::S8;
  Result<MatmulPlan> noScale = planMatmul(bad, t);
  ASSERT_FALSE(noScale.ok());
  EXPECT_NE(noScale.error().str().find("unscaled: s32"), std::string::npos)
      << noScale.error().str();
}
