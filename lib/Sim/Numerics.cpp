//===- Numerics.cpp - Exact conversions of the NPU's number formats -------===//
//
// encode() works on the exact value: a double holds every value of these
// formats, and scaling by powers of two is exact, so rounding happens once,
// in roundMagnitude().
//
//===----------------------------------------------------------------------===//

#include "pagoda/Sim/Numerics.h"

#include <cmath>
#include <limits>

namespace pagoda::num {
namespace {

/// Rounds a non-negative value to an integer; `neg` is the sign of the
/// original number (for the directed modes).
double roundMagnitude(double n, RoundMode mode, bool neg) {
  double fl = std::floor(n);
  switch (mode) {
  case RoundMode::NearestEven: {
    double diff = n - fl;
    if (diff > 0.5)
      return fl + 1;
    if (diff < 0.5)
      return fl;
    return std::fmod(fl, 2.0) == 0 ? fl : fl + 1;
  }
  case RoundMode::TowardZero:
    return fl;
  case RoundMode::Down:
    return neg ? std::ceil(n) : fl;
  case RoundMode::Up:
    return neg ? fl : std::ceil(n);
  case RoundMode::NearestAway:
    return n - fl >= 0.5 ? fl + 1 : fl;
  }
  return fl;
}

struct Layout {
  uint32_t signBit, expAllOnes, manMask;
  int emin, emaxField;
  uint32_t maxMant;
  double maxFinite;
};

Layout layoutOf(const MiniFloat &f) {
  Layout l;
  l.signBit = 1u << (f.expBits + f.manBits);
  l.expAllOnes = (1u << f.expBits) - 1;
  l.manMask = (1u << f.manBits) - 1;
  l.emin = 1 - f.bias;
  l.emaxField = f.ieee ? int(l.expAllOnes) - 1 : int(l.expAllOnes);
  l.maxMant = (!f.ieee && f.nanAllOnes) ? l.manMask - 1 : l.manMask;
  l.maxFinite = std::ldexp(1.0 + double(l.maxMant) / double(1u << f.manBits), l.emaxField - f.bias);
  return l;
}

} // namespace

double decode(const MiniFloat &f, uint32_t bits) {
  Layout l = layoutOf(f);
  bool neg = bits & l.signBit;
  uint32_t exp = (bits >> f.manBits) & l.expAllOnes;
  uint32_t man = bits & l.manMask;
  double v;
  if (f.ieee && exp == l.expAllOnes) {
    v = man == 0 ? std::numeric_limits<double>::infinity()
                 : std::numeric_limits<double>::quiet_NaN();
  } else if (!f.ieee && f.nanAllOnes && exp == l.expAllOnes && man == l.manMask) {
    v = std::numeric_limits<double>::quiet_NaN();
  } else if (exp == 0) {
    v = std::ldexp(double(man), l.emin - int(f.manBits));
  } else {
    v = std::ldexp(double((1u << f.manBits) | man), int(exp) - f.bias - int(f.manBits));
  }
  return neg ? -v : v;
}

uint32_t encode(const MiniFloat &f, double x, RoundMode mode) {
  Layout l = layoutOf(f);
  const unsigned M = f.manBits;
  if (std::isnan(x)) {
    if (f.ieee)
      return (l.expAllOnes << M) | (1u << (M - 1));
    if (f.nanAllOnes)
      return (l.expAllOnes << M) | l.manMask;
    return 0;
  }
  const bool neg = std::signbit(x);
  const uint32_t sign = neg ? l.signBit : 0;
  const double a = std::fabs(x);
  const uint32_t maxBits = (uint32_t(l.emaxField) << M) | l.maxMant;
  auto overflow = [&]() -> uint32_t {
    bool toInf = f.ieee && !f.saturate;
    if (toInf) {
      // Directed modes that round toward zero stop at the largest finite.
      if (mode == RoundMode::TowardZero || (mode == RoundMode::Down && !neg) ||
          (mode == RoundMode::Up && neg))
        toInf = false;
    }
    return sign | (toInf ? (l.expAllOnes << M) : maxBits);
  };
  if (std::isinf(a))
    return (f.ieee && !f.saturate) ? (sign | (l.expAllOnes << M)) : (sign | maxBits);
  if (a == 0)
    return sign;

  int e = 0;
  std::frexp(a, &e);
  e -= 1; // a in [2^e, 2^(e+1))
  const int qexp = (e < l.emin ? l.emin : e) - int(M);
  const double n = std::ldexp(a, -qexp);
  const double r = roundMagnitude(n, mode, neg);
  const double v = std::ldexp(r, qexp);
  if (v > l.maxFinite)
    return overflow();
  if (v == 0)
    return sign;
  int ev = 0;
  std::frexp(v, &ev);
  ev -= 1;
  if (ev < l.emin) // subnormal
    return sign | uint32_t(std::ldexp(v, int(M) - l.emin));
  uint32_t man = uint32_t(std::ldexp(v, int(M) - ev)) - (1u << M);
  return sign | (uint32_t(ev + f.bias) << M) | man;
}

float f16ToF32(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1F;
  uint32_t man = h & 0x3FF;
  if (exp == 0x1F)
    return bitsFloat(sign | 0x7F800000 | (man << 13)); // inf / NaN (payload kept)
  if (exp == 0) {
    if (man == 0)
      return bitsFloat(sign);
    // Subnormal: value = man * 2^-24, exact in f32.
    float v = float(man) * 5.9604644775390625e-8f;
    return sign ? -v : v;
  }
  return bitsFloat(sign | ((exp + 112) << 23) | (man << 13));
}

uint16_t f32ToF16(float f) {
  uint32_t x = floatBits(f);
  uint32_t sign = (x >> 16) & 0x8000;
  uint32_t absx = x & 0x7FFFFFFF;
  if (absx >= 0x7F800000) // inf or NaN
    return uint16_t(sign | 0x7C00 | (absx > 0x7F800000 ? 0x200 | ((absx >> 13) & 0x3FF) : 0));
  if (absx >= 0x477FF000) // >= 65520: rounds to inf
    return uint16_t(sign | 0x7C00);
  if (absx < 0x38800000) { // below the smallest normal f16 (2^-14)
    // value * 2^24 rounded to an integer is the subnormal mantissa; the f32
    // product is exact (a power-of-two scale).
    float scaled = bitsFloat(absx) * 16777216.0f;
    double r = roundMagnitude(double(scaled), RoundMode::NearestEven, false);
    return uint16_t(sign | uint32_t(r)); // r == 1024 yields the smallest normal
  }
  // Normal: rebias and round the 13 dropped bits to nearest even.
  uint32_t rounded = absx + 0xFFF + ((absx >> 13) & 1);
  return uint16_t(sign | ((rounded >> 13) - (112u << 10)));
}

uint16_t f32ToBf16(float f) {
  uint32_t x = floatBits(f);
  if ((x & 0x7FFFFFFF) > 0x7F800000)
    return uint16_t((x >> 16) | 0x40); // quiet NaN
  return uint16_t((x + 0x7FFF + ((x >> 16) & 1)) >> 16);
}

float roundToHf32(float f) {
  uint32_t x = floatBits(f);
  if ((x & 0x7F800000) == 0x7F800000)
    return f; // inf / NaN
  x = (x + 0xFFF + ((x >> 13) & 1)) & ~0x1FFFu;
  return bitsFloat(x);
}

int64_t roundToInt(double x, RoundMode mode, int64_t lo, int64_t hi) {
  if (std::isnan(x))
    return 0;
  bool neg = std::signbit(x);
  double r = roundMagnitude(std::fabs(x), mode, neg);
  if (neg)
    r = -r;
  if (r <= double(lo))
    return lo;
  if (r >= double(hi))
    return hi;
  return int64_t(r);
}

} // namespace pagoda::num
