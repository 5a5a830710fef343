//===- MmadKernel.cpp - The cube's arithmetic, vectorized -----------------===//
//
// Operands are unpacked fractal by fractal into row-major f32 (or s32)
// tiles, then multiplied by a register-blocked 4x16 kernel: AVX2+FMA when
// the host has it (chosen once at run time), portable C++ otherwise. Every
// product of the cube's input types is exact in f32, so a fused and an
// unfused multiply-add round identically and both paths give the same bits;
// each output element is accumulated over k strictly in order.
//
//===----------------------------------------------------------------------===//

#include "MmadKernel.h"

#include "pagoda/Sim/Numerics.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#define PAGODA_X86 1
#endif

namespace pagoda::sim::detail {
namespace {

using isa::DType;

constexpr uint64_t kRows = 4;
constexpr uint64_t kCols = 16;

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

#ifdef PAGODA_X86
bool hostHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                          __builtin_cpu_supports("f16c");
  return has;
}

__attribute__((target("avx2,f16c"))) void halvesToFloatsF16c(const uint8_t *src, float *dst,
                                                             uint64_t count) {
  uint64_t i = 0;
  for (; i + 8 <= count; i += 8)
    _mm256_storeu_ps(
        dst + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(src + 2 * i))));
  for (; i < count; ++i) {
    uint16_t h;
    std::memcpy(&h, src + 2 * i, 2);
    dst[i] = num::f16ToF32(h);
  }
}
#endif

/// `count` consecutive elements of a packed operand (starting at element
/// `first`) as f32.
void unpack(DType dt, const uint8_t *p, uint64_t first, uint64_t count, float *out) {
  const Tables &tab = tables();
  switch (dt) {
  case DType::F16:
#ifdef PAGODA_X86
    if (hostHasAvx2()) {
      halvesToFloatsF16c(p + 2 * first, out, count);
      return;
    }
#endif
    for (uint64_t i = 0; i < count; ++i) {
      uint16_t h;
      std::memcpy(&h, p + 2 * (first + i), 2);
      out[i] = num::f16ToF32(h);
    }
    return;
  case DType::BF16:
    for (uint64_t i = 0; i < count; ++i) {
      uint16_t h;
      std::memcpy(&h, p + 2 * (first + i), 2);
      out[i] = num::bf16ToF32(h);
    }
    return;
  case DType::F32:
    for (uint64_t i = 0; i < count; ++i) {
      float f;
      std::memcpy(&f, p + 4 * (first + i), 4);
      out[i] = num::roundToHf32(f);
    }
    return;
  case DType::E4M3:
    for (uint64_t i = 0; i < count; ++i)
      out[i] = tab.e4m3[p[first + i]];
    return;
  case DType::E5M2:
    for (uint64_t i = 0; i < count; ++i)
      out[i] = tab.e5m2[p[first + i]];
    return;
  case DType::F4:
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t e = first + i;
      out[i] = tab.f4[(p[e / 2] >> (4 * (e % 2))) & 0xF];
    }
    return;
  default:
    for (uint64_t i = 0; i < count; ++i)
      out[i] = 0;
  }
}

/// dst[c][r] = src[r][c] for a rows x cols tile (row strides in floats).
void transposePortable(const float *src, uint64_t srcStride, float *dst, uint64_t dstStride,
                       uint64_t rows, uint64_t cols) {
  for (uint64_t c = 0; c < cols; ++c)
    for (uint64_t r = 0; r < rows; ++r)
      dst[c * dstStride + r] = src[r * srcStride + c];
}

#ifdef PAGODA_X86
/// The same, 8 x 8 tiles at a time (rows and cols multiples of 8).
__attribute__((target("avx2"))) void transposeAvx2(const float *src, uint64_t srcStride, float *dst,
                                                   uint64_t dstStride, uint64_t rows,
                                                   uint64_t cols) {
  for (uint64_t r0 = 0; r0 < rows; r0 += 8)
    for (uint64_t c0 = 0; c0 < cols; c0 += 8) {
      const float *s = src + r0 * srcStride + c0;
      __m256 r[8];
      for (int i = 0; i < 8; ++i)
        r[i] = _mm256_loadu_ps(s + i * srcStride);
      __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
      __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
      __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
      __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
      __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
      __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
      __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
      __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
      float *d = dst + c0 * dstStride + r0;
      _mm256_storeu_ps(d + 0 * dstStride, _mm256_permute2f128_ps(u0, u4, 0x20));
      _mm256_storeu_ps(d + 1 * dstStride, _mm256_permute2f128_ps(u1, u5, 0x20));
      _mm256_storeu_ps(d + 2 * dstStride, _mm256_permute2f128_ps(u2, u6, 0x20));
      _mm256_storeu_ps(d + 3 * dstStride, _mm256_permute2f128_ps(u3, u7, 0x20));
      _mm256_storeu_ps(d + 4 * dstStride, _mm256_permute2f128_ps(u0, u4, 0x31));
      _mm256_storeu_ps(d + 5 * dstStride, _mm256_permute2f128_ps(u1, u5, 0x31));
      _mm256_storeu_ps(d + 6 * dstStride, _mm256_permute2f128_ps(u2, u6, 0x31));
      _mm256_storeu_ps(d + 7 * dstStride, _mm256_permute2f128_ps(u3, u7, 0x31));
    }
}
#endif

