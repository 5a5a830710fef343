//===- Numerics.h - Exact conversions of the NPU's number formats -*- C++ -*-===//
//
// Bit-exact encoding and decoding of f16, bf16, the fp8 formats (e4m3, e5m2)
// and f4 (e2m1), with the rounding modes the instruction set names. The
// simulator computes every narrow-format result through these, so its
// numbers are what the hardware model defines (docs/isa.md) on any host.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_SIM_NUMERICS_H
#define PAGODA_SIM_NUMERICS_H

#include <cstdint>
#include <cstring>

namespace pagoda::num {

enum class RoundMode : uint8_t { NearestEven, TowardZero, Down, Up, NearestAway };

/// A binary floating-point format narrower than f64.
struct MiniFloat {
  unsigned expBits;
  unsigned manBits;
  int bias;
  /// IEEE-style: the all-ones exponent holds inf (mantissa 0) and NaN.
  bool ieee;
  /// Without IEEE specials: whether the all-ones pattern (per sign) is NaN
  /// (e4m3) or an ordinary number (e2m1, which has no NaN).
  bool nanAllOnes;
  /// On overflow: saturate to the largest finite value instead of inf.
  bool saturate;
};

inline constexpr MiniFloat kF16 = {5, 10, 15, true, false, false};
inline constexpr MiniFloat kBF16 = {8, 7, 127, true, false, false};
inline constexpr MiniFloat kF32 = {8, 23, 127, true, false, false};
inline constexpr MiniFloat kE4M3 = {4, 3, 7, false, true, true};
inline constexpr MiniFloat kE5M2 = {5, 2, 15, true, false, true};
inline constexpr MiniFloat kF4E2M1 = {2, 1, 1, false, false, true};

/// The value of a bit pattern, exactly.
double decode(const MiniFloat &fmt, uint32_t bits);

/// The bit pattern nearest `x` under `mode`. NaN stays NaN where the format
/// has one (else becomes +0); overflow gives inf, or the largest finite
/// value for saturating formats and for modes that round toward zero.
uint32_t encode(const MiniFloat &fmt, double x, RoundMode mode = RoundMode::NearestEven);

inline uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float bitsFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

/// Fast exact f16 -> f32.
float f16ToF32(uint16_t h);
/// f32 -> f16, round to nearest even (exact, fast path of encode()).
uint16_t f32ToF16(float f);
inline float bf16ToF32(uint16_t b) { return bitsFloat(uint32_t(b) << 16); }
/// f32 -> bf16, round to nearest even; NaN stays a quiet NaN.
uint16_t f32ToBf16(float f);

/// f32 rounded to 11 significant bits (round to nearest even), the cube's
/// "hf32" input precision; its products are exact in f32.
float roundToHf32(float f);

/// Integer saturation after rounding a double with `mode`; NaN gives 0.
int64_t roundToInt(double x, RoundMode mode, int64_t lo, int64_t hi);

} // namespace pagoda::num

#endif // PAGODA_SIM_NUMERICS_H
