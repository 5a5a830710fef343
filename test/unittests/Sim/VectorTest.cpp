//===- VectorTest.cpp - Vector instructions against references ------------===//

#include "SimHarness.h"

#include "pagoda/Sim/Numerics.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <random>

using namespace pagoda;
using namespace pagoda::test;
using isa::DType;

namespace {

constexpr uint64_t kBytes = 4096; // each operand region in UB and GM

/// Runs `body` on vector core 0 with src0, src1 and dst (pre-loaded) in UB at
/// x10, x11, x12 and a scalar argument in x4; returns the dst region.
std::vector<uint8_t> runVector(SimHarness &h, const std::string &body,
                               const std::vector<uint8_t> &s0, const std::vector<uint8_t> &s1,
                               const std::vector<uint8_t> &d0, uint64_t scalar = 0,
                               std::string *error = nullptr) {
  uint64_t g0 = h.upload(s0), g1 = h.upload(s1), gd = h.upload(d0);
  std::string text = fmt::format(R"(
.kernel v
.core aiv
    subid x9
    bne x9, x0, done
    ldarg x1, 0
    ldarg x2, 1
    ldarg x3, 2
    ldarg x4, 3
    movi x10, 0
    movi x11, {0}
    movi x12, {1}
    dma_gm_ub x10, x1, len={2}
    dma_gm_ub x11, x2, len={2}
    dma_gm_ub x12, x3, len={2}
    setf mte2, v, 0
    waitf mte2, v, 0
{3}
    setf v, mte3, 0
    waitf v, mte3, 0
    dma_ub_gm x3, x12, len={2}
done:
    halt
)",
                                 kBytes, 2 * kBytes, kBytes / 32, body);
  Result<sim::KernelStats> r = h.run(text, {g0, g1, gd, scalar});
  if (!r) {
    if (error)
      *error = r.error().str();
    else
      ADD_FAILURE() << r.error().str();
    return {};
  }
  return h.download<uint8_t>(gd, kBytes);
}

template <typename T> std::vector<uint8_t> bytesOf(const std::vector<T> &v) {
  std::vector<uint8_t> out(kBytes, 0);
  std::memcpy(out.data(), v.data(), std::min<size_t>(kBytes, v.size() * sizeof(T)));
  return out;
}
template <typename T> std::vector<T> as(const std::vector<uint8_t> &b) {
  std::vector<T> out(b.size() / sizeof(T));
  std::memcpy(out.data(), b.data(), out.size() * sizeof(T));
  return out;
}

/// Interesting f32 values: specials, subnormals in f16 range, ties.
std::vector<float> specialFloats(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-50, 50);
  const float specials[] = {0.0f,     -0.0f,     INFINITY, -INFINITY, NAN,   1.0f,
                            65504.0f, -65504.0f, 6e-8f,    3e-5f,     1e-3f, -2.5f};
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = (i % 7 == 0) ? specials[(i / 7) % 12] : dist(rng);
  return v;
}

double roundTo(DType dt, double x) {
  if (dt == DType::F16)
    return num::decode(num::kF16, num::encode(num::kF16, x));
  return double(float(x));
}

/// Element i of a float vector, as stored.
double elem(DType dt, const std::vector<uint8_t> &b, size_t i) {
  if (dt == DType::F16) {
    uint16_t h;
    std::memcpy(&h, b.data() + 2 * i, 2);
    return num::f16ToF32(h);
  }
  float f;
  std::memcpy(&f, b.data() + 4 * i, 4);
  return f;
}
std::vector<uint8_t> floatsAs(DType dt, const std::vector<float> &v) {
  std::vector<uint8_t> out(kBytes, 0);
  for (size_t i = 0; i < v.size(); ++i) {
    if (dt == DType::F16) {
      uint16_t h = num::f32ToF16(v[i]);
      std::memcpy(out.data() + 2 * i, &h, 2);
    } else {
      std::memcpy(out.data() + 4 * i, &v[i], 4);
    }
  }
  return out;
}

