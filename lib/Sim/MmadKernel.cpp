//===- MmadKernel.cpp - The cube's arithmetic, vectorized -----------------===//
//
// Operands are unpacked from their fractal layouts into row-major tiles,
// then multiplied by a register-blocked kernel compiled for AVX-512, AVX2 and
// baseline x86-64 (target_clones picks one at load time). Every product of
// the cube's input types is exact in f32, so a fused or unfused multiply-add
// rounds identically and every variant gives the same bits; each output
// element is accumulated over k strictly in order.
//
//===----------------------------------------------------------------------===//

#include "MmadKernel.h"

#include "pagoda/Sim/Numerics.h"

#include <array>
#include <cstring>
#include <vector>

namespace pagoda::sim::detail {
namespace {

using isa::DType;

/// Decoding tables for the 8- and 4-bit float formats.
struct Tables {
  std::array<float, 256> e4m3, e5m2;
  std::array<float, 16> f4;
  Tables() {
    for (unsigned i = 0; i < 256; ++i) {
      e4m3[i] = float(num::decode(num::kE4M3, i));
      e5m2[i] = float(num::decode(num::kE5M2, i));
    }
    for (unsigned i = 0; i < 16; ++i)
      f4[i] = float(num::decode(num::kF4E2M1, i));
  }
};
const Tables &tables() {
  static const Tables t;
  return t;
}

/// Element `e` of a packed operand as f32.
inline float element(DType dt, const uint8_t *p, uint64_t e) {
  switch (dt) {
  case DType::F16: {
    uint16_t h;
    std::memcpy(&h, p + 2 * e, 2);
    return num::f16ToF32(h);
  }
  case DType::BF16: {
    uint16_t h;
    std::memcpy(&h, p + 2 * e, 2);
    return num::bf16ToF32(h);
  }
  case DType::F32: {
    float f;
    std::memcpy(&f, p + 4 * e, 4);
    return num::roundToHf32(f);
  }
  case DType::E4M3:
    return tables().e4m3[p[e]];
  case DType::E5M2:
    return tables().e5m2[p[e]];
  case DType::F4:
    return tables().f4[(p[e / 2] >> (4 * (e % 2))) & 0xF];
  default:
    return 0;
  }
}

constexpr uint64_t kRows = 4;
constexpr uint64_t kCols = 16;

/// acc[4][16] += A[4][K] x B[K][16], k in order; A rows are `lda` apart, B
/// rows `ldb` apart.
__attribute__((target_clones("avx512f", "avx2", "default"))) void
blockF32(const float *a, uint64_t lda, const float *b, uint64_t ldb, float *acc, uint64_t K) {
  float c[kRows][kCols];
  std::memcpy(c, acc, sizeof(c));
  for (uint64_t kk = 0; kk < K; ++kk) {
    const float *brow = b + kk * ldb;
    for (uint64_t r = 0; r < kRows; ++r) {
      const float av = a[r * lda + kk];
      for (uint64_t j = 0; j < kCols; ++j)
        c[r][j] += av * brow[j];
    }
  }
  std::memcpy(acc, c, sizeof(c));
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void
blockS32(const int32_t *a, uint64_t lda, const int32_t *b, uint64_t ldb, uint32_t *acc,
         uint64_t K) {
  uint32_t c[kRows][kCols];
  std::memcpy(c, acc, sizeof(c));
  for (uint64_t kk = 0; kk < K; ++kk) {
    const int32_t *brow = b + kk * ldb;
    for (uint64_t r = 0; r < kRows; ++r) {
      const uint32_t av = uint32_t(a[r * lda + kk]);
      for (uint64_t j = 0; j < kCols; ++j)
        c[r][j] += av * uint32_t(brow[j]); // wraps like the hardware's s32
    }
  }
  std::memcpy(acc, c, sizeof(c));
}

} // namespace

void mmadFunctional(DType dt, const uint8_t *a, const uint8_t *b, uint8_t *c, const uint8_t *bias,
                    uint64_t m, uint64_t k, uint64_t n, bool init) {
  const uint64_t k0 = 256 / isa::dtypeBits(dt);
  const uint64_t kBlocks = k ? k / k0 : 0, nBlocks = n / 16, mBlocks = m / 16;
  // C tile (row-major m x n): from L0C (NZ), or the bias row, or zeros.
  std::vector<uint32_t> acc(m * n);
  for (uint64_t i = 0; i < m; ++i)
    for (uint64_t j = 0; j < n; ++j) {
      uint32_t bits = 0;
      if (!init)
        std::memcpy(&bits, c + ((j / 16) * mBlocks + i / 16) * 1024 + ((i % 16) * 16 + j % 16) * 4,
                    4);
      else if (bias)
        std::memcpy(&bits, bias + j * 4, 4);
      acc[i * n + j] = bits;
    }

  if (k) {
    if (dt == DType::S8) {
      std::vector<int32_t> A(m * k), B(k * n);
      for (uint64_t i = 0; i < m; ++i)
        for (uint64_t kk = 0; kk < k; ++kk)
          A[i * k + kk] = int8_t(a[((i / 16) * kBlocks + kk / k0) * 512 + (i % 16) * k0 + kk % k0]);
      for (uint64_t kk = 0; kk < k; ++kk)
        for (uint64_t j = 0; j < n; ++j)
          B[kk * n + j] = int8_t(b[((kk / k0) * nBlocks + j / 16) * 512 + (j % 16) * k0 + kk % k0]);
      std::vector<uint32_t> tile(kRows * kCols);
      for (uint64_t i = 0; i < m; i += kRows)
        for (uint64_t j = 0; j < n; j += kCols) {
          for (uint64_t r = 0; r < kRows; ++r)
            std::memcpy(&tile[r * kCols], &acc[(i + r) * n + j], kCols * 4);
          blockS32(&A[i * k], k, &B[j], n, tile.data(), k);
          for (uint64_t r = 0; r < kRows; ++r)
            std::memcpy(&acc[(i + r) * n + j], &tile[r * kCols], kCols * 4);
        }
    } else {
      std::vector<float> A(m * k), B(k * n);
      const uint64_t bitsPerElem = isa::dtypeBits(dt);
      (void)bitsPerElem;
      for (uint64_t i = 0; i < m; ++i)
        for (uint64_t kk = 0; kk < k; ++kk) {
          uint64_t fractal = (i / 16) * kBlocks + kk / k0;
          uint64_t e = fractal * (512 * 8 / isa::dtypeBits(dt)) + (i % 16) * k0 + kk % k0;
          A[i * k + kk] = element(dt, a, e);
        }
      for (uint64_t kk = 0; kk < k; ++kk)
        for (uint64_t j = 0; j < n; ++j) {
          uint64_t fractal = (kk / k0) * nBlocks + j / 16;
          uint64_t e = fractal * (512 * 8 / isa::dtypeBits(dt)) + (j % 16) * k0 + kk % k0;
          B[kk * n + j] = element(dt, b, e);
        }
      std::vector<float> tile(kRows * kCols);
      for (uint64_t i = 0; i < m; i += kRows)
        for (uint64_t j = 0; j < n; j += kCols) {
          for (uint64_t r = 0; r < kRows; ++r)
            std::memcpy(&tile[r * kCols], &acc[(i + r) * n + j], kCols * 4);
          blockF32(&A[i * k], k, &B[j], n, tile.data(), k);
          for (uint64_t r = 0; r < kRows; ++r)
            std::memcpy(&acc[(i + r) * n + j], &tile[r * kCols], kCols * 4);
        }
    }
  }

  for (uint64_t i = 0; i < m; ++i)
    for (uint64_t j = 0; j < n; ++j)
      std::memcpy(c + ((j / 16) * mBlocks + i / 16) * 1024 + ((i % 16) * 16 + j % 16) * 4,
                  &acc[i * n + j], 4);
  (void)mBlocks;
}

} // namespace pagoda::sim::detail