void blockF32Portable(const float *a, uint64_t lda, const float *b, uint64_t ldb, float *acc,
                      uint64_t ldc, uint64_t K) {
  float c[kRows][kCols];
  for (uint64_t r = 0; r < kRows; ++r)
    std::memcpy(c[r], acc + r * ldc, sizeof(c[r]));
  for (uint64_t kk = 0; kk < K; ++kk) {
    const float *brow = b + kk * ldb;
    for (uint64_t r = 0; r < kRows; ++r) {
      const float av = a[r * lda + kk];
      for (uint64_t j = 0; j < kCols; ++j)
        c[r][j] += av * brow[j];
    }
  }
  for (uint64_t r = 0; r < kRows; ++r)
    std::memcpy(acc + r * ldc, c[r], sizeof(c[r]));
}

#ifdef PAGODA_X86
/// acc[4][16] += A[4][K] x B[K][16] with eight FMA chains in registers.
__attribute__((target("avx2,fma"))) void blockF32Avx2(const float *a, uint64_t lda, const float *b,
                                                      uint64_t ldb, float *acc, uint64_t ldc,
                                                      uint64_t K) {
  float *r0 = acc, *r1 = acc + ldc, *r2 = acc + 2 * ldc, *r3 = acc + 3 * ldc;
  __m256 c00 = _mm256_loadu_ps(r0), c01 = _mm256_loadu_ps(r0 + 8);
  __m256 c10 = _mm256_loadu_ps(r1), c11 = _mm256_loadu_ps(r1 + 8);
  __m256 c20 = _mm256_loadu_ps(r2), c21 = _mm256_loadu_ps(r2 + 8);
  __m256 c30 = _mm256_loadu_ps(r3), c31 = _mm256_loadu_ps(r3 + 8);
  const float *a0 = a, *a1 = a + lda, *a2 = a + 2 * lda, *a3 = a + 3 * lda;
  for (uint64_t kk = 0; kk < K; ++kk) {
    const __m256 b0 = _mm256_loadu_ps(b + kk * ldb), b1 = _mm256_loadu_ps(b + kk * ldb + 8);
    __m256 av = _mm256_broadcast_ss(a0 + kk);
    c00 = _mm256_fmadd_ps(av, b0, c00);
    c01 = _mm256_fmadd_ps(av, b1, c01);
    av = _mm256_broadcast_ss(a1 + kk);
    c10 = _mm256_fmadd_ps(av, b0, c10);
    c11 = _mm256_fmadd_ps(av, b1, c11);
    av = _mm256_broadcast_ss(a2 + kk);
    c20 = _mm256_fmadd_ps(av, b0, c20);
    c21 = _mm256_fmadd_ps(av, b1, c21);
    av = _mm256_broadcast_ss(a3 + kk);
    c30 = _mm256_fmadd_ps(av, b0, c30);
    c31 = _mm256_fmadd_ps(av, b1, c31);
  }
  _mm256_storeu_ps(r0, c00);
  _mm256_storeu_ps(r0 + 8, c01);
  _mm256_storeu_ps(r1, c10);
  _mm256_storeu_ps(r1 + 8, c11);
  _mm256_storeu_ps(r2, c20);
  _mm256_storeu_ps(r2 + 8, c21);
  _mm256_storeu_ps(r3, c30);
  _mm256_storeu_ps(r3 + 8, c31);
}
#endif