bool sameFloat(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b));
}

struct BinCase {
  const char *op;
  DType dt;
};

class VectorBinary : public ::testing::TestWithParam<BinCase> {};

TEST_P(VectorBinary, CorrectlyRoundedAgainstF64) {
  const BinCase c = GetParam();
  SimHarness h;
  const unsigned size = isa::dtypeBits(c.dt) / 8, n = 2 * 256 / size; // two repeats
  auto a = specialFloats(n, 1), b = specialFloats(n, 2);
  std::reverse(b.begin(), b.end());
  auto got = runVector(h, fmt::format("    {}.{} x12, x10, x11, rep=2", c.op, isa::dtypeName(c.dt)),
                       floatsAs(c.dt, a), floatsAs(c.dt, b), std::vector<uint8_t>(kBytes, 0));
  ASSERT_FALSE(got.empty());
  auto sa = floatsAs(c.dt, a), sb = floatsAs(c.dt, b);
  std::string op = c.op;
  for (unsigned i = 0; i < n; ++i) {
    double x = elem(c.dt, sa, i), y = elem(c.dt, sb, i), want;
    if (op == "vadd")
      want = x + y;
    else if (op == "vsub")
      want = x - y;
    else if (op == "vmul")
      want = x * y;
    else if (op == "vdiv")
      want = x / y;
    else if (op == "vmax")
      want = (std::isnan(x) || std::isnan(y)) ? NAN : std::max(x, y);
    else
      want = (std::isnan(x) || std::isnan(y)) ? NAN : std::min(x, y);
    want = roundTo(c.dt, want); // f64 is exact for these f16/f32 operations but /
    if (op == "vdiv" && c.dt == DType::F32)
      want = double(float(x) / float(y));
    ASSERT_TRUE(sameFloat(elem(c.dt, got, i), want))
        << c.op << " lane " << i << ": " << x << ", " << y << " -> " << elem(c.dt, got, i)
        << " want " << want;
  }
}

INSTANTIATE_TEST_SUITE_P(Sim, VectorBinary,
                         ::testing::Values(BinCase{"vadd", DType::F16}, BinCase{"vadd", DType::F32},
                                           BinCase{"vsub", DType::F16}, BinCase{"vmul", DType::F16},
                                           BinCase{"vmul", DType::F32}, BinCase{"vdiv", DType::F16},
                                           BinCase{"vdiv", DType::F32}, BinCase{"vmax", DType::F16},
                                           BinCase{"vmin", DType::F32}),
                         [](const ::testing::TestParamInfo<BinCase> &info) {
                           return fmt::format("{}_{}", info.param.op,
                                              isa::dtypeName(info.param.dt));
                         });

TEST(Vector, IntegersWrap) {
  SimHarness h;
  std::vector<int16_t> a(128), b(128);
  for (int i = 0; i < 128; ++i) {
    a[i] = int16_t(i * 517 - 30000);
    b[i] = int16_t(i * 301 + 12000);
  }
  auto got = as<int16_t>(
      runVector(h, "    vadd.s16 x12, x10, x11\n    barrier v\n    vmul.s16 x12, x12, x11",
                bytesOf(a), bytesOf(b), std::vector<uint8_t>(kBytes, 0)));
  for (int i = 0; i < 128; ++i)
    ASSERT_EQ(got[i], int16_t(int16_t(a[i] + b[i]) * b[i])) << i;
}

