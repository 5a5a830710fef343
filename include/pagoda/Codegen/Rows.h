//===- Rows.h - Vector kernels along the last axis ---------------*- C++ -*-===//
//
// Reductions, softmax and layer normalization over the innermost axis of a
// tensor viewed as [R][C] (docs/codegen.md, "Row kernels"): each row is one
// reduction. Tiles of whole rows stream through UB (two buffers); every row
// starts at a repeat boundary, so a row's k-th repeat sits at the same
// offset in every row and one instruction covers a repeat of every row of
// the tile (or, for rows longer than a repeat stride can span, one
// instruction per row). A row folds lane-wise into a one-repeat accumulator
// (the last repeat masked), `vcadd`/`vcmax`/`vcmin` finish each row, and
// `vbrcb` spreads per-row values (max, sum, mean, deviation) back as
// 32-byte blocks that a stride-0 operand reads.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_CODEGEN_ROWS_H
#define PAGODA_CODEGEN_ROWS_H

#include "pagoda/Codegen/Buffers.h"
#include "pagoda/ISA/Program.h"
#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pagoda::codegen {

enum class RowOp { Sum, Mean, Max, Min, Softmax, LogSoftmax, LayerNorm };

/// Whether the op writes one value per row (the reductions) rather than a row.
inline bool reducesRows(RowOp op) { return op <= RowOp::Min; }

struct RowKernel {
  std::string name;
  isa::DType type = isa::DType::F32; ///< f32 or f16 tensors (computed in f32: sums and exponentials
                                     ///< need its range)
  RowOp op = RowOp::Sum;
  uint64_t rows = 0, cols = 0;
  float epsilon = 1e-5f;            ///< LayerNorm
  bool scale = false, bias = false; ///< LayerNorm: per-column scale and bias inputs
  /// LayerNorm: a scale and a bias per row instead (two inputs of R f32
  /// values; instance norm's per-channel values for its N x C rows).
  bool rowAffine = false;
};

struct RowPlan {
  uint32_t blockDim = 0;
  uint32_t vectorCores = 0;
  uint64_t tileRows = 0; ///< rows per tile (the last tile may have fewer)
  uint64_t tiles = 0;
  bool perRow = false; ///< one instruction per row (long rows) instead of per repeat
  double predictedCycles = 0;
  std::string describe() const;
};

struct GeneratedRows {
  std::string assembly;
  isa::Program program;
  std::vector<BufferUse> buffers; ///< on-chip placement, verified
  std::vector<uint64_t> argBytes; ///< GM bytes of each kernel argument, in order
  RowPlan plan;
};

Result<RowPlan> planRows(const RowKernel &kernel, const target::TargetDesc &target,
                         unsigned rank = 0);
/// Kernel arguments: X, the scale and bias when set (or the per-row scale
/// and bias), Y ([R] for the reductions, [R][C] otherwise).
Result<GeneratedRows> generateRows(const RowKernel &kernel, const target::TargetDesc &target,
                                   unsigned rank = 0);

/// The kernel's exact result (f32): each row folded lane-wise in repeat
/// order into 256 / 4 lanes, the lanes combined by a pairwise tree, then
/// the op's per-row arithmetic as the kernel does it (softmax: x - max,
/// exp, sum, divide; layer norm: mean and variance by multiplying with
/// 1/C, sqrt(var + eps) rounded once, divide, scale, bias; per-row ones
/// index scale and bias by row).
std::vector<float> evaluateRows(const RowKernel &k, const std::vector<float> &x,
                                const std::vector<float> &scale = {},
                                const std::vector<float> &bias = {});

} // namespace pagoda::codegen

#endif // PAGODA_CODEGEN_ROWS_H
