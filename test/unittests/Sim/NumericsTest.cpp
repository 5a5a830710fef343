//===- NumericsTest.cpp - Narrow float formats, rounding edge cases -------===//

#include "pagoda/Sim/Numerics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace pagoda::num;

namespace {

TEST(Numerics, F16EveryPatternDecodesAndRoundTrips) {
  for (uint32_t h = 0; h < 65536; ++h) {
    double d = decode(kF16, h);
    float f = f16ToF32(uint16_t(h));
    if (std::isnan(d)) {
      EXPECT_TRUE(std::isnan(f)) << h;
      continue;
    }
    ASSERT_EQ(double(f), d) << h;
    ASSERT_EQ(encode(kF16, d), h) << h;
    ASSERT_EQ(f32ToF16(f), h) << h;
  }
}

TEST(Numerics, F16FastPathMatchesTheExactEncoder) {
  std::mt19937 rng(5);
  for (int i = 0; i < 2000000; ++i) {
    uint32_t bits = rng();
    float f = bitsFloat(bits);
    if (std::isnan(f))
      continue;
    ASSERT_EQ(f32ToF16(f), encode(kF16, double(f))) << std::hex << bits;
  }
}

TEST(Numerics, F16EdgeCases) {
  EXPECT_EQ(f32ToF16(65504.0f), 0x7BFF);  // max finite
  EXPECT_EQ(f32ToF16(65519.99f), 0x7BFF); // below the halfway point to 2^16
  EXPECT_EQ(f32ToF16(65520.0f), 0x7C00);  // ties to even: overflows to inf
  EXPECT_EQ(f32ToF16(-1e9f), 0xFC00);
  EXPECT_EQ(f16ToF32(0x0001), std::ldexp(1.0f, -24)); // smallest subnormal
  EXPECT_EQ(f32ToF16(std::ldexp(1.0f, -25)), 0x0000); // half of it: ties to even, 0
  EXPECT_EQ(f32ToF16(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(f32ToF16(std::ldexp(1.0f, -14)), 0x0400);        // smallest normal
  EXPECT_EQ(f32ToF16(std::ldexp(1023.5f, -24)), 0x0400);     // subnormal rounding up to normal
  EXPECT_EQ(f32ToF16(1.0f + std::ldexp(1.0f, -11)), 0x3C00); // tie: stays even
  EXPECT_EQ(f32ToF16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);
  EXPECT_EQ(f32ToF16(-0.0f), 0x8000);
  EXPECT_EQ(f32ToF16(NAN) & 0x7C00, 0x7C00);
  EXPECT_NE(f32ToF16(NAN) & 0x3FF, 0);
  // Directed modes.
  EXPECT_EQ(encode(kF16, 1e6, RoundMode::TowardZero), 0x7BFFu);
  EXPECT_EQ(encode(kF16, -1e6, RoundMode::Down), 0xFC00u);
  EXPECT_EQ(encode(kF16, -1e6, RoundMode::Up), 0xFBFFu);
  EXPECT_EQ(encode(kF16, 1.0 + std::ldexp(1.0, -12), RoundMode::Up), 0x3C01u);
  EXPECT_EQ(encode(kF16, 1.0 + std::ldexp(1.0, -11), RoundMode::NearestAway), 0x3C01u);
}

TEST(Numerics, BF16TiesAndSpecials) {
  for (uint32_t b = 0; b < 65536; ++b) {
    float f = bf16ToF32(uint16_t(b));
    if (std::isnan(f))
      continue;
    ASSERT_EQ(f32ToBf16(f), b);
    ASSERT_EQ(encode(kBF16, f), b);
  }
  // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to even (1.0).
  EXPECT_EQ(f32ToBf16(1.0f + std::ldexp(1.0f, -8)), 0x3F80);
  EXPECT_EQ(f32ToBf16(1.0f + 3 * std::ldexp(1.0f, -8)), 0x3F82);
  EXPECT_EQ(f32ToBf16(bitsFloat(0x7F7FFFFF)), 0x7F80); // rounds up to inf
  EXPECT_TRUE(std::isnan(bf16ToF32(f32ToBf16(NAN))));
  std::mt19937 rng(9);
  for (int i = 0; i < 1000000; ++i) {
    float f = bitsFloat(rng());
    if (!std::isnan(f)) {
      ASSERT_EQ(f32ToBf16(f), encode(kBF16, f));
    }
  }
}

TEST(Numerics, Fp8AndFp4) {
  EXPECT_EQ(decode(kE4M3, 0x7E), 448.0);
  EXPECT_TRUE(std::isnan(decode(kE4M3, 0x7F)));
  EXPECT_EQ(encode(kE4M3, 1000.0), 0x7Eu); // saturates
  EXPECT_EQ(encode(kE4M3, -1000.0), 0xFEu);
  EXPECT_EQ(decode(kE4M3, 0x01), std::ldexp(1.0, -9)); // smallest subnormal
  EXPECT_EQ(decode(kE5M2, 0x7B), 57344.0);
  EXPECT_TRUE(std::isinf(decode(kE5M2, 0x7C)));
  EXPECT_EQ(encode(kE5M2, 1e9), 0x7Bu); // saturating conversion
  const double f4[8] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
  for (uint32_t i = 0; i < 8; ++i) {
    EXPECT_EQ(decode(kF4E2M1, i), f4[i]);
    EXPECT_EQ(decode(kF4E2M1, i | 8), -f4[i]);
    EXPECT_EQ(encode(kF4E2M1, f4[i]), i);
  }
  EXPECT_EQ(encode(kF4E2M1, 2.5), 4u);   // tie between 2 and 3: even mantissa (2)
  EXPECT_EQ(encode(kF4E2M1, 100.0), 7u); // saturates to 6
  EXPECT_EQ(encode(kF4E2M1, NAN), 0u);   // no NaN in e2m1
  for (uint32_t i = 0; i < 256; ++i) {
    double d = decode(kE4M3, i);
    if (!std::isnan(d)) {
      EXPECT_EQ(encode(kE4M3, d), i);
    }
    double e = decode(kE5M2, i);
    if (!std::isnan(e) && !std::isinf(e)) {
      EXPECT_EQ(encode(kE5M2, e), i);
    }
  }
}

TEST(Numerics, Hf32AndIntegers) {
  EXPECT_EQ(roundToHf32(1.0f + std::ldexp(1.0f, -11)), 1.0f); // tie to even
  EXPECT_EQ(roundToHf32(1.0f + std::ldexp(1.0f, -10)), 1.0f + std::ldexp(1.0f, -10));
  EXPECT_EQ(roundToHf32(1.0f + 3 * std::ldexp(1.0f, -12)), 1.0f + std::ldexp(1.0f, -10));
  EXPECT_EQ(roundToInt(2.5, RoundMode::NearestEven, -128, 127), 2);
  EXPECT_EQ(roundToInt(-2.5, RoundMode::NearestAway, -128, 127), -3);
  EXPECT_EQ(roundToInt(-2.5, RoundMode::Down, -128, 127), -3);
  EXPECT_EQ(roundToInt(-2.5, RoundMode::TowardZero, -128, 127), -2);
  EXPECT_EQ(roundToInt(1e10, RoundMode::NearestEven, -128, 127), 127);
  EXPECT_EQ(roundToInt(NAN, RoundMode::NearestEven, -128, 127), 0);
}

} // namespace
