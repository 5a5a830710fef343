//===- ElementwiseTest.cpp - Generated vector kernels on the simulator ----===//
//
// Every generated kernel runs with the simulator's race and bounds checks on
// (each GM tensor is its own allocation of exactly its size) and must match
// the ISA-level reference bit for bit.

#include "../Sim/SimHarness.h"

#include "pagoda/Codegen/Elementwise.h"
#include "pagoda/Codegen/Matmul.h"
#include "pagoda/Sim/Numerics.h"

#include <fmt/format.h>

#include <random>

using namespace pagoda;
using namespace pagoda::codegen;
using pagoda::test::SimHarness;
using Kind = ElementwiseInput::Kind;

namespace {

std::vector<uint8_t> randomTensor(isa::DType type, uint64_t n, uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  unsigned size = isa::dtypeBits(type) / 8;
  std::vector<uint8_t> out(n * size);
  for (uint64_t i = 0; i < n; ++i) {
    float v = dist(rng);
    if (type == isa::DType::U8 || type == isa::DType::S8 || type == isa::DType::S32) {
      const uint32_t bits = uint32_t(rng()); // any integer of the type
      std::memcpy(&out[i * size], &bits, size);
    } else if (size == 2) {
      uint16_t h = type == isa::DType::BF16 ? num::f32ToBf16(v) : num::f32ToF16(v);
      std::memcpy(&out[i * 2], &h, 2);
    } else {
      std::memcpy(&out[i * 4], &v, 4);
    }
  }
  return out;
}

/// Generates, runs and compares; returns the simulated statistics.
sim::KernelStats runAndCompare(SimHarness &h, const ElementwiseKernel &k,
                               GeneratedKernel *out = nullptr) {
  Result<GeneratedKernel> g = generateElementwise(k, h.target());
  EXPECT_TRUE(g.ok()) << (g ? "" : g.error().str());
  if (!g)
    return {};
  const std::vector<isa::DType> types = elementwiseValueTypes(k);
  std::vector<std::vector<uint8_t>> inputs;
  std::vector<uint64_t> args;
  uint32_t seed = 1;
  for (size_t i = 0; i < k.inputs.size(); ++i) {
    const ElementwiseInput &in = k.inputs[i];
    if (in.kind == Kind::Immediate)
      continue;
    inputs.push_back(randomTensor(in.bf16InGm ? isa::DType::BF16 : types[i],
                                  in.kind == Kind::Scalar ? 1
                                  : in.kind == Kind::Row  ? in.rowElements
                                                          : k.elements,
                                  seed++, 0.25f, 4));
    args.push_back(h.upload(inputs.back()));
  }
  std::vector<uint64_t> outs;
  for (uint32_t v : k.outputs) {
    outs.push_back(h.alloc(k.elements * (isa::dtypeBits(types[v]) / 8)));
    args.push_back(outs.back());
  }
  sim::KernelLaunch launch;
  launch.name = k.name;
  launch.programs = {g->program};
  launch.blockDim = g->plan.blockDim;
  launch.args = args;
  Result<sim::KernelStats> stats = h.sim().run(launch);
  EXPECT_TRUE(stats.ok()) << (stats ? "" : stats.error().str()) << "\n" << g->assembly;
  if (!stats)
    return {};
  std::vector<std::vector<uint8_t>> want = evaluateElementwise(k, inputs);
  for (size_t j = 0; j < outs.size(); ++j) {
    const unsigned size = isa::dtypeBits(types[k.outputs[j]]) / 8;
    std::vector<uint8_t> got = h.download<uint8_t>(outs[j], k.elements * size);
    uint64_t bad = 0, first = 0;
    auto isNaN = [&](const uint8_t *p) {
      uint32_t bits = 0;
      std::memcpy(&bits, p, size);
      return size == 2 ? (bits & 0x7c00) == 0x7c00 && (bits & 0x3ff)
                       : (bits & 0x7f800000) == 0x7f800000 && (bits & 0x7fffff);
    };
    for (uint64_t e = 0; e < k.elements; ++e) {
      const uint8_t *a = &got[e * size], *b = &want[j][e * size];
      bool same = std::memcmp(a, b, size) == 0 || (isNaN(a) && isNaN(b));
      if (!same && bad++ == 0)
        first = e;
    }
    EXPECT_EQ(bad, 0u) << k.name << " output " << j << ": " << bad << " of " << k.elements
                       << " elements differ, first at " << first << "\n"
                       << (bad ? g->assembly : "");
  }
  if (out)
    *out = *g;
  return *stats;
}

/// out0 = exp(x) * y + 0.5; out1 = max(relu(x - s), y) where s is a GM scalar.
ElementwiseKernel chain(isa::DType type, uint64_t n) {
  ElementwiseKernel k;
  k.name = "chain";
  k.type = type;
  k.elements = n;
  k.inputs = {{Kind::Tensor}, {Kind::Tensor}, {Kind::Scalar}, {Kind::Immediate, 0.5}};
  // values: 0 x, 1 y, 2 s, 3 0.5
  k.ops = {{VOp::Exp, 0},     // 4
           {VOp::Mul, 4, 1},  // 5
           {VOp::Add, 5, 3},  // 6
           {VOp::Sub, 0, 2},  // 7
           {VOp::Relu, 7},    // 8
           {VOp::Max, 8, 1}}; // 9
  k.outputs = {6, 9};
  return k;
}

TEST(Elementwise, ChainMatchesReferenceAcrossSizesAndTargets) {
  for (const char *target : {"ascend-950pr", "ascend-910b2", "ascend-910"}) {
    SimHarness h(target);
    for (isa::DType type : {isa::DType::F32, isa::DType::F16})
      for (uint64_t n : {uint64_t(1), uint64_t(7), uint64_t(64), uint64_t(1000), uint64_t(4099),
                         uint64_t(200003)}) {
        SCOPED_TRACE(fmt::format("{} {} x {}", target, isa::dtypeName(type), n));
        runAndCompare(h, chain(type, n));
      }
  }
}

TEST(Elementwise, RowsRepeatAlongTheInnermostElements) {
  // x * scale[c] + bias[c] over a channels-last [N, H, W, C] tensor (a
  // squeeze-excitation product and a bias add), rows of 96 f32 and 48 f16
  // channels, sizes that leave the last core and tile short.
  for (const char *target : {"ascend-950pr", "ascend-910"}) {
    SimHarness h(target);
    for (auto [type, c] :
         {std::pair{isa::DType::F32, uint64_t(96)}, std::pair{isa::DType::F16, uint64_t(48)},
          std::pair{isa::DType::F32, uint64_t(480)}})
      for (uint64_t positions : {uint64_t(1), uint64_t(37), uint64_t(20 * 20), uint64_t(9001)}) {
        SCOPED_TRACE(fmt::format("{} {} x {} x {}", target, isa::dtypeName(type), positions, c));
        ElementwiseKernel k;
        k.name = "rows";
        k.type = type;
        k.elements = positions * c;
        k.inputs = {{Kind::Tensor}, {Kind::Row, 0, false, c}, {Kind::Row, 0, false, c}};
        k.ops = {{VOp::Mul, 0, 1}, {VOp::Add, 3, 2}};
        k.outputs = {4};
        runAndCompare(h, k);
      }
  }
  // Rows of partial 32-byte blocks (squeeze-excitation scales of 8, 24
  // and 88 f16 channels, 3 and 10 f32 ones): the scalar unit builds one
  // period of whole blocks, vcopy spreads it.
  SimHarness h;
  for (auto [type, c] :
       {std::pair{isa::DType::F16, uint64_t(8)}, std::pair{isa::DType::F16, uint64_t(24)},
        std::pair{isa::DType::F16, uint64_t(88)}, std::pair{isa::DType::F32, uint64_t(3)},
        std::pair{isa::DType::F32, uint64_t(10)}})
    for (uint64_t positions : {uint64_t(1), uint64_t(50), uint64_t(2891)}) {
      SCOPED_TRACE(fmt::format("partial {} x {} x {}", isa::dtypeName(type), positions, c));
      ElementwiseKernel k;
      k.name = "partial";
      k.type = type;
      k.elements = positions * c;
      k.inputs = {{Kind::Tensor}, {Kind::Row, 0, false, c}};
      k.ops = {{VOp::Mul, 0, 1}};
      k.outputs = {2};
      runAndCompare(h, k);
    }
  // bf16 groups compute in f32: a squeeze-excitation scale and a scalar
  // computed at run time come in as bf16 and are widened by the scalar
  // unit (whole f32 rows of 88, 200 and 480 channels, the last longer
  // than a period the partial rows' spread covers; a partial one of 3).
  for (uint64_t c : {uint64_t(88), uint64_t(200), uint64_t(480), uint64_t(3)})
    for (uint64_t positions : {uint64_t(1), uint64_t(300)}) {
      SCOPED_TRACE(fmt::format("bf16 row x {} x {}", positions, c));
      ElementwiseKernel k;
      k.name = "brain";
      k.type = isa::DType::F32;
      k.elements = positions * c;
      ElementwiseInput x{Kind::Tensor}, row{Kind::Row, 0, false, c}, s{Kind::Scalar};
      x.type = isa::DType::BF16;
      row.bf16InGm = s.bf16InGm = true;
      k.inputs = {x, row, s};
      k.ops = {{VOp::Cast, 0, 0, 0, isa::DType::F32}, // 3
               {VOp::Mul, 3, 1},                      // 4
               {VOp::Add, 4, 2},                      // 5
               {VOp::Cast, 5, 0, 0, isa::DType::BF16}};
      k.outputs = {6};
      runAndCompare(h, k);
    }
  ElementwiseKernel k;
  k.name = "long";
  k.elements = 255 * 4;
  k.inputs = {{Kind::Tensor}, {Kind::Row, 0, false, 255}};
  k.ops = {{VOp::Add, 0, 1}};
  k.outputs = {2};
  Result<ElementwisePlan> p = planElementwise(k, h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "repeats every 8160 bytes");
}

// Chains with casts (mixed precision): hardswish with its division in f32
// in an f16 kernel, and an f32 kernel reading and writing f16 tensors.
// Values of both widths share the slots; tiles count elements.
TEST(Elementwise, CastsMixF16AndF32) {
  const auto f16 = isa::DType::F16, f32 = isa::DType::F32;
  ElementwiseKernel hswish;
  hswish.name = "hardswish";
  hswish.type = f16;
  hswish.inputs = {{Kind::Tensor},
                   {Kind::Immediate, 3},
                   {Kind::Immediate, 0},
                   {Kind::Immediate, 6},
                   {Kind::Immediate, 6, false, 0, f32}};
  // values: 0 x, 1 3, 2 0, 3 6 (f16), 4 6 (f32)
  hswish.ops = {{VOp::Add, 0, 1},            // 5
                {VOp::Max, 5, 2},            // 6
                {VOp::Min, 6, 3},            // 7
                {VOp::Mul, 7, 0},            // 8
                {VOp::Cast, 8, 0, 0, f32},   // 9
                {VOp::Div, 9, 4},            // 10 (f32)
                {VOp::Cast, 10, 0, 0, f16}}; // 11
  hswish.outputs = {11, 10};
  ElementwiseKernel wide;
  wide.name = "wide";
  wide.type = f32;
  wide.inputs = {{Kind::Tensor, 0, false, 0, f16}, {Kind::Tensor}};
  // values: 0 x (f16), 1 y (f32)
  wide.ops = {{VOp::Cast, 0, 0, 0, f32},  // 2
              {VOp::Mul, 2, 1},           // 3
              {VOp::Exp, 3},              // 4
              {VOp::Cast, 4, 0, 0, f16}}; // 5
  wide.outputs = {5};
  for (const char *target : {"ascend-950pr", "ascend-910"}) {
    SimHarness h(target);
    for (uint64_t n : {uint64_t(1), uint64_t(100), uint64_t(4099), uint64_t(200003)})
      for (ElementwiseKernel *k : {&hswish, &wide}) {
        k->elements = n;
        SCOPED_TRACE(fmt::format("{} {} x {}", target, k->name, n));
        runAndCompare(h, *k);
      }
  }
  // bf16 tensors computed in f32: widened, each op rounded back to bf16
  // (a cast there and back), narrowed for the store.
  const auto bf16 = isa::DType::BF16;
  ElementwiseKernel brain;
  brain.name = "bf16";
  brain.type = f32;
  brain.inputs = {{Kind::Tensor, 0, false, 0, bf16},
                  {Kind::Tensor, 0, false, 0, bf16},
                  {Kind::Immediate, 0.75}};
  // values: 0 x, 1 y (bf16), 2 0.75
  brain.ops = {{VOp::Cast, 0, 0, 0, f32},   // 3
               {VOp::Cast, 1, 0, 0, f32},   // 4
               {VOp::Mul, 3, 4},            // 5
               {VOp::Cast, 5, 0, 0, bf16},  // 6
               {VOp::Cast, 6, 0, 0, f32},   // 7
               {VOp::Add, 7, 2},            // 8
               {VOp::Cast, 8, 0, 0, bf16}}; // 9
  brain.outputs = {9};
  for (uint64_t n : {uint64_t(1), uint64_t(4099), uint64_t(200003)}) {
    SimHarness hb;
    brain.elements = n;
    SCOPED_TRACE(fmt::format("bf16 x {}", n));
    runAndCompare(hb, brain);
  }
  // Operands of two types, and a cast to the value's own type, are refused;
  // so is arithmetic in bf16.
  {
    SimHarness hb;
    brain.ops = {{VOp::Add, 0, 1}};
    brain.outputs = {3};
    Result<ElementwisePlan> bp = planElementwise(brain, hb.target());
    ASSERT_FALSE(bp.ok());
    EXPECT_HAS(bp.error().str(), "operation 0 computes in bf16");
  }
  SimHarness h;
  wide.ops = {{VOp::Mul, 0, 1}};
  wide.outputs = {2};
  Result<ElementwisePlan> p = planElementwise(wide, h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "operation 0 mixes f16 and f32");
  wide.ops = {{VOp::Cast, 1, 0, 0, f32}};
  p = planElementwise(wide, h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "casts f32 to itself");
}

// QuantizeLinear and DequantizeLinear as the compiler lowers them: x /
// scale, rounded half to even through s32, + zero point, saturated by the
// cast to u8 or s8; (q - zero point) * scale from 8-bit tensors. Partial
// tiles and blocks of the 1-byte tensors, on every core count the sizes
// give.
TEST(Elementwise, QuantizesAndDequantizesEightBitTensors) {
  using isa::DType;
  for (DType q : {DType::U8, DType::S8}) {
    ElementwiseKernel quant;
    quant.name = "quantize";
    quant.type = DType::F32;
    quant.inputs = {{Kind::Tensor}, {Kind::Immediate, 0.013}, {Kind::Immediate, 10}};
    // values: 0 x, 1 scale, 2 zero point
    quant.ops = {{VOp::Div, 0, 1},                 // 3
                 {VOp::Cast, 3, 0, 0, DType::S32}, // 4
                 {VOp::Cast, 4, 0, 0, DType::F32}, // 5
                 {VOp::Add, 5, 2},                 // 6
                 {VOp::Cast, 6, 0, 0, q}};         // 7: saturates
    quant.outputs = {7};
    ElementwiseKernel dequant;
    dequant.name = "dequantize";
    dequant.type = DType::F32;
    dequant.inputs = {{Kind::Tensor, 0, false, 0, q}, {Kind::Immediate, 3}, {Kind::Immediate, 0.5}};
    dequant.ops = {{VOp::Cast, 0, 0, 0, DType::F32}, // 3
                   {VOp::Sub, 3, 1},                 // 4
                   {VOp::Mul, 4, 2}};                // 5
    dequant.outputs = {5};
    SimHarness h("ascend-950pr");
    for (uint64_t n : {uint64_t(1), uint64_t(100), uint64_t(4099), uint64_t(200003)})
      for (ElementwiseKernel *k : {&quant, &dequant}) {
        k->elements = n;
        SCOPED_TRACE(fmt::format("{} {} x {}", k->name, isa::dtypeName(q), n));
        runAndCompare(h, *k);
      }
    // Integers only move and convert.
    ElementwiseKernel bad = dequant;
    bad.ops = {{VOp::Add, 0, 0}};
    bad.outputs = {3};
    Result<ElementwisePlan> p = planElementwise(bad, h.target());
    ASSERT_FALSE(p.ok());
    EXPECT_HAS(p.error().str(), "integers only convert");
  }
}

TEST(Elementwise, EveryOperation) {
  SimHarness h;
  for (isa::DType type : {isa::DType::F32, isa::DType::F16})
    for (unsigned op = 0; op <= unsigned(VOp::LRelu); ++op) {
      ElementwiseKernel k;
      k.name = std::string("op_") + vopName(VOp(op));
      k.type = type;
      k.elements = 3000;
      k.inputs = {{Kind::Tensor}, {Kind::Tensor}};
      k.ops = {{VOp::Sub, 0, 1}, {VOp(op), 2, 1, 0.125}}; // signed operands
      k.outputs = {3};
      SCOPED_TRACE(k.name);
      runAndCompare(h, k);
    }
}

// The f32 matmul's operand split (Codegen/Matmul.h) as a vector kernel:
// hi = x & mask, lo = x - hi, equal to splitHf32 bit for bit.
TEST(Elementwise, Hf32SplitMatchesTheHostSplit) {
  SimHarness h;
  ElementwiseKernel k;
  k.name = "split";
  k.elements = 5000;
  k.inputs = {{Kind::Tensor}, {Kind::Immediate, double(kHf32HighMask), true}};
  k.ops = {{VOp::And, 0, 1}, {VOp::Sub, 0, 2}};
  k.outputs = {2, 3};
  runAndCompare(h, k);
  std::vector<uint8_t> x = randomTensor(isa::DType::F32, k.elements, 1, 0.25f, 4);
  std::vector<std::vector<uint8_t>> out = evaluateElementwise(k, {x});
  std::vector<float> hi(k.elements), lo(k.elements);
  splitHf32(reinterpret_cast<const float *>(x.data()), k.elements, hi.data(), lo.data());
  EXPECT_EQ(std::memcmp(out[0].data(), hi.data(), x.size()), 0);
  EXPECT_EQ(std::memcmp(out[1].data(), lo.data(), x.size()), 0);
}

TEST(Elementwise, LargeTensorsUseEveryVectorCoreAndOverlap) {
  SimHarness h;
  ElementwiseKernel k;
  k.name = "add";
  k.elements = 4 << 20; // 16 MiB per tensor
  k.inputs = {{Kind::Tensor}, {Kind::Tensor}};
  k.ops = {{VOp::Add, 0, 1}};
  k.outputs = {2};
  GeneratedKernel g;
  sim::KernelStats s = runAndCompare(h, k, &g);
  EXPECT_EQ(g.plan.vectorCores, h.target().totalVectorCores());
  EXPECT_GT(g.program.insts.size(), 0u);
  // Streaming: 48 MiB through HBM; past the launch overhead, the simulated
  // time stays within 1.2x of the HBM bound (copies overlap the vector
  // work) and the prediction within 1.25x of the simulation.
  double bound = 3.0 * double(k.elements) * 4 / (h.target().hbmGBps * 1e9);
  double launch = h.target().launchOverheadUs * 1e-6;
  EXPECT_LT(s.seconds - launch, 1.2 * bound) << g.plan.describe();
  double predicted = g.plan.predictedCycles / h.target().cyclesPerSecond();
  EXPECT_LT(std::max(predicted, s.seconds) / std::min(predicted, s.seconds), 1.25);
}

TEST(Elementwise, SmallTensorsStayOnFewCores) {
  SimHarness h;
  ElementwiseKernel k = chain(isa::DType::F32, 100);
  Result<GeneratedKernel> g = generateElementwise(k, h.target());
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->plan.vectorCores, 1u);
  EXPECT_EQ(g->plan.blockDim, 1u);
}

TEST(Elementwise, ErrorsNameTheProblem) {
  SimHarness h;
  ElementwiseKernel k = chain(isa::DType::S32, 10);
  Result<GeneratedKernel> g = generateElementwise(k, h.target());
  ASSERT_FALSE(g.ok());
  EXPECT_HAS(g.error().str(), "element type s32");
  k = chain(isa::DType::F32, 10);
  k.ops.push_back({VOp::Add, 99, 0});
  g = generateElementwise(k, h.target());
  ASSERT_FALSE(g.ok());
  EXPECT_HAS(g.error().str(), "reads a value not yet defined");
  k = chain(isa::DType::F32, 10);
  k.inputs.assign(30, {Kind::Tensor});
  g = generateElementwise(k, h.target());
  ASSERT_FALSE(g.ok());
  EXPECT_HAS(g.error().str(), "at most");
}

} // namespace
