//===- ResizeTest.cpp - Generated linear resize kernels -------------------===//
//
// Every kernel runs with race and bounds checks on and must equal, bit for
// bit, the f32 evaluation of the same blends (evaluateResizeLinear), which
// in turn is within rounding of ONNX's bilinear interpolation: channels-last
// upsampling by 2 (half_pixel), NCHW rows (E = 1) by an odd factor
// (align_corners), a downsampling (asymmetric), rows of partial 32-byte
// units and rows longer than one instruction's repeats.

#include "../Sim/SimHarness.h"
#include "KernelTestSupport.h"

#include "pagoda/Codegen/Resize.h"

#include <fmt/format.h>

#include <cmath>

using namespace pagoda;
using namespace pagoda::codegen;
using pagoda::test::SimHarness;

namespace {

struct ResizeCase {
  uint64_t outer, h, w, e, oh, ow;
  const char *mode;
  uint32_t maxRepeat = 0; ///< a target edited to fewer repeats an instruction
};

class GeneratedResizeTest : public ::testing::TestWithParam<ResizeCase> {};

/// ONNX's bilinear value (double), from the four corners.
double bilinear(const ResizeLinearKernel &k, const std::vector<float> &x, uint64_t o, uint64_t i,
                uint64_t j, uint64_t c) {
  auto at = [&](uint64_t r, uint64_t col) {
    return double(x[((o * k.h + r) * k.w + col) * k.e + c]);
  };
  const double fy = k.rows.frac[i], fx = k.cols.frac[j];
  const uint64_t y0 = k.rows.lo[i], y1 = k.rows.hi[i], x0 = k.cols.lo[j], x1 = k.cols.hi[j];
  return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x1)) +
         fy * ((1 - fx) * at(y1, x0) + fx * at(y1, x1));
}

TEST_P(GeneratedResizeTest, BlendsTheFourNeighbours) {
  const ResizeCase &c = GetParam();
  target::TargetDesc t = *target::getPreset("ascend-950pr");
  if (c.maxRepeat)
    t.vectorMaxRepeat = c.maxRepeat;
  SimHarness h(t);
  ResizeLinearKernel k;
  k.name = "resize";
  k.outer = c.outer;
  k.h = c.h;
  k.w = c.w;
  k.e = c.e;
  std::optional<LinearAxis> rows = linearAxis(c.mode, double(c.oh) / double(c.h), c.h, c.oh);
  std::optional<LinearAxis> cols = linearAxis(c.mode, double(c.ow) / double(c.w), c.w, c.ow);
  ASSERT_TRUE(rows && cols);
  k.rows = *rows;
  k.cols = *cols;
  Result<GeneratedResize> g = generateResizeLinear(k, h.target());
  ASSERT_TRUE(g.ok()) << g.error().str();
  std::vector<float> x(c.outer * c.h * c.w * c.e);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = std::sin(float(i) * 0.37f) * 3.0f + float(i % 7);
  const uint64_t n = c.outer * c.oh * c.ow * c.e;
  uint64_t out = h.alloc(n * 4);
  sim::KernelLaunch launch{
      k.name, {g->program}, g->plan.blockDim, {h.upload(x), h.upload(g->table), out}};
  Result<sim::KernelStats> s = h.sim().run(launch);
  ASSERT_TRUE(s.ok()) << s.error().str() << "\n" << g->assembly;
  std::vector<float> y = h.download<float>(out, n);
  const std::vector<float> want = evaluateResizeLinear(k, x);
  uint64_t bad = 0;
  double worst = 0;
  for (uint64_t o = 0; o < c.outer; ++o)
    for (uint64_t i = 0; i < c.oh; ++i)
      for (uint64_t j = 0; j < c.ow; ++j)
        for (uint64_t e = 0; e < c.e; ++e) {
          const uint64_t at = ((o * c.oh + i) * c.ow + j) * c.e + e;
          if (std::memcmp(&y[at], &want[at], 4) && bad++ < 3)
            ADD_FAILURE() << "Y[" << o << "][" << i << "][" << j << "][" << e << "] = " << y[at]
                          << ", want " << want[at];
          worst = std::max(worst, std::abs(double(want[at]) - bilinear(k, x, o, i, j, e)));
        }
  EXPECT_EQ(bad, 0u);
  EXPECT_LT(worst, 1e-5) << "the f32 blends against ONNX's bilinear value";
  test::expectPrediction(g->plan.predictedCycles, *s, g->plan.describe());
}

INSTANTIATE_TEST_SUITE_P(Codegen, GeneratedResizeTest,
                         ::testing::Values(ResizeCase{1, 20, 20, 64, 40, 40, "half_pixel"},
                                           ResizeCase{6, 13, 17, 1, 39, 51, "align_corners"},
                                           ResizeCase{2, 32, 30, 8, 16, 12, "asymmetric"},
                                           ResizeCase{1, 5, 7, 3, 9, 10, "pytorch_half_pixel"},
                                           // Rows of more repeats than an instruction takes (a
                                           // target with 8): chunked instructions.
                                           ResizeCase{1, 4, 300, 8, 8, 600, "half_pixel", 8}),
                         [](const ::testing::TestParamInfo<ResizeCase> &info) {
                           const ResizeCase &c = info.param;
                           return fmt::format(
                               "{}x{}x{}x{}_to_{}x{}_{}{}", c.outer, c.h, c.w, c.e, c.oh, c.ow,
                               c.mode,
                               c.maxRepeat ? fmt::format("_max_repeat_{}", c.maxRepeat) : "");
                         });

// The coordinate mappings ONNX defines, and a refusal for the others.
TEST(ResizeLinear, MapsCoordinatesAsOnnx) {
  std::optional<LinearAxis> a = linearAxis("half_pixel", 2.0, 4, 8);
  ASSERT_TRUE(a);
  // x = 0: -0.25 clamps to 0; x = 3: 1.25 -> rows 1 and 2, a quarter of 2.
  EXPECT_EQ(a->lo[0], 0u);
  EXPECT_EQ(a->frac[0], 0.0f);
  EXPECT_EQ(a->lo[3], 1u);
  EXPECT_EQ(a->hi[3], 2u);
  EXPECT_FLOAT_EQ(a->frac[3], 0.25f);
  EXPECT_EQ(a->hi[7], 3u); // 3.25 clamps to the last row
  std::optional<LinearAxis> c = linearAxis("align_corners", 3.0, 3, 9);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->lo[8], 2u);
  EXPECT_FLOAT_EQ(c->frac[4], 0.0f);
  EXPECT_FALSE(linearAxis("tf_crop_and_resize", 2.0, 4, 8));
  SimHarness h("ascend-950pr");
  ResizeLinearKernel k;
  k.name = "too_wide";
  k.h = 2;
  k.w = 40000;
  k.e = 4;
  k.rows = *linearAxis("half_pixel", 2.0, 2, 4);
  k.cols = *linearAxis("half_pixel", 2.0, 40000, 80000);
  Result<ResizePlan> p = planResizeLinear(k, h.target());
  ASSERT_FALSE(p.ok());
  EXPECT_HAS(p.error().str(), "resize kernel 'too_wide'");
  EXPECT_HAS(p.error().str(), "unified buffer");
}

} // namespace
