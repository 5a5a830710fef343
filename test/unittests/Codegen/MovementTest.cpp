//===- MovementTest.cpp - Generated concat and upsampling kernels ---------===//
//
// Every kernel runs with race and bounds checks on and must put every
// element in its place: concats of several inputs (rows split over tiles
// with a shorter last tile), nearest upsampling by 2, 4 and 8 and unequal
// factors.

#include "../Sim/SimHarness.h"
#include "KernelTestSupport.h"

#include "pagoda/Codegen/Movement.h"

#include <fmt/format.h>

#include <numeric>

using namespace pagoda;
using namespace pagoda::codegen;
using pagoda::test::SimHarness;

namespace {

struct ConcatCase {
  uint64_t outer;
  std::vector<uint64_t> lengths;
};

class GeneratedConcatTest : public ::testing::TestWithParam<ConcatCase> {};

TEST_P(GeneratedConcatTest, JoinsEveryRow) {
  const ConcatCase &c = GetParam();
  SimHarness h("ascend-950pr");
  ConcatKernel k{"cat", 4, c.outer, c.lengths};
  Result<GeneratedMovement> g = generateConcat(k, h.target());
  ASSERT_TRUE(g.ok()) << g.error().str();
  const uint64_t total = std::accumulate(c.lengths.begin(), c.lengths.end(), uint64_t(0));
  std::vector<std::vector<uint32_t>> xs;
  std::vector<uint64_t> args;
  for (size_t i = 0; i < c.lengths.size(); ++i) {
    std::vector<uint32_t> x(c.outer * c.lengths[i]);
    std::iota(x.begin(), x.end(), uint32_t(i << 24));
    args.push_back(h.upload(x));
    xs.push_back(std::move(x));
  }
  uint64_t out = h.alloc(c.outer * total * 4);
  args.push_back(out);
  sim::KernelLaunch launch{k.name, {g->program}, g->plan.blockDim, args};
  Result<sim::KernelStats> s = h.sim().run(launch);
  ASSERT_TRUE(s.ok()) << s.error().str() << "\n" << g->assembly;
  std::vector<uint32_t> y = h.download<uint32_t>(out, c.outer * total);
  uint64_t bad = 0;
  for (uint64_t r = 0; r < c.outer; ++r) {
    uint64_t col = 0;
    for (size_t i = 0; i < c.lengths.size(); ++i)
      for (uint64_t e = 0; e < c.lengths[i]; ++e, ++col)
        if (y[r * total + col] != xs[i][r * c.lengths[i] + e] && bad++ < 3)
          ADD_FAILURE() << "row " << r << " column " << col << " (" << g->plan.describe() << ")";
  }
  EXPECT_EQ(bad, 0u);
  test::expectPrediction(g->plan.predictedCycles, *s, g->plan.describe());
}

INSTANTIATE_TEST_SUITE_P(Codegen, GeneratedConcatTest,
                         ::testing::Values(ConcatCase{6400, {24, 24, 24, 24}},
                                           ConcatCase{37, {8, 16}}, ConcatCase{1, {64, 8, 40}},
                                           ConcatCase{1000, {96}},
                                           // Rows of partial 32-byte units (12 and 20
                                           // bytes), and whole ones at unaligned columns.
                                           ConcatCase{1600, {3, 5, 8}}, ConcatCase{7, {12, 8}}),
                         [](const ::testing::TestParamInfo<ConcatCase> &info) {
                           std::string name = fmt::format("{}", info.param.outer);
                           for (uint64_t l : info.param.lengths)
                             name += fmt::format("_{}", l);
                           return name;
                         });

struct UpCase {
  uint64_t outer, h, w, block, sh, sw;
};

class GeneratedUpsampleTest : public ::testing::TestWithParam<UpCase> {};

TEST_P(GeneratedUpsampleTest, RepeatsEveryPixel) {
  const UpCase &c = GetParam();
  SimHarness h("ascend-950pr");
  UpsampleKernel k{"up", 4, c.outer, c.h, c.w, c.block, c.sh, c.sw};
  Result<GeneratedMovement> g = generateUpsample(k, h.target());
  ASSERT_TRUE(g.ok()) << g.error().str();
  std::vector<uint32_t> x(c.outer * c.h * c.w * c.block);
  std::iota(x.begin(), x.end(), 0u);
  const uint64_t oh = c.h * c.sh, ow = c.w * c.sw, n = c.outer * oh * ow * c.block;
  uint64_t out = h.alloc(n * 4);
  sim::KernelLaunch launch{k.name, {g->program}, g->plan.blockDim, {h.upload(x), out}};
  Result<sim::KernelStats> s = h.sim().run(launch);
  ASSERT_TRUE(s.ok()) << s.error().str() << "\n" << g->assembly;
  std::vector<uint32_t> y = h.download<uint32_t>(out, n);
  uint64_t bad = 0;
  for (uint64_t o = 0; o < c.outer; ++o)
    for (uint64_t i = 0; i < oh; ++i)
      for (uint64_t j = 0; j < ow; ++j)
        for (uint64_t e = 0; e < c.block; ++e) {
          const uint64_t want = ((o * c.h + i / c.sh) * c.w + j / c.sw) * c.block + e;
          if (y[((o * oh + i) * ow + j) * c.block + e] != x[want] && bad++ < 3)
            ADD_FAILURE() << "Y[" << o << "][" << i << "][" << j << "][" << e << "] ("
                          << g->plan.describe() << ")";
        }
  EXPECT_EQ(bad, 0u);
  test::expectPrediction(g->plan.predictedCycles, *s, g->plan.describe());
}

INSTANTIATE_TEST_SUITE_P(Codegen, GeneratedUpsampleTest,
                         ::testing::Values(UpCase{1, 40, 40, 24, 2, 2}, UpCase{1, 10, 10, 24, 8, 8},
                                           UpCase{2, 5, 7, 8, 3, 1}, UpCase{1, 20, 20, 96, 4, 4},
                                           // Blocks of partial 32-byte units (12 and 48
                                           // bytes: 24 f16 channels), byte-granular DMA.
                                           UpCase{1, 6, 5, 3, 2, 2}, UpCase{2, 20, 20, 12, 2, 2}),
                         [](const ::testing::TestParamInfo<UpCase> &info) {
                           const UpCase &c = info.param;
                           return fmt::format("{}x{}x{}x{}_by_{}x{}", c.outer, c.h, c.w, c.block,
                                              c.sh, c.sw);
                         });

TEST(GeneratedMovement, RefusesEmptyRows) {
  SimHarness h("ascend-950pr");
  Result<MovementPlan> p = planConcat({"cat", 4, 4, {8, 0}}, h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "an input row of 0 bytes");
}

} // namespace