TEST(Vector, MaskAndStrides) {
  SimHarness h;
  std::vector<float> a(1024), b(1024);
  for (int i = 0; i < 1024; ++i) {
    a[i] = float(i);
    b[i] = 1000.0f;
  }
  std::vector<float> d(1024, -1.0f);
  // Lanes 0-7 and 40-47 only; dst blocks every other block; src0 repeats 16
  // blocks apart.
  auto got = as<float>(runVector(h,
                                 "    movi x20, 0xff0000000000ff\n"
                                 "    setmask x20, x0\n"
                                 "    vadd.f32 x12, x10, x11, rep=2, dbs=2, drs=16, s0rs=16",
                                 bytesOf(a), bytesOf(b), bytesOf(d)));
  std::vector<float> want = d;
  for (int r = 0; r < 2; ++r)
    for (int lane = 0; lane < 64; ++lane) {
      if (!((lane < 8) || (lane >= 48 && lane < 56)))
        continue;
      int blk = lane / 8, e = lane % 8;
      int src = r * 16 * 8 + blk * 8 + e;     // s0rs=16 blocks, s0bs=1
      int dst = r * 16 * 8 + blk * 2 * 8 + e; // drs=16, dbs=2
      int s1 = r * 8 * 8 + blk * 8 + e;       // defaults
      want[dst] = a[src] + b[s1];
    }
  for (int i = 0; i < 1024; ++i)
    ASSERT_EQ(got[i], want[i]) << i;
}

class VectorUnary : public ::testing::TestWithParam<std::tuple<const char *, DType>> {};

TEST_P(VectorUnary, RoundedOnceFromF64) {
  auto [op, dt] = GetParam();
  SimHarness h;
  const unsigned n = 256 / (isa::dtypeBits(dt) / 8);
  std::vector<float> a = specialFloats(n, 3);
  for (float &v : a)
    if (std::string(op) != "vexp" && std::string(op) != "vtanh" && std::string(op) != "vsigmoid")
      v = std::fabs(v) * 0.37f; // mostly in the domain
  auto sa = floatsAs(dt, a);
  auto got = runVector(h, fmt::format("    {}.{} x12, x10", op, isa::dtypeName(dt)), sa,
                       std::vector<uint8_t>(kBytes, 0), std::vector<uint8_t>(kBytes, 0));
  ASSERT_FALSE(got.empty());
  for (unsigned i = 0; i < n; ++i) {
    double x = elem(dt, sa, i), y;
    std::string o = op;
    if (o == "vexp")
      y = std::exp(x);
    else if (o == "vln")
      y = std::log(x);
    else if (o == "vsqrt")
      y = std::sqrt(x);
    else if (o == "vrsqrt")
      y = 1 / std::sqrt(x);
    else if (o == "vrec")
      y = 1 / x;
    else if (o == "vtanh")
      y = std::tanh(x);
    else if (o == "vsigmoid")
      y = 1 / (1 + std::exp(-x));
    else if (o == "vabs")
      y = std::fabs(x);
    else // vrelu
      y = std::isnan(x) ? x : (x > 0 ? x : 0.0);
    ASSERT_TRUE(sameFloat(elem(dt, got, i), roundTo(dt, y)))
        << op << " of " << x << " gave " << elem(dt, got, i) << " want " << roundTo(dt, y);
  }
}

INSTANTIATE_TEST_SUITE_P(Sim, VectorUnary,
                         ::testing::Combine(::testing::Values("vexp", "vln", "vsqrt", "vrsqrt",
                                                              "vrec", "vtanh", "vsigmoid", "vabs",
                                                              "vrelu"),
                                            ::testing::Values(DType::F16, DType::F32)),
                         [](const ::testing::TestParamInfo<std::tuple<const char *, DType>> &info) {
                           return fmt::format("{}_{}", std::get<0>(info.param),
                                              isa::dtypeName(std::get<1>(info.param)));
                         });

