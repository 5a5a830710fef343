//===- Matmul.h - Cube kernels for matrix products --------------*- C++ -*-===//
//
// C[M,N] = A[M,K] x B[K,N] (+ bias) (ReLU) on the cube cores
// (docs/codegen.md). B arrives transposed (N x K row-major: weights are
// packed that way at compile time), so that nd2nz lays both operands in L1
// as the cube wants them. Output tiles of mt x nt are spread round-robin
// over the AI cores; each tile streams K in steps of kt through L1 and
// L0A/L0B with two buffers at each level and accumulates in one of two
// L0C buffers, so that loads, cube work and the FixPipe drain overlap.
//
// f16 and bf16 inputs take one pass. f32 inputs take three (the cube's f32
// mode rounds inputs to 11 significant bits): each operand is split into a
// high part (its top 11 significant bits, exact in that mode) and the rest,
// and the kernel accumulates hi.hi + hi.lo + lo.hi in f32, which leaves an
// error of about 2^-22 per product instead of 2^-11.
//
// Batched products (attention's Q.K^T and P.V) take `batch` independent
// A and C matrices, and one B per batch or one for all. A B computed at run
// time arrives K x N row-major: with a 16-bit input nd2nz lays its rows
// as K-major fractals and load2d's transpose turns each into the nZ form
// (f32 fractals cannot be transposed: the compiler transposes such a B
// first). Its last K step's padding rows are cleared from a zero argument.
//
// When M x N is too small to fill the chip (one batch), K may be split
// (MatmulPlan::kSplit): tiles of each K range write f32 partial products,
// and a vector kernel (GeneratedMatmul::reduction) sums them, adds the
// bias, applies ReLU and converts to the output type.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_CODEGEN_MATMUL_H
#define PAGODA_CODEGEN_MATMUL_H

#include "pagoda/Codegen/Buffers.h"
#include "pagoda/Codegen/Elementwise.h"
#include "pagoda/ISA/Program.h"
#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pagoda::codegen {

struct MatmulKernel {
  std::string name;
  isa::DType input = isa::DType::F16;  ///< f16, bf16, f32 (three passes) or s8
  isa::DType output = isa::DType::F32; ///< f32, f16 or bf16 (FixPipe converts);
                                       ///< s8 inputs: s32, or with `scale` f32, f16, s8
  uint64_t m = 0, k = 0, n = 0;
  bool bias = false; ///< add an f32 row of n elements (s8 inputs: int32, exact)
  bool relu = false;
  uint64_t batch = 1;     ///< independent products (A and C per batch)
  bool bPerBatch = false; ///< one B per batch (else one for all)
  bool bKxN = false;      ///< B is K x N row-major (16-bit inputs), not B^T
  /// The planner may split K (the caller then runs GeneratedMatmul::
  /// reduction after the kernel).
  bool kSplitAllowed = false;
  /// s8 inputs: FixPipe multiplies the exact s32 accumulators (bias
  /// included) by this (in f32) and converts, s8 rounding half to even and
  /// saturating; without it the accumulators are written as s32. No K
  /// split on s8.
  std::optional<float> scale;
};

/// Kernel arguments, in order: A (batch x M x K row-major; for f32 its high
/// and low parts, two arguments), B^T (N x K row-major, or B K x N with
/// bKxN, per batch when bPerBatch; f32: high and low), the f32 (s8: int32) bias if any
/// (n elements, zero-padded to a multiple of 8: it moves in 32-byte
/// blocks), zeros if matmulZeroBytes says so, C (batch x M x N row-major).
unsigned matmulArgCount(const MatmulKernel &k);
/// Bytes of the zero argument (0: none): a K x N B whose K is not a
/// multiple of 16 has its padding rows cleared from it.
uint64_t matmulZeroBytes(const MatmulKernel &k);

struct MatmulPlan {
  uint32_t blockDim = 0;
  uint64_t mt = 0, nt = 0, kt = 0; ///< tile sizes
  uint64_t tiles = 0;
  /// K ranges of kc columns (a multiple of kt; the last may be shorter)
  /// computed by separate tiles: 1, or the partial-product plan.
  uint64_t kSplit = 1, kc = 0;
  double predictedCycles = 0; ///< launch overhead included (the reduction's too)
  std::string describe() const;
};

struct GeneratedMatmul {
  std::string assembly;
  isa::Program program;
  std::vector<BufferUse> buffers; ///< on-chip placement, verified
  std::vector<uint64_t> argBytes; ///< GM bytes of each kernel argument, in order
  MatmulPlan plan;
  /// kSplit > 1: the cube kernel takes no bias and writes kSplit f32
  /// partial products ([M][N] each, consecutive) as its last argument;
  /// this vector kernel's arguments are those partials (one argument
  /// each), the bias row if any, then C.
  std::optional<ElementwiseKernel> reduction;
};

/// The vector kernel that sums `ranges` partial products of `k` (in
/// order, in f32), adds the bias row, applies ReLU and converts to k.output.
ElementwiseKernel matmulReduction(const MatmulKernel &k, uint64_t ranges);

/// Checks the kernel against `target` (cube mode, paths, sizes) and
/// chooses its tiles by the cost model, without generating code.
Result<MatmulPlan> planMatmul(const MatmulKernel &kernel, const target::TargetDesc &target,
                              unsigned rank = 0);

/// Plans the kernel and generates it.
Result<GeneratedMatmul> generateMatmul(const MatmulKernel &kernel, const target::TargetDesc &target,
                                       unsigned rank = 0);

/// Splits f32 values into the high part the cube's f32 mode holds exactly
/// (the top 11 significant bits) and the exact remainder.
void splitHf32(const float *in, size_t n, float *hi, float *lo);
/// The mask that keeps an f32's sign, exponent and top 10 stored mantissa bits.
inline constexpr uint32_t kHf32HighMask = 0xFFFFE000u;

/// The kernel's exact result as the ISA defines it (accumulation in k
/// order per step and pass; with kc, each K range of kc columns from zero,
/// the ranges then summed in order, the bias last, as the reduction does),
/// for tests. Operands as the kernel takes them
/// (B as B^T even with bKxN; per batch when bPerBatch): a and bt hold the
/// element bits (f32: hi parts; aLo/btLo the low parts).
std::vector<float> evaluateMatmul(const MatmulKernel &k, const std::vector<uint32_t> &a,
                                  const std::vector<uint32_t> &bt, const std::vector<uint32_t> &aLo,
                                  const std::vector<uint32_t> &btLo, const std::vector<float> &bias,
                                  uint64_t kt, uint64_t kc = 0);

} // namespace pagoda::codegen

#endif // PAGODA_CODEGEN_MATMUL_H