namespace {

struct SliceCase {
  uint64_t outer, length, inner, start, count;
  unsigned size;
  uint64_t step = 1;
};

class GeneratedSliceTest : public ::testing::TestWithParam<SliceCase> {};

// Every element of the box lands in place (race and bounds checks on), at
// any element alignment: the recognizer's q/k/v split, columns of a matrix,
// 2-byte elements at an odd start.
TEST_P(GeneratedSliceTest, CopiesTheBox) {
  const SliceCase &c = GetParam();
  SimHarness h("ascend-950pr");
  SliceKernel k{"slice", c.size, c.outer, c.length, c.inner, c.start, c.count, c.step};
  Result<GeneratedMovement> g = generateSlice(k, h.target());
  ASSERT_TRUE(g.ok()) << g.error().str();
  const uint64_t n = c.outer * c.length * c.inner * c.size;
  std::vector<uint8_t> x(n);
  for (uint64_t i = 0; i < n; ++i)
    x[i] = uint8_t(i * 7 + i / 251);
  const uint64_t outBytes = c.outer * c.count * c.inner * c.size;
  uint64_t out = h.alloc(outBytes);
  sim::KernelLaunch launch{k.name, {g->program}, g->plan.blockDim, {h.upload(x), out}};
  Result<sim::KernelStats> s = h.sim().run(launch);
  ASSERT_TRUE(s.ok()) << s.error().str() << "\n" << g->assembly;
  std::vector<uint8_t> y = h.download<uint8_t>(out, outBytes);
  const uint64_t block = c.inner * c.size, row = c.count * block;
  uint64_t bad = 0;
  for (uint64_t o = 0; o < c.outer; ++o)
    for (uint64_t b = 0; b < row; ++b) {
      const uint64_t from = (o * c.length + c.start + b / block * c.step) * block + b % block;
      if (y[o * row + b] != x[from] && bad++ < 3)
        ADD_FAILURE() << "row " << o << " byte " << b << " (" << g->plan.describe() << ")";
    }
  EXPECT_EQ(bad, 0u);
  if (c.step > 1)
    test::expectPrediction(g->plan.predictedCycles, *s, g->plan.describe());
}

INSTANTIATE_TEST_SUITE_P(
    Codegen, GeneratedSliceTest,
    ::testing::Values(SliceCase{1, 3, 4800, 1, 1, 4}, SliceCase{300, 10, 1, 3, 5, 4},
                      SliceCase{64, 37, 3, 11, 20, 2},
                      // Rows too long for UB go in pieces.
                      SliceCase{2, 3, 150000, 1, 2, 4},
                      // Steps: a 3-D conv's depth planes two
                      // apart, odd blocks of 2-byte elements.
                      SliceCase{1, 7, 960, 1, 3, 4, 2}, SliceCase{40, 20, 3, 2, 6, 2, 3}),
    [](const ::testing::TestParamInfo<SliceCase> &info) {
      const SliceCase &c = info.param;
      return fmt::format("{}x{}x{}_from_{}_count_{}_{}B{}", c.outer, c.length, c.inner, c.start,
                         c.count, c.size, c.step > 1 ? fmt::format("_step_{}", c.step) : "");
    });

// Rows padded to whole 32-byte blocks: every byte of a row in place, the
// padding zero even where the output held garbage (the recognizer's f16
// heads of 15, rows of 3 f32, rows already whole, many tiles).
TEST(GeneratedPad, PadsEveryRowWithZeros) {
  SimHarness h("ascend-950pr");
  for (auto [outer, length, size] :
       {std::tuple{uint64_t(320), uint64_t(15), 2u}, std::tuple{uint64_t(7), uint64_t(3), 4u},
        std::tuple{uint64_t(50), uint64_t(16), 2u}, std::tuple{uint64_t(40000), uint64_t(5), 2u}}) {
    SCOPED_TRACE(fmt::format("{} rows of {} x {} bytes", outer, length, size));
    PadKernel k{"pad", size, outer, length};
    Result<GeneratedMovement> g = generatePad(k, h.target());
    ASSERT_TRUE(g.ok()) << g.error().str();
    const uint64_t row = length * size, padded = k.padded() * size;
    EXPECT_EQ(padded % 32, 0u);
    EXPECT_LT(padded - row, 32u);
    std::vector<uint8_t> x(outer * row);
    for (uint64_t i = 0; i < x.size(); ++i)
      x[i] = uint8_t(i * 7 + i / 251 + 1);
    uint64_t out = h.upload(std::vector<uint8_t>(outer * padded, 0xAB));
    sim::KernelLaunch launch{k.name, {g->program}, g->plan.blockDim, {h.upload(x), out}};
    Result<sim::KernelStats> s = h.sim().run(launch);
    ASSERT_TRUE(s.ok()) << s.error().str() << "\n" << g->assembly;
    std::vector<uint8_t> y = h.download<uint8_t>(out, outer * padded);
    uint64_t bad = 0;
    for (uint64_t o = 0; o < outer; ++o)
      for (uint64_t b = 0; b < padded; ++b)
        if (y[o * padded + b] != (b < row ? x[o * row + b] : 0) && bad++ < 3)
          ADD_FAILURE() << "row " << o << " byte " << b << " (" << g->plan.describe() << ")";
    EXPECT_EQ(bad, 0u);
  }
}

} // namespace