/// Exact a*b + c for f16 inputs, rounded once to f16 (an integer reference:
/// every f16 is k * 2^-24).
uint16_t exactFmaF16(uint16_t ha, uint16_t hb, uint16_t hc) {
  auto scaled = [](uint16_t h) { // value * 2^24 as an integer
    return static_cast<__int128>(std::ldexp(double(num::f16ToF32(h)), 24));
  };
  __int128 s = scaled(ha) * scaled(hb) + scaled(hc) * (static_cast<__int128>(1) << 24);
  // s * 2^-48 is exact; round it to f16 by hand.
  bool neg = s < 0;
  unsigned __int128 mag = neg ? -s : s;
  if (mag == 0)
    return neg ? 0x8000 : 0;
  int top = 127;
  while (!((mag >> top) & 1))
    --top;
  int e = top - 48;              // floor(log2 |value|)
  int q = std::max(e, -14) - 10; // quantum exponent
  int shift = q + 48;            // >= 0
  unsigned __int128 n = mag >> shift, rem = mag - (n << shift);
  unsigned __int128 half = shift ? (static_cast<unsigned __int128>(1) << (shift - 1)) : 0;
  if (shift && (rem > half || (rem == half && (n & 1))))
    ++n;
  double v = std::ldexp(double(n), q);
  uint16_t bits = uint16_t(num::encode(num::kF16, v));
  return uint16_t(bits | (neg ? 0x8000 : 0));
}

TEST(Vector, FusedMultiplyAddRoundsOnce) {
  SimHarness h;
  std::mt19937 rng(11);
  std::vector<uint16_t> a(128), b(128), c(128);
  for (int i = 0; i < 128; ++i) {
    // Exponents far apart so that an f32 intermediate would double-round.
    a[i] = num::f32ToF16(std::ldexp(1.0f + float(rng() % 1024) / 1024, int(rng() % 20) - 10));
    b[i] = num::f32ToF16(std::ldexp(1.0f + float(rng() % 1024) / 1024, int(rng() % 20) - 10));
    c[i] = num::f32ToF16(std::ldexp(-1.0f - float(rng() % 1024) / 1024, int(rng() % 30) - 15));
  }
  auto got =
      as<uint16_t>(runVector(h, "    vmla.f16 x12, x10, x11", bytesOf(a), bytesOf(b), bytesOf(c)));
  for (int i = 0; i < 128; ++i)
    ASSERT_EQ(got[i], exactFmaF16(a[i], b[i], c[i])) << i;
}

TEST(Vector, CompareAndSelect) {
  SimHarness h;
  std::vector<float> a(64), b(64);
  for (int i = 0; i < 64; ++i) {
    a[i] = float(i % 5);
    b[i] = float(i % 3);
  }
  a[7] = NAN;
  // bits at UB 12288 (x13), then select.
  auto got = as<float>(runVector(h,
                                 "    movi x13, 12288\n"
                                 "    vcmp.f32 x13, x10, x11, cmp=gt\n"
                                 "    barrier v\n"
                                 "    vsel.f32 x12, x10, x11, x13",
                                 bytesOf(a), bytesOf(b), std::vector<uint8_t>(kBytes, 0)));
  for (int i = 0; i < 64; ++i) {
    float want = (a[i] > b[i]) ? a[i] : b[i]; // NaN > x is false: picks b
    ASSERT_EQ(got[i], want) << i;
  }
}

