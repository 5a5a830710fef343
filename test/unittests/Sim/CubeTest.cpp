//===- CubeTest.cpp - nd2nz, load2d/3d, mmad and FixPipe against references --===//

#include "SimHarness.h"

#include "pagoda/Sim/Numerics.h"

#include <fmt/format.h>

#include <cmath>
#include <random>

using namespace pagoda;
using namespace pagoda::test;
using isa::DType;

namespace {

/// Bits of one element of `dt` nearest to `v`.
uint32_t encodeAs(DType dt, double v) {
  switch (dt) {
  case DType::F16:
    return num::encode(num::kF16, v);
  case DType::BF16:
    return num::encode(num::kBF16, v);
  case DType::F32:
    return num::floatBits(float(v));
  case DType::E4M3:
    return num::encode(num::kE4M3, v);
  case DType::E5M2:
    return num::encode(num::kE5M2, v);
  case DType::F4:
    return num::encode(num::kF4E2M1, v);
  case DType::S8:
    return uint32_t(int32_t(v)) & 0xFF;
  default:
    return 0;
  }
}

/// The value the cube sees for those bits (hf32 rounding for f32).
double cubeValue(DType dt, uint32_t bits) {
  switch (dt) {
  case DType::F16:
    return num::decode(num::kF16, bits);
  case DType::BF16:
    return num::decode(num::kBF16, bits);
  case DType::F32:
    return num::roundToHf32(num::bitsFloat(bits));
  case DType::E4M3:
    return num::decode(num::kE4M3, bits);
  case DType::E5M2:
    return num::decode(num::kE5M2, bits);
  case DType::F4:
    return num::decode(num::kF4E2M1, bits);
  case DType::S8:
    return int8_t(bits);
  default:
    return 0;
  }
}

/// Packs row-major elements of `dt` into bytes (4-bit types low nibble first).
std::vector<uint8_t> pack(DType dt, const std::vector<uint32_t> &bits) {
  unsigned b = isa::dtypeBits(dt);
  std::vector<uint8_t> out(bits.size() * b / 8 + 1, 0);
  for (size_t i = 0; i < bits.size(); ++i) {
    if (b == 4)
      out[i / 2] |= uint8_t((bits[i] & 0xF) << (4 * (i % 2)));
    else
      for (unsigned k = 0; k < b / 8; ++k)
        out[i * b / 8 + k] = uint8_t(bits[i] >> (8 * k));
  }
  return out;
}

struct MatmulCase {
  DType dt;
  uint64_t m, k, n;
};

/// GM (A row-major M x K, B^T row-major N x K) -> nd2nz -> L1 -> load2d ->
/// L0A/L0B -> mmad -> FixPipe -> GM (C row-major, f32 or s32).
std::string matmulProgram(const MatmulCase &c) {
  const char *dt = isa::dtypeName(c.dt);
  const uint64_t k0 = 256 / isa::dtypeBits(c.dt);
  const uint64_t aBytes = c.m * c.k * isa::dtypeBits(c.dt) / 8;
  std::string s = ".kernel matmul\n.core aic\n";
  s += "    ldarg x1, 0\n    ldarg x2, 1\n    ldarg x3, 2\n";
  s += fmt::format("    movi x10, 0\n    movi x11, {}\n", (aBytes + 511) / 512 * 512);
  s += fmt::format("    nd2nz_gm_l1.{} x10, x1, rows={}, cols={}, sstride={}, drows={}\n", dt, c.m,
                   c.k, c.k, c.m);
  s += fmt::format("    nd2nz_gm_l1.{} x11, x2, rows={}, cols={}, sstride={}, drows={}\n", dt, c.n,
                   c.k, c.k, c.n);
  s += "    setf mte2, mte1, 0\n    waitf mte2, mte1, 0\n";
  // A: one load2d per 16-row block, gathering its K/k0 fractals in zZ order.
  for (uint64_t i = 0; i < c.m / 16; ++i) {
    s += fmt::format("    movi x12, {}\n    movi x13, {}\n", i * 512, i * (c.k / k0) * 512);
    s += "    add x12, x12, x10\n";
    s += fmt::format("    load2d_l1_l0a.{} x13, x12, rep={}, sstride={}\n", dt, c.k / k0, c.m / 16);
  }
  // B^T in NZ is already B in nZ order.
  s += fmt::format("    movi x14, 0\n    load2d_l1_l0b.{} x14, x11, rep={}\n", dt,
                   (c.k / k0) * (c.n / 16));
  s += "    setf mte1, m, 0\n    waitf mte1, m, 0\n";
  s += fmt::format("    movi x15, 0\n    mmad.{} x15, x0, x14, m={}, k={}, n={}, init=1\n", dt, c.m,
                   c.k, c.n);
  s += "    setf m, fix, 0\n    waitf m, fix, 0\n";
  const char *acc = c.dt == DType::S8 ? "s32" : "f32";
  s += fmt::format("    fix_l0c_gm.{} x3, x15, from={}, m={}, n={}, srows={}, dstride={}\n", acc,
                   acc, c.m, c.n, c.m, c.n);
  s += "    halt\n";
  return s;
}

class Matmul : public ::testing::TestWithParam<MatmulCase> {};

TEST_P(Matmul, MatchesSequentialF32Reference) {
  const MatmulCase c = GetParam();
  SimHarness h;
  std::mt19937 rng(unsigned(c.m * 31 + c.k * 7 + c.n + unsigned(c.dt)));
  std::uniform_real_distribution<double> dist(-4, 4);
  std::vector<uint32_t> a(c.m * c.k), bt(c.n * c.k);
  for (uint32_t &v : a)
    v = c.dt == DType::S8 ? uint32_t(int(rng() % 256) - 128) & 0xFF : encodeAs(c.dt, dist(rng));
  for (uint32_t &v : bt)
    v = c.dt == DType::S8 ? uint32_t(int(rng() % 256) - 128) & 0xFF : encodeAs(c.dt, dist(rng));
  uint64_t ga = h.upload(pack(c.dt, a)), gb = h.upload(pack(c.dt, bt));
  uint64_t gc = h.alloc(c.m * c.n * 4);
  Result<sim::KernelStats> r = h.run(matmulProgram(c), {ga, gb, gc});
  ASSERT_TRUE(r.ok()) << r.error().str();
  if (c.dt == DType::S8) {
    std::vector<int32_t> got = h.download<int32_t>(gc, c.m * c.n);
    for (uint64_t i = 0; i < c.m; ++i)
      for (uint64_t j = 0; j < c.n; ++j) {
        int32_t want = 0;
        for (uint64_t kk = 0; kk < c.k; ++kk)
          want += int32_t(int8_t(a[i * c.k + kk])) * int32_t(int8_t(bt[j * c.k + kk]));
        ASSERT_EQ(got[i * c.n + j], want) << i << "," << j;
      }
  } else {
    std::vector<float> got = h.download<float>(gc, c.m * c.n);
    for (uint64_t i = 0; i < c.m; ++i)
      for (uint64_t j = 0; j < c.n; ++j) {
        float want = 0;
        for (uint64_t kk = 0; kk < c.k; ++kk) // in order, rounding each step
          want = float(double(want) +
                       cubeValue(c.dt, a[i * c.k + kk]) * cubeValue(c.dt, bt[j * c.k + kk]));
        ASSERT_EQ(num::floatBits(got[i * c.n + j]), num::floatBits(want)) << i << "," << j;
      }
  }
  EXPECT_EQ(r->cubeFlops[unsigned(c.dt)], 2.0 * c.m * c.k * c.n);
  EXPECT_GT(r->rooflineComputeCycles, 0);
  EXPECT_GE(r->cycles, r->rooflineCycles());
}

INSTANTIATE_TEST_SUITE_P(
    Sim, Matmul,
    ::testing::Values(MatmulCase{DType::F16, 32, 48, 64}, MatmulCase{DType::F16, 16, 16, 16},
                      MatmulCase{DType::BF16, 48, 32, 32}, MatmulCase{DType::F32, 32, 24, 32},
                      MatmulCase{DType::S8, 32, 64, 48}, MatmulCase{DType::E4M3, 16, 64, 32},
                      MatmulCase{DType::E5M2, 32, 32, 16}, MatmulCase{DType::F4, 16, 128, 32}),
    [](const ::testing::TestParamInfo<MatmulCase> &info) {
      return fmt::format("{}_{}x{}x{}", isa::dtypeName(info.param.dt), info.param.m, info.param.k,
                         info.param.n);
    });

TEST(Cube, UnsupportedModesAndShapes) {
  SimHarness h("ascend-910b2");
  Result<sim::KernelStats> r =
      h.run(".kernel k\n.core aic\n mmad.e4m3 x0, x0, x0, m=16, k=32, n=16, init=1\n halt\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "the cube of ascend-910b2 has no e4m3 mode");
  r = h.run(".kernel k\n.core aic\n mmad.f16 x0, x0, x0, m=16, k=24, n=16, init=1\n halt\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "k=24 a multiple of 16 for f16");
  // 128 x 512 f16 = 128 KiB does not fit the 64 KiB L0A.
  r = h.run(".kernel k\n.core aic\n mmad.f16 x0, x0, x0, m=128, k=512, n=16, init=1\n halt\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "l0a access [0x0, 0x20000) is out of bounds (l0a holds 65536 bytes)");
  r = h.run(".kernel k\n.core aiv\n halt\n", {});
  EXPECT_TRUE(r.ok());
}

TEST(Cube, AccumulateBiasReluAndFixPipeCasts) {
  // C = relu(A x B + bias) with A = B = identity-like ones, checked by value.
  SimHarness h;
  const uint64_t M = 16, K = 16, N = 16;
  std::vector<uint16_t> a(M * K), bt(N * K);
  for (uint64_t i = 0; i < M; ++i)
    for (uint64_t k = 0; k < K; ++k)
      a[i * K + k] = num::f32ToF16(float(i + 1) * (k == 0 ? 1.0f : 0.0f));
  for (uint64_t j = 0; j < N; ++j)
    for (uint64_t k = 0; k < K; ++k)
      bt[j * K + k] = num::f32ToF16(k == 0 ? 1.0f : 0.0f);
  std::vector<float> bias(N);
  for (uint64_t j = 0; j < N; ++j)
    bias[j] = -8.0f + float(j); // so relu cuts some
  uint64_t ga = h.upload(a), gb = h.upload(bt), gbias = h.upload(bias), gc = h.alloc(M * N * 2);
  Result<sim::KernelStats> r = h.run(R"(
.kernel k
.core aic
    ldarg x1, 0
    ldarg x2, 1
    ldarg x3, 2
    ldarg x4, 3
    movi x10, 0
    movi x11, 8192
    movi x12, 16384
    nd2nz_gm_l1.f16 x10, x1, rows=16, cols=16, sstride=16, drows=16
    nd2nz_gm_l1.f16 x11, x2, rows=16, cols=16, sstride=16, drows=16
    dma_gm_l1 x12, x4, len=2
    setf mte2, mte1, 0
    waitf mte2, mte1, 0
    load2d_l1_l0a.f16 x0, x10
    load2d_l1_l0b.f16 x0, x11
    dma_l1_bt x0, x12, len=2
    setf mte1, m, 0
    waitf mte1, m, 0
    mmad.f16 x0, x0, x0, m=16, k=16, n=16, init=1, hasbias=1
    mmad.f16 x0, x0, x0, m=16, k=16, n=16
    setf m, fix, 0
    waitf m, fix, 0
    fix_l0c_gm.f16 x3, x0, m=16, n=16, srows=16, dstride=16, relu=1
    halt
)",
                                     {ga, gb, gc, gbias});
  ASSERT_TRUE(r.ok()) << r.error().str();
  std::vector<uint16_t> c = h.download<uint16_t>(gc, M * N);
  for (uint64_t i = 0; i < M; ++i)
    for (uint64_t j = 0; j < N; ++j) {
      float want = std::max(0.0f, 2.0f * float(i + 1) + bias[j]); // bias + 2 products
      ASSERT_EQ(num::f16ToF32(c[i * N + j]), want) << i << "," << j;
    }
}

TEST(Cube, Load2dTransposes) {
  SimHarness h;
  std::vector<uint16_t> tile(256);
  for (unsigned i = 0; i < 256; ++i)
    tile[i] = uint16_t(i);
  uint64_t g = h.upload(tile), out = h.alloc(1024);
  // GM -> L1 -> L0B (transposed) is not observable from GM, so transpose on
  // the way to L0A and read it back through the cube: A = tile^T, B = I.
  std::vector<uint16_t> ident(256, 0);
  for (unsigned i = 0; i < 16; ++i)
    ident[i * 16 + i] = num::f32ToF16(1.0f);
  uint64_t gi = h.upload(ident);
  Result<sim::KernelStats> r = h.run(R"(
.kernel k
.core aic
    ldarg x1, 0
    ldarg x2, 1
    ldarg x3, 2
    movi x11, 512
    dma_gm_l1 x0, x1, len=16
    dma_gm_l1 x11, x2, len=16
    setf mte2, mte1, 0
    waitf mte2, mte1, 0
    load2d_l1_l0a.f16 x0, x0, trans=1
    load2d_l1_l0b.f16 x0, x11
    setf mte1, m, 0
    waitf mte1, m, 0
    mmad.f16 x0, x0, x0, m=16, k=16, n=16, init=1
    setf m, fix, 0
    waitf m, fix, 0
    fix_l0c_gm.f32 x3, x0, m=16, n=16, srows=16, dstride=16
    halt
)",
                                     {g, gi, out});
  ASSERT_TRUE(r.ok()) << r.error().str();
  // The raw u16 patterns are f16 values; C[i][j] = A[i][j] = tile[j][i].
  std::vector<float> c = h.download<float>(out, 256);
  for (unsigned i = 0; i < 16; ++i)
    for (unsigned j = 0; j < 16; ++j)
      ASSERT_EQ(c[i * 16 + j], num::f16ToF32(tile[j * 16 + i])) << i << "," << j;
}

TEST(Cube, Load3dIsImg2col) {
  // A 1-channel-block 6x5 f16 feature map, 3x3 kernel, stride 1, pad 1,
  // dilation 1: 30 output positions (rows), 9 x 16 columns.
  SimHarness h;
  const int H = 6, W = 5, C0 = 16, KW = 3;
  std::vector<uint16_t> fmap(H * W * C0);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x)
      for (int c = 0; c < C0; ++c)
        fmap[(y * W + x) * C0 + c] = num::f32ToF16(float(y * 100 + x * 10 + c % 10));
  uint64_t g = h.upload(fmap), out = h.alloc(32 * 144 * 2);
  // Read the img2col matrix back through the cube: A (32 x 144) x I.
  std::vector<uint16_t> ident(144 * 144, 0);
  for (int i = 0; i < 144; ++i)
    ident[i * 144 + i] = num::f32ToF16(1.0f);
  uint64_t gi = h.upload(ident);
  std::string text =
      fmt::format(R"(
.kernel k
.core aic
    ldarg x1, 0
    ldarg x2, 1
    ldarg x3, 2
    movi x11, 8192
    dma_gm_l1 x0, x1, len={}
    nd2nz_gm_l1.f16 x11, x2, rows=144, cols=144, sstride=144, drows=144
    movi x20, {}
    movi x21, {}
    setfm x20, x21
    setpad x0
    setf mte2, mte1, 0
    waitf mte2, mte1, 0
    load3d_l1_l0a.f16 x0, x0, kw=3, kh=3, kext=144, mext=32
    load2d_l1_l0b.f16 x0, x11, rep=81
    setf mte1, m, 0
    waitf mte1, m, 0
    mmad.f16 x0, x0, x0, m=32, k=144, n=144, init=1
    setf m, fix, 0
    waitf m, fix, 0
    fix_l0c_gm.f16 x3, x0, m=32, n=144, srows=32, dstride=144
    halt
)",
                  H * W * C0 * 2 / 32, W | (H << 16) | (uint64_t(1) << 32),
                  // pads l r t b = 1, strides 1, dilations 1
                  uint64_t(1) | (1 << 8) | (1 << 16) | (1 << 24) | (uint64_t(1) << 32) |
                      (uint64_t(1) << 40) | (uint64_t(1) << 48) | (uint64_t(1) << 56));
  Result<sim::KernelStats> r = h.run(text, {g, gi, out});
  ASSERT_TRUE(r.ok()) << r.error().str();
  std::vector<uint16_t> got = h.download<uint16_t>(out, 32 * 144);
  for (int m = 0; m < 32; ++m)
    for (int k = 0; k < 144; ++k) {
      int i = (k / C0) / KW, j = (k / C0) % KW, c = k % C0;
      int oh = m / W, ow = m % W, ih = oh - 1 + i, iw = ow - 1 + j;
      float want = 0;
      if (m < H * W && ih >= 0 && ih < H && iw >= 0 && iw < W)
        want = num::f16ToF32(fmap[(ih * W + iw) * C0 + c]);
      ASSERT_EQ(num::f16ToF32(got[m * 144 + k]), want) << m << "," << k;
    }
}