namespace {

struct GatherCase {
  uint64_t outer, length, inner, count;
  unsigned size, indexBytes;
};

class GeneratedGatherTest : public ::testing::TestWithParam<GatherCase> {};

/// Indices that visit rows out of order, every fifth negative (counting
/// from the end).
std::vector<int64_t> gatherIndices(const GatherCase &c) {
  std::vector<int64_t> idx(c.count);
  for (uint64_t i = 0; i < c.count; ++i) {
    const int64_t v = int64_t((i * 7919 + 13) % c.length);
    idx[i] = i % 5 == 4 ? v - int64_t(c.length) : v;
  }
  return idx;
}

uint64_t uploadIndices(SimHarness &h, const std::vector<int64_t> &idx, unsigned bytes) {
  if (bytes == 8)
    return h.upload(idx);
  return h.upload(std::vector<int32_t>(idx.begin(), idx.end()));
}

// Every output row is the data row its index names (race and bounds checks
// on): an embedding lookup, a gather along a middle axis of rows of partial
// 32-byte units with int32 indices, more indices than a quarter of UB holds
// (read from GM), 2-byte elements.
TEST_P(GeneratedGatherTest, TakesTheIndexedRows) {
  const GatherCase &c = GetParam();
  SimHarness h("ascend-950pr");
  GatherKernel k{"gather", c.size, c.indexBytes, c.outer, c.length, c.inner, c.count};
  Result<GeneratedMovement> g = generateGather(k, h.target());
  ASSERT_TRUE(g.ok()) << g.error().str();
  const uint64_t row = c.inner * c.size;
  std::vector<uint8_t> x(c.outer * c.length * row);
  for (uint64_t i = 0; i < x.size(); ++i)
    x[i] = uint8_t(i * 7 + i / 251);
  const std::vector<int64_t> idx = gatherIndices(c);
  const uint64_t outBytes = c.outer * c.count * row;
  uint64_t out = h.alloc(outBytes);
  sim::KernelLaunch launch{k.name,
                           {g->program},
                           g->plan.blockDim,
                           {h.upload(x), uploadIndices(h, idx, c.indexBytes), out}};
  Result<sim::KernelStats> s = h.sim().run(launch);
  ASSERT_TRUE(s.ok()) << s.error().str() << "\n" << g->assembly;
  std::vector<uint8_t> y = h.download<uint8_t>(out, outBytes);
  uint64_t bad = 0;
  for (uint64_t o = 0; o < c.outer; ++o)
    for (uint64_t j = 0; j < c.count; ++j) {
      const uint64_t src = uint64_t(idx[j] < 0 ? idx[j] + int64_t(c.length) : idx[j]);
      for (uint64_t b = 0; b < row; ++b)
        if (y[(o * c.count + j) * row + b] != x[(o * c.length + src) * row + b] && bad++ < 3)
          ADD_FAILURE() << "row " << o << ", " << j << " byte " << b << " (" << g->plan.describe()
                        << ")";
    }
  EXPECT_EQ(bad, 0u);
  test::expectPrediction(g->plan.predictedCycles, *s, g->plan.describe());
}

INSTANTIATE_TEST_SUITE_P(Codegen, GeneratedGatherTest,
                         ::testing::Values(GatherCase{1, 1000, 64, 300, 4, 8},
                                           GatherCase{5, 4, 3, 6, 4, 4},
                                           GatherCase{3, 50, 40, 77, 2, 8},
                                           GatherCase{1, 512, 8, 12000, 4, 8}),
                         [](const ::testing::TestParamInfo<GatherCase> &info) {
                           const GatherCase &c = info.param;
                           return fmt::format("{}x{}x{}_count_{}_{}B_index{}B", c.outer, c.length,
                                              c.inner, c.count, c.size, c.indexBytes);
                         });

// An index outside [-length, length) stops the launch with an error naming
// the kernel, the trap and the index as given; the device runs the next
// launch.
TEST(GeneratedGather, StopsOnAnIndexOutOfRange) {
  SimHarness h("ascend-950pr");
  GatherKernel k{"embedding_lookup", 4, 8, 1, 10, 16, 6};
  Result<GeneratedMovement> g = generateGather(k, h.target());
  ASSERT_TRUE(g.ok()) << g.error().str();
  const uint64_t data = h.upload(std::vector<float>(10 * 16, 1.0f));
  const uint64_t out = h.alloc(6 * 16 * 4);
  for (int64_t bad : {int64_t(10), int64_t(-11), int64_t(1) << 40}) {
    SCOPED_TRACE(bad);
    std::vector<int64_t> idx = {0, 3, -1, bad, 2, 9};
    sim::KernelLaunch launch{k.name, {g->program}, g->plan.blockDim, {data, h.upload(idx), out}};
    Result<sim::KernelStats> s = h.sim().run(launch);
    ASSERT_FALSE(s.ok());
    EXPECT_HAS(s.error().str(), "embedding_lookup");
    EXPECT_HAS(s.error().str(), fmt::format("trap 1 (an index out of range): value {}", bad));
  }
  std::vector<int64_t> good = {0, 3, -1, 9, 2, -10};
  sim::KernelLaunch launch{k.name, {g->program}, g->plan.blockDim, {data, h.upload(good), out}};
  Result<sim::KernelStats> s = h.sim().run(launch);
  EXPECT_TRUE(s.ok()) << s.error().str();
  Result<MovementPlan> p = planGather({"g", 4, 2, 1, 10, 16, 6}, h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "2-byte indices");
}

} // namespace