#ifdef PAGODA_X86
/// acc[6][16] += A[6][K] x B[K][16]: twelve FMA chains hide the FMA latency
/// better than eight.
__attribute__((target("avx2,fma"))) void block6F32Avx2(const float *a, uint64_t lda, const float *b,
                                                       uint64_t ldb, float *acc, uint64_t ldc,
                                                       uint64_t K) {
  __m256 c00 = _mm256_loadu_ps(acc + 0 * ldc), c01 = _mm256_loadu_ps(acc + 0 * ldc + 8);
  __m256 c10 = _mm256_loadu_ps(acc + 1 * ldc), c11 = _mm256_loadu_ps(acc + 1 * ldc + 8);
  __m256 c20 = _mm256_loadu_ps(acc + 2 * ldc), c21 = _mm256_loadu_ps(acc + 2 * ldc + 8);
  __m256 c30 = _mm256_loadu_ps(acc + 3 * ldc), c31 = _mm256_loadu_ps(acc + 3 * ldc + 8);
  __m256 c40 = _mm256_loadu_ps(acc + 4 * ldc), c41 = _mm256_loadu_ps(acc + 4 * ldc + 8);
  __m256 c50 = _mm256_loadu_ps(acc + 5 * ldc), c51 = _mm256_loadu_ps(acc + 5 * ldc + 8);
  for (uint64_t kk = 0; kk < K; ++kk) {
    const __m256 b0 = _mm256_loadu_ps(b + kk * ldb), b1 = _mm256_loadu_ps(b + kk * ldb + 8);
    __m256 av;
    av = _mm256_broadcast_ss(a + 0 * lda + kk);
    c00 = _mm256_fmadd_ps(av, b0, c00);
    c01 = _mm256_fmadd_ps(av, b1, c01);
    av = _mm256_broadcast_ss(a + 1 * lda + kk);
    c10 = _mm256_fmadd_ps(av, b0, c10);
    c11 = _mm256_fmadd_ps(av, b1, c11);
    av = _mm256_broadcast_ss(a + 2 * lda + kk);
    c20 = _mm256_fmadd_ps(av, b0, c20);
    c21 = _mm256_fmadd_ps(av, b1, c21);
    av = _mm256_broadcast_ss(a + 3 * lda + kk);
    c30 = _mm256_fmadd_ps(av, b0, c30);
    c31 = _mm256_fmadd_ps(av, b1, c31);
    av = _mm256_broadcast_ss(a + 4 * lda + kk);
    c40 = _mm256_fmadd_ps(av, b0, c40);
    c41 = _mm256_fmadd_ps(av, b1, c41);
    av = _mm256_broadcast_ss(a + 5 * lda + kk);
    c50 = _mm256_fmadd_ps(av, b0, c50);
    c51 = _mm256_fmadd_ps(av, b1, c51);
  }
  _mm256_storeu_ps(acc + 0 * ldc, c00);
  _mm256_storeu_ps(acc + 0 * ldc + 8, c01);
  _mm256_storeu_ps(acc + 1 * ldc, c10);
  _mm256_storeu_ps(acc + 1 * ldc + 8, c11);
  _mm256_storeu_ps(acc + 2 * ldc, c20);
  _mm256_storeu_ps(acc + 2 * ldc + 8, c21);
  _mm256_storeu_ps(acc + 3 * ldc, c30);
  _mm256_storeu_ps(acc + 3 * ldc + 8, c31);
  _mm256_storeu_ps(acc + 4 * ldc, c40);
  _mm256_storeu_ps(acc + 4 * ldc + 8, c41);
  _mm256_storeu_ps(acc + 5 * ldc, c50);
  _mm256_storeu_ps(acc + 5 * ldc + 8, c51);
}
#endif

void blockS32(const int32_t *a, uint64_t lda, const int32_t *b, uint64_t ldb, uint32_t *acc,
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

/// Row-major tiles of the operands, from their fractal layouts.
template <typename T> struct Tiles {
  std::vector<T> a, b; // m x k and k x n
};

} // namespace