TEST(Cube, FixPipeQuantizesAndSaturates) {
  // s8 x s8 -> s32, then FixPipe s32 -> s8 with a 0.5 scale (saturating) and
  // s32 -> f16 with a per-column scale from FB.
  SimHarness h;
  std::vector<int8_t> a(16 * 32, 0), bt(16 * 32, 0);
  for (int i = 0; i < 16; ++i)
    a[i * 32] = int8_t(i * 8 - 60); // A[i][0]
  for (int j = 0; j < 16; ++j)
    bt[j * 32] = int8_t(j * 4 + 1); // B[0][j]
  std::vector<float> scales(16);
  for (int j = 0; j < 16; ++j)
    scales[j] = 0.25f * float(j + 1);
  uint64_t ga = h.upload(a), gb = h.upload(bt), gs = h.upload(scales);
  uint64_t o8 = h.alloc(256), o16 = h.alloc(512);
  Result<sim::KernelStats> r = h.run(R"(
.kernel q
.core aic
    ldarg x1, 0
    ldarg x2, 1
    ldarg x3, 2
    ldarg x4, 3
    ldarg x5, 4
    movi x11, 4096
    movi x12, 8192
    nd2nz_gm_l1.s8 x0, x1, rows=16, cols=32, sstride=32, drows=16
    nd2nz_gm_l1.s8 x11, x2, rows=16, cols=32, sstride=32, drows=16
    dma_gm_l1 x12, x3, len=2
    setf mte2, mte1, 0
    waitf mte2, mte1, 0
    load2d_l1_l0a.s8 x0, x0
    load2d_l1_l0b.s8 x0, x11
    dma_l1_fb x0, x12, len=2
    setf mte1, m, 0
    waitf mte1, m, 0
    mmad.s8 x0, x0, x0, m=16, k=32, n=16, init=1
    setf m, fix, 0
    waitf m, fix, 0
    movi x20, 0x3f000000
    setdeq x20
    fix_l0c_gm.s8 x4, x0, from=s32, m=16, n=16, srows=16, dstride=16, quant=scalar
    fix_l0c_gm.f16 x5, x0, from=s32, m=16, n=16, srows=16, dstride=16, quant=vector
    halt
)",
                                     {ga, gb, gs, o8, o16});
  ASSERT_TRUE(r.ok()) << r.error().str();
  std::vector<int8_t> got8 = h.download<int8_t>(o8, 256);
  std::vector<uint16_t> got16 = h.download<uint16_t>(o16, 256);
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j) {
      int32_t acc = int32_t(a[i * 32]) * int32_t(bt[j * 32]);
      float half = float(acc) * 0.5f;
      int want8 = int(std::max(-128.0f, std::min(127.0f, std::nearbyint(half))));
      ASSERT_EQ(got8[i * 16 + j], want8) << i << "," << j;
      ASSERT_EQ(got16[i * 16 + j], num::f32ToF16(float(acc) * scales[j])) << i << "," << j;
    }
  r = h.run(".kernel k\n.core aic\n fix_l0c_gm.s8 x0, x0, m=16, n=16, srows=16, dstride=16\n "
            "halt\n",
            {});
  ASSERT_FALSE(r.ok());
  EXPECT_HAS(r.error().str(), "FixPipe cannot convert f32 to s8 with quant=none");
}

} // namespace