namespace {

struct ScatterCase {
  std::string target;
  std::vector<uint64_t> dims;
  uint64_t inner, count;
  unsigned size;
};

class GeneratedScatterTest : public ::testing::TestWithParam<ScatterCase> {};

/// `count` distinct rows (out of order) as index tuples, every third index
/// negative (counting from the end of its axis).
std::vector<int64_t> scatterTuples(const ScatterCase &c, std::vector<uint64_t> &rows) {
  uint64_t total = 1;
  for (uint64_t d : c.dims)
    total *= d;
  std::vector<int64_t> idx;
  for (uint64_t j = 0; j < c.count; ++j) {
    const uint64_t r = (j * 7919 + 5) % total; // 7919 is prime: distinct rows
    rows.push_back(r);
    uint64_t rest = r, stride = total;
    for (size_t d = 0; d < c.dims.size(); ++d) {
      stride /= c.dims[d];
      const int64_t v = int64_t(rest / stride);
      rest %= stride;
      idx.push_back((j + d) % 3 == 2 ? v - int64_t(c.dims[d]) : v);
    }
  }
  return idx;
}

// Y is the data with each tuple's row replaced by its update row (race and
// bounds checks on): a KV-cache style row update, tuples two and three deep
// over rows of partial 32-byte units and single 2-byte elements, more
// tuples than a quarter of UB holds (read from GM), and a 910B2 (24 AI
// cores, fewer cores at the barrier).
TEST_P(GeneratedScatterTest, ReplacesTheIndexedRows) {
  const ScatterCase &c = GetParam();
  SimHarness h(c.target);
  ScatterKernel k{"scatter", c.size, 8, c.dims, c.inner, c.count};
  Result<GeneratedMovement> g = generateScatter(k, h.target());
  ASSERT_TRUE(g.ok()) << g.error().str();
  const uint64_t row = c.inner * c.size, bytes = k.rows() * row;
  std::vector<uint8_t> x(bytes), u(c.count * row);
  for (uint64_t i = 0; i < x.size(); ++i)
    x[i] = uint8_t(i * 7 + i / 251);
  for (uint64_t i = 0; i < u.size(); ++i)
    u[i] = uint8_t(i * 13 + 100);
  std::vector<uint64_t> rows;
  const std::vector<int64_t> idx = scatterTuples(c, rows);
  std::vector<uint8_t> want = x;
  for (uint64_t j = 0; j < c.count; ++j)
    std::copy_n(u.begin() + int64_t(j * row), row, want.begin() + int64_t(rows[j] * row));
  const uint64_t out = h.alloc(bytes);
  sim::KernelLaunch launch{
      k.name, {g->program}, g->plan.blockDim, {h.upload(x), h.upload(idx), h.upload(u), out}};
  Result<sim::KernelStats> s = h.sim().run(launch);
  ASSERT_TRUE(s.ok()) << s.error().str() << "\n" << g->assembly;
  std::vector<uint8_t> y = h.download<uint8_t>(out, bytes);
  uint64_t bad = 0;
  for (uint64_t b = 0; b < bytes; ++b)
    if (y[b] != want[b] && bad++ < 3)
      ADD_FAILURE() << "row " << b / row << " byte " << b % row << " (" << g->plan.describe()
                    << ")";
  EXPECT_EQ(bad, 0u);
  test::expectPrediction(g->plan.predictedCycles, *s, g->plan.describe());
}

INSTANTIATE_TEST_SUITE_P(Codegen, GeneratedScatterTest,
                         ::testing::Values(ScatterCase{"ascend-950pr", {256}, 128, 40, 4},
                                           ScatterCase{"ascend-950pr", {6, 7}, 3, 20, 4},
                                           ScatterCase{"ascend-950pr", {4, 5, 6}, 1, 50, 2},
                                           ScatterCase{"ascend-950pr", {20000}, 8, 12000, 4},
                                           ScatterCase{"ascend-910b2", {96}, 64, 60, 4}),
                         [](const ::testing::TestParamInfo<ScatterCase> &info) {
                           const ScatterCase &c = info.param;
                           std::string dims;
                           for (uint64_t d : c.dims)
                             dims += fmt::format("{}x", d);
                           std::string target = c.target.substr(c.target.find('-') + 1);
                           return fmt::format("{}_{}{}_count_{}_{}B", target, dims, c.inner,
                                              c.count, c.size);
                         });

// A tuple outside the data stops the launch (the index as given); planning
// refuses 2-byte indices and a target without cross-core flags.
TEST(GeneratedScatter, StopsOnAnIndexOutOfRange) {
  SimHarness h("ascend-950pr");
  ScatterKernel k{"cache_update", 4, 8, {3, 10}, 16, 3};
  Result<GeneratedMovement> g = generateScatter(k, h.target());
  ASSERT_TRUE(g.ok()) << g.error().str();
  const uint64_t data = h.upload(std::vector<float>(30 * 16, 1.0f));
  const uint64_t updates = h.upload(std::vector<float>(3 * 16, 2.0f));
  const uint64_t out = h.alloc(30 * 16 * 4);
  for (int64_t bad : {int64_t(10), int64_t(-11)}) {
    SCOPED_TRACE(bad);
    std::vector<int64_t> idx = {0, 3, 2, bad, -1, 9};
    sim::KernelLaunch launch{
        k.name, {g->program}, g->plan.blockDim, {data, h.upload(idx), updates, out}};
    Result<sim::KernelStats> s = h.sim().run(launch);
    ASSERT_FALSE(s.ok());
    EXPECT_HAS(s.error().str(), "cache_update");
    EXPECT_HAS(s.error().str(), fmt::format("trap 1 (an index out of range): value {}", bad));
  }
  Result<MovementPlan> p = planScatter({"s", 4, 2, {10}, 16, 6}, h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "2-byte indices");
  target::TargetDesc t = h.target();
  t.crossCoreFlagIds = 0;
  p = planScatter(k, t);
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "no cross-core flags");
}

} // namespace