TEST(Vector, ConvertWithRoundingModes) {
  SimHarness h;
  std::vector<float> a = {2.5f, -2.5f, 3.5f, -0.4f, 1e9f, -1e9f, NAN, 127.5f};
  a.resize(64, 0.75f);
  const char *modes[] = {"rne", "rz", "rd", "ru", "ra"};
  const num::RoundMode m[] = {num::RoundMode::NearestEven, num::RoundMode::TowardZero,
                              num::RoundMode::Down, num::RoundMode::Up,
                              num::RoundMode::NearestAway};
  for (int mi = 0; mi < 5; ++mi) {
    auto got = as<int32_t>(
        runVector(h, fmt::format("    vcvt.s32 x12, x10, from=f32, round={}", modes[mi]),
                  bytesOf(a), std::vector<uint8_t>(kBytes, 0), std::vector<uint8_t>(kBytes, 0)));
    for (int i = 0; i < 64; ++i)
      ASSERT_EQ(got[i], num::roundToInt(a[i], m[mi], INT32_MIN, INT32_MAX))
          << modes[mi] << " " << a[i];
  }
  // f32 -> f16 with 128-lane repeats (L follows the wider type: 64 lanes).
  auto h16 =
      as<uint16_t>(runVector(h, "    vcvt.f16 x12, x10, from=f32, rep=1, round=rz", bytesOf(a),
                             std::vector<uint8_t>(kBytes, 0), std::vector<uint8_t>(kBytes, 0)));
  for (int i = 0; i < 64; ++i) {
    if (std::isnan(a[i])) {
      EXPECT_EQ(h16[i] & 0x7C00, 0x7C00);
      continue;
    }
    ASSERT_EQ(h16[i], num::encode(num::kF16, a[i], num::RoundMode::TowardZero)) << a[i];
  }
  for (int i = 64; i < 128; ++i)
    ASSERT_EQ(h16[i], 0) << "lane past the 64 converted";
  // f16 -> s8 saturates, f32 -> e4m3 saturates.
  auto s8 = as<int8_t>(runVector(h, "    vcvt.s8 x12, x10, from=f32", bytesOf(a),
                                 std::vector<uint8_t>(kBytes, 0), std::vector<uint8_t>(kBytes, 0)));
  EXPECT_EQ(s8[4], 127);
  EXPECT_EQ(s8[5], -128);
  EXPECT_EQ(s8[6], 0);
  std::string err;
  runVector(h, "    vcvt.s8 x12, x10, from=e4m3", bytesOf(a), std::vector<uint8_t>(kBytes, 0),
            std::vector<uint8_t>(kBytes, 0), 0, &err);
  EXPECT_HAS(err, "vcvt cannot convert e4m3 to s8");
}

TEST(Vector, ReductionsUseAPairwiseTree) {
  SimHarness h;
  std::vector<float> a(128);
  std::mt19937 rng(4);
  for (float &v : a)
    v = std::ldexp(float(rng() % 1000) + 0.123f, int(rng() % 40) - 20);
  auto got = as<float>(runVector(h,
                                 "    movi x13, 8256\n"
                                 "    movi x14, 8288\n"
                                 "    movi x15, 8352\n"
                                 "    vcadd.f32 x12, x10, rep=2\n"
                                 "    vcmax.f32 x13, x10, rep=2\n"
                                 "    vcgadd.f32 x14, x10\n"
                                 "    vcadd.f32 x15, x10, rep=2, all=1",
                                 bytesOf(a), std::vector<uint8_t>(kBytes, 0),
                                 std::vector<uint8_t>(kBytes, 0)));
  auto tree = [&](int lo, int n) {
    std::vector<float> v(a.begin() + lo, a.begin() + lo + n);
    while (v.size() > 1) {
      std::vector<float> next;
      for (size_t i = 0; i < v.size(); i += 2)
        next.push_back(v[i] + v[i + 1]);
      v.swap(next);
    }
    return v[0];
  };
  EXPECT_EQ(got[0], tree(0, 64));
  EXPECT_EQ(got[1], tree(64, 64));
  EXPECT_EQ(got[(8256 - 8192) / 4], *std::max_element(a.begin(), a.begin() + 64));
  EXPECT_EQ(got[(8256 - 8192) / 4 + 1], *std::max_element(a.begin() + 64, a.end()));
  for (int b = 0; b < 8; ++b)
    EXPECT_EQ(got[(8288 - 8192) / 4 + b], tree(b * 8, 8)) << b;
  EXPECT_EQ(got[(8352 - 8192) / 4], tree(0, 64) + tree(64, 64));
}