void mmadFunctional(DType dt, const uint8_t *a, const uint8_t *b, uint8_t *c, const uint8_t *bias,
                    uint64_t m, uint64_t k, uint64_t n, bool init) {
  const uint64_t k0 = 256 / isa::dtypeBits(dt);
  const uint64_t perFractal = 16 * k0;
  const uint64_t kBlocks = k / k0, nBlocks = n / 16, mBlocks = m / 16;

  // Scratch tiles are reused across calls (one set per host thread).
  thread_local std::vector<float> accF, A, B;
  thread_local std::vector<uint32_t> accI;
  thread_local std::vector<int32_t> Ai, Bi;
  const bool integer = dt == DType::S8;
  // C (row-major m x n): from L0C (NZ), the bias row, or 0. Rows are copied
  // as raw 32-bit words.
  uint8_t *accBytes;
  if (integer) {
    accI.assign(m * n, 0);
    accBytes = reinterpret_cast<uint8_t *>(accI.data());
  } else {
    accF.assign(m * n, 0.0f);
    accBytes = reinterpret_cast<uint8_t *>(accF.data());
  }
  if (!init) {
    for (uint64_t l = 0; l < nBlocks; ++l)
      for (uint64_t i = 0; i < m; ++i)
        std::memcpy(accBytes + (i * n + l * 16) * 4,
                    c + ((l * mBlocks + i / 16) * 256 + (i % 16) * 16) * 4, 64);
  } else if (bias) {
    for (uint64_t i = 0; i < m; ++i)
      std::memcpy(accBytes + i * n * 4, bias, n * 4);
  }

  if (k && integer) {
    Ai.resize(m * k);
    Bi.resize(k * n);
    for (uint64_t i = 0; i < m; ++i)
      for (uint64_t kk = 0; kk < k; ++kk)
        Ai[i * k + kk] = int8_t(a[((i / 16) * kBlocks + kk / k0) * 512 + (i % 16) * k0 + kk % k0]);
    for (uint64_t kk = 0; kk < k; ++kk)
      for (uint64_t j = 0; j < n; ++j)
        Bi[kk * n + j] = int8_t(b[((kk / k0) * nBlocks + j / 16) * 512 + (j % 16) * k0 + kk % k0]);
    for (uint64_t i = 0; i < m; i += kRows)
      for (uint64_t j = 0; j < n; j += kCols) {
        uint32_t tile[kRows * kCols];
        for (uint64_t r = 0; r < kRows; ++r)
          std::memcpy(&tile[r * kCols], &accI[(i + r) * n + j], kCols * 4);
        blockS32(&Ai[i * k], k, &Bi[j], n, tile, k);
        for (uint64_t r = 0; r < kRows; ++r)
          std::memcpy(&accI[(i + r) * n + j], &tile[r * kCols], kCols * 4);
      }
  } else if (k) {
#ifdef PAGODA_X86
    const bool avx2 = hostHasAvx2();
#else
    const bool avx2 = false;
#endif
    // A: each zZ fractal is 16 rows of k0 elements: unpack it and place rows.
    A.resize(m * k);
    B.resize(k * n);
    thread_local std::vector<float> frac;
    frac.resize(perFractal);
    for (uint64_t i = 0; i < mBlocks; ++i)
      for (uint64_t j = 0; j < kBlocks; ++j) {
        unpack(dt, a, (i * kBlocks + j) * perFractal, perFractal, frac.data());
        for (uint64_t r = 0; r < 16; ++r)
          std::copy_n(&frac[r * k0], k0, &A[(i * 16 + r) * k + j * k0]);
      }
    // B: each nZ fractal holds 16 columns of k0 elements: transpose it.
    for (uint64_t j = 0; j < kBlocks; ++j)
      for (uint64_t l = 0; l < nBlocks; ++l) {
        unpack(dt, b, (j * nBlocks + l) * perFractal, perFractal, frac.data());
        float *dst = &B[j * k0 * n + l * 16];
#ifdef PAGODA_X86
        if (avx2)
          transposeAvx2(frac.data(), k0, dst, n, 16, k0);
        else
#endif
          transposePortable(frac.data(), k0, dst, n, 16, k0);
      }
    float *C = accF.data();
    // Column blocks outside: a K x 16 panel of B (16 KiB at K = 256) stays
    // in the host's L1 while every row block of A streams past it.
    for (uint64_t j = 0; j < n; j += kCols) {
      uint64_t i = 0;
#ifdef PAGODA_X86
      if (avx2) {
        // Rows in blocks of 6, the rest (m is a multiple of 16) in blocks of 4.
        for (; i + 6 <= m && m - i - 6 != 2; i += 6)
          block6F32Avx2(&A[i * k], k, &B[j], n, &C[i * n + j], n, k);
        for (; i < m; i += kRows)
          blockF32Avx2(&A[i * k], k, &B[j], n, &C[i * n + j], n, k);
        continue;
      }
#endif
      for (; i < m; i += kRows)
        blockF32Portable(&A[i * k], k, &B[j], n, &C[i * n + j], n, k);
      (void)avx2;
    }
  }

  for (uint64_t l = 0; l < nBlocks; ++l)
    for (uint64_t i = 0; i < m; ++i)
      std::memcpy(c + ((l * mBlocks + i / 16) * 256 + (i % 16) * 16) * 4,
                  accBytes + (i * n + l * 16) * 4, 64);
}

/// Whether the vectorized path is in use (reported by benchmarks).
bool mmadUsesAvx2() {
#ifdef PAGODA_X86
  return hostHasAvx2();
#else
  return false;
#endif
}

} // namespace pagoda::sim::detail
