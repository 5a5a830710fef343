//===- CRC32.cpp - CRC-32 checksums ---------------------------------------===//
//
// Two implementations of the same function. The portable one is
// slice-by-8 (eight table lookups per 8 bytes). On x86-64 CPUs with
// carry-less multiply (PCLMULQDQ), long inputs are folded 64 bytes at a time
// with polynomial multiplication, then reduced to 32 bits with Barrett
// reduction: the method of Gopal et al., "Fast CRC Computation for Generic
// Polynomials Using PCLMULQDQ Instruction" (Intel, 2009). The constants are
// x^k mod P(x) for the bit-reflected IEEE polynomial, k as noted. Loading a
// 100 MB artifact checksums every byte, so this is on the load path's
// critical line (docs/benchmarks.md).
//
//===----------------------------------------------------------------------===//

#include "pagoda/Support/CRC32.h"

#include <array>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PAGODA_CRC32_CLMUL 1
#endif

namespace pagoda {
namespace {

using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables makeTables() {
  Tables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[0][i] = c;
  }
  // t[k][i]: the CRC of byte i followed by k zero bytes.
  for (uint32_t i = 0; i < 256; ++i)
    for (int k = 1; k < 8; ++k)
      t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
  return t;
}
constexpr Tables kTables = makeTables();

/// The raw (pre- and post-inverted) register update, slice-by-8.
uint32_t updateTables(uint32_t crc, const uint8_t *p, size_t size) {
  while (size >= 8) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + 4, 4);
    lo ^= crc; // little-endian hosts only, as everywhere in pagoda
    crc = kTables[7][lo & 0xFF] ^ kTables[6][(lo >> 8) & 0xFF] ^ kTables[5][(lo >> 16) & 0xFF] ^
          kTables[4][lo >> 24] ^ kTables[3][hi & 0xFF] ^ kTables[2][(hi >> 8) & 0xFF] ^
          kTables[1][(hi >> 16) & 0xFF] ^ kTables[0][hi >> 24];
    p += 8;
    size -= 8;
  }
  while (size--)
    crc = kTables[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
  return crc;
}

#ifdef PAGODA_CRC32_CLMUL
/// Folds `x` forward over 128 bits (or 512, by the constant pair) and adds
/// the next data block.
__attribute__((target("pclmul,sse4.1"))) inline __m128i fold(__m128i x, __m128i k, __m128i next) {
  __m128i lo = _mm_clmulepi64_si128(x, k, 0x00);
  __m128i hi = _mm_clmulepi64_si128(x, k, 0x11);
  return _mm_xor_si128(_mm_xor_si128(lo, hi), next);
}

/// The raw register update over `size` bytes, a multiple of 16 and >= 64.
__attribute__((target("pclmul,sse4.1"))) uint32_t updateClmul(uint32_t crc, const uint8_t *p,
                                                              size_t size) {
  // (x^(4*128+32) mod P, x^(4*128-32) mod P), reflected: fold by 512 bits.
  const __m128i k512 = _mm_set_epi64x(0x01c6e41596, 0x0154442bd4);
  // (x^(128+32) mod P, x^(128-32) mod P): fold by 128 bits.
  const __m128i k128 = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0);
  // x^64 mod P, for 96 -> 64 bits.
  const __m128i k64 = _mm_set_epi64x(0, 0x0163cd6124);
  // Barrett: P(x) and floor(x^64 / P(x)), reflected.
  const __m128i barrett = _mm_set_epi64x(0x01f7011641, 0x01db710641);
  const __m128i low32 = _mm_setr_epi32(~0, 0, ~0, 0);

  __m128i acc[4];
  for (int i = 0; i < 4; ++i)
    acc[i] = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 16 * i));
  acc[0] = _mm_xor_si128(acc[0], _mm_cvtsi32_si128(int(crc)));
  p += 64;
  size -= 64;
  for (; size >= 64; p += 64, size -= 64)
    for (int i = 0; i < 4; ++i)
      acc[i] = fold(acc[i], k512, _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 16 * i)));
  __m128i x = fold(fold(fold(acc[0], k128, acc[1]), k128, acc[2]), k128, acc[3]);
  for (; size >= 16; p += 16, size -= 16)
    x = fold(x, k128, _mm_loadu_si128(reinterpret_cast<const __m128i *>(p)));

  // 128 -> 96 -> 64 bits.
  x = _mm_xor_si128(_mm_srli_si128(x, 8), _mm_clmulepi64_si128(x, k128, 0x10));
  x = _mm_xor_si128(_mm_srli_si128(x, 4), _mm_clmulepi64_si128(_mm_and_si128(x, low32), k64, 0x00));
  // Barrett reduction to 32 bits.
  __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x, low32), barrett, 0x10);
  t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), barrett, 0x00);
  return uint32_t(_mm_extract_epi32(_mm_xor_si128(x, t), 1));
}

bool haveClmul() {
  static const bool have = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return have;
}
#endif

} // namespace

uint32_t crc32(const void *data, size_t size, uint32_t crc) {
  const auto *p = static_cast<const uint8_t *>(data);
  crc = ~crc;
#ifdef PAGODA_CRC32_CLMUL
  if (size >= 256 && haveClmul()) {
    size_t bulk = size & ~size_t(15);
    crc = updateClmul(crc, p, bulk);
    p += bulk;
    size -= bulk;
  }
#endif
  return ~updateTables(crc, p, size);
}

uint32_t crc32Portable(const void *data, size_t size, uint32_t crc) {
  return ~updateTables(~crc, static_cast<const uint8_t *>(data), size);
}

} // namespace pagoda