namespace {

// GatherND: each output row is the data row its tuple names within its own
// batch slab (race and bounds checks on): depth-2 tuples over rows of
// partial 32-byte units in two batches, and depth-1 tuples too many for a
// quarter of UB (read from GM); an index out of range traps.
TEST(GeneratedGatherND, TakesTheRowsItsTuplesName) {
  struct NdCase {
    uint64_t outer;
    std::vector<uint64_t> dims;
    uint64_t inner, count;
  };
  for (const NdCase &c : {NdCase{2, {6, 7}, 3, 10}, NdCase{1, {20000}, 8, 12000}}) {
    SCOPED_TRACE(c.count);
    SimHarness h("ascend-950pr");
    GatherKernel k{"gather_nd", 4, 8, c.outer, 0, c.inner, c.count, c.dims};
    Result<GeneratedMovement> g = generateGather(k, h.target());
    ASSERT_TRUE(g.ok()) << g.error().str();
    const uint64_t slab = k.slabRows(), row = c.inner * 4, depth = c.dims.size();
    std::vector<uint8_t> x(c.outer * slab * row);
    for (uint64_t i = 0; i < x.size(); ++i)
      x[i] = uint8_t(i * 7 + i / 251);
    std::vector<int64_t> idx;
    std::vector<uint64_t> rows;
    for (uint64_t j = 0; j < c.outer * c.count; ++j) {
      const uint64_t r = (j * 7919 + 3) % slab;
      rows.push_back(r);
      uint64_t rest = r, stride = slab;
      for (uint64_t d = 0; d < depth; ++d) {
        stride /= c.dims[d];
        const int64_t v = int64_t(rest / stride);
        rest %= stride;
        idx.push_back((j + d) % 3 == 1 ? v - int64_t(c.dims[d]) : v);
      }
    }
    const uint64_t outBytes = c.outer * c.count * row;
    const uint64_t out = h.alloc(outBytes);
    sim::KernelLaunch launch{
        k.name, {g->program}, g->plan.blockDim, {h.upload(x), h.upload(idx), out}};
    Result<sim::KernelStats> s = h.sim().run(launch);
    ASSERT_TRUE(s.ok()) << s.error().str() << "\n" << g->assembly;
    std::vector<uint8_t> y = h.download<uint8_t>(out, outBytes);
    uint64_t bad = 0;
    for (uint64_t j = 0; j < c.outer * c.count; ++j)
      for (uint64_t b = 0; b < row; ++b)
        if (y[j * row + b] != x[((j / c.count) * slab + rows[j]) * row + b] && bad++ < 3)
          ADD_FAILURE() << "row " << j << " byte " << b << " (" << g->plan.describe() << ")";
    EXPECT_EQ(bad, 0u);
    test::expectPrediction(g->plan.predictedCycles, *s, g->plan.describe());
    if (depth == 2) {
      idx[3] = 7; // the second coordinate of tuple 1: beyond dims[1]
      sim::KernelLaunch bad{
          k.name, {g->program}, g->plan.blockDim, {h.upload(x), h.upload(idx), out}};
      Result<sim::KernelStats> t = h.sim().run(bad);
      ASSERT_FALSE(t.ok());
      EXPECT_HAS(t.error().str(), "trap 1 (an index out of range): value 7");
    }
  }
}

} // namespace