TEST(Vector, GatherBroadcastTransposeDup) {
  SimHarness h;
  std::vector<uint16_t> table(2048);
  for (int i = 0; i < 2048; ++i)
    table[i] = uint16_t(i * 3);
  std::vector<uint32_t> idx(128);
  for (int i = 0; i < 128; ++i)
    idx[i] = uint32_t((127 - i) * 2 * 5); // byte offsets of elements 5*(127-i)
  auto got = as<uint16_t>(runVector(h, "    vgather.u16 x12, x10, x11", bytesOf(table),
                                    bytesOf(idx), std::vector<uint8_t>(kBytes, 0)));
  for (int i = 0; i < 128; ++i)
    ASSERT_EQ(got[i], table[5 * (127 - i)]) << i;

  std::vector<float> eight = {1, 2, 3, 4, 5, 6, 7, 8};
  auto b = as<float>(runVector(h, "    vbrcb.f32 x12, x10", bytesOf(eight),
                               std::vector<uint8_t>(kBytes, 0), std::vector<uint8_t>(kBytes, 0)));
  for (int i = 0; i < 64; ++i)
    ASSERT_EQ(b[i], eight[i / 8]) << i;

  auto t =
      as<uint16_t>(runVector(h, "    vtrans x12, x10", bytesOf(table),
                             std::vector<uint8_t>(kBytes, 0), std::vector<uint8_t>(kBytes, 0)));
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j)
      ASSERT_EQ(t[j * 16 + i], table[i * 16 + j]);

  auto d = as<uint32_t>(runVector(h, "    vdup.u32 x12, x4, rep=2", bytesOf(table),
                                  std::vector<uint8_t>(kBytes, 0), std::vector<uint8_t>(kBytes, 0),
                                  0xDEADBEEF));
  for (int i = 0; i < 128; ++i)
    ASSERT_EQ(d[i], 0xDEADBEEFu);
}

TEST(Vector, EightBitLanesShareTheMaskInHalves) {
  // 256 lanes of one byte, 128 mask bits: lanes i and i + 128 share bit i.
  SimHarness h;
  auto got = runVector(h,
                       "    movi x5, 0x5555555555555555\n"
                       "    setmask x5, x0\n"
                       "    vdup.u8 x12, x4",
                       std::vector<uint8_t>(kBytes, 0), std::vector<uint8_t>(kBytes, 0),
                       std::vector<uint8_t>(kBytes, 0), 0xAB);
  for (int i = 0; i < 256; ++i) {
    const int bit = i % 128;
    ASSERT_EQ(got[size_t(i)], bit < 64 && bit % 2 == 0 ? 0xAB : 0) << i;
  }
}

TEST(Vector, PaddedCopiesAndScalarUbAccess) {
  SimHarness h;
  std::vector<uint8_t> src(100);
  for (int i = 0; i < 100; ++i)
    src[i] = uint8_t(i + 1);
  uint64_t g = h.upload(src), out = h.alloc(512);
  std::vector<uint8_t> init(512, 0xEE);
  std::memcpy(h.gm().translate(out, 512), init.data(), 512);
  // 3 bursts of 21 bytes, 12 bytes apart in GM, padded to 32 in UB; then the
  // scalar unit patches one byte; then back to GM, 21 bytes per burst, packed.
  Result<sim::KernelStats> r = h.run(R"(
.kernel pad
.core aiv
    subid x9
    bne x9, x0, done
    ldarg x1, 0
    ldarg x2, 1
    dmapad_gm_ub x0, x1, nburst=3, lenb=21, gmgap=12
    setf mte2, s, 0
    waitf mte2, s, 0
    movi x5, 0x55
    stu.u8 x5, x0, 33
    ldu.u8 x6, x0, 64
    setf s, mte3, 0
    waitf s, mte3, 0
    dmapad_ub_gm x2, x0, nburst=3, lenb=21
    stg.u8 x6, x2, 100
done:
    halt
)",
                                     {g, out});
  ASSERT_TRUE(r.ok()) << r.error().str();
  std::vector<uint8_t> got = h.download<uint8_t>(out, 512);
  for (int b = 0; b < 3; ++b)
    for (int i = 0; i < 21; ++i) {
      uint8_t want = (b == 1 && i == 1) ? 0x55 : src[b * 33 + i];
      ASSERT_EQ(got[b * 21 + i], want) << b << "," << i;
    }
  EXPECT_EQ(got[63], 0xEE);     // nothing written past 3 x 21 bytes
  EXPECT_EQ(got[100], src[66]); // ldu read burst 2's first byte
}

} // namespace