namespace {

TEST(Cube, FixPipeAddsBiasBeforeRelu) {
  // C = A x B with A[i][0] = i - 8, B[0][j] = 1; FixPipe adds bias[j] = j / 2
  // and applies ReLU: out[i][j] = max(0, i - 8 + j / 2).
  SimHarness h;
  std::vector<uint16_t> a(256, 0), bt(256, 0);
  for (int i = 0; i < 16; ++i)
    a[i * 16] = num::f32ToF16(float(i - 8));
  for (int j = 0; j < 16; ++j)
    bt[j * 16] = num::f32ToF16(1.0f);
  std::vector<float> bias(16);
  for (int j = 0; j < 16; ++j)
    bias[j] = float(j) / 2;
  uint64_t ga = h.upload(a), gb = h.upload(bt), gbias = h.upload(bias), out = h.alloc(512);
  Result<sim::KernelStats> r = h.run(R"(
.kernel k
.core aic
    ldarg x1, 0
    ldarg x2, 1
    ldarg x3, 2
    ldarg x4, 3
    movi x11, 512
    movi x12, 1024
    dma_gm_l1 x0, x1, len=16
    dma_gm_l1 x11, x2, len=16
    dma_gm_l1 x12, x4, len=2
    setf mte2, mte1, 0
    waitf mte2, mte1, 0
    load2d_l1_l0a.f16 x0, x0
    load2d_l1_l0b.f16 x0, x11
    dma_l1_bt x0, x12, len=2
    setf mte1, m, 0
    waitf mte1, m, 0
    mmad.f16 x0, x0, x0, m=16, k=16, n=16, init=1
    setf m, fix, 0
    waitf m, fix, 0
    setf mte1, fix, 1
    waitf mte1, fix, 1
    fix_l0c_gm.f16 x3, x0, m=16, n=16, srows=16, dstride=16, relu=1, hasbias=1, bias=x0
    halt
)",
                                     {ga, gb, out, gbias});
  ASSERT_TRUE(r.ok()) << r.error().str();
  std::vector<uint16_t> got = h.download<uint16_t>(out, 256);
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j)
      ASSERT_EQ(num::f16ToF32(got[i * 16 + j]), std::max(0.0f, float(i - 8) + bias[j]))
          << i << "," << j;
}

} // namespace
