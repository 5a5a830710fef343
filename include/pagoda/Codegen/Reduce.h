//===- Reduce.h - Vector kernels for reductions over rows -------*- C++ -*-===//
//
// Y[b][c] = reduce over r of X[b][r][c] (sum, mean or max) on the vector
// cores (docs/codegen.md): the form a reduction over the spatial axes of a
// channels-last tensor takes (global average and max pooling), with the
// channels as lanes. A tile is one image's chunk of channels; its rows
// stream through UB in blocks (two buffers), and one instruction per block
// and lane chunk folds the block into the accumulator: a repeat per row,
// the accumulator at repeat stride 0 (repeats run in order, each reading
// what the one before wrote). Mean multiplies by 1/R at the end.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_CODEGEN_REDUCE_H
#define PAGODA_CODEGEN_REDUCE_H

#include "pagoda/Codegen/Buffers.h"
#include "pagoda/ISA/Program.h"
#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pagoda::codegen {

enum class ReduceOp { Sum, Mean, Max };

struct ReduceKernel {
  std::string name;
  isa::DType type = isa::DType::F32; ///< f32 or f16
  ReduceOp op = ReduceOp::Sum;
  uint64_t batch = 1, rows = 0, cols = 0;
};

struct ReducePlan {
  uint32_t blockDim = 0;
  uint32_t vectorCores = 0;
  uint64_t channels = 0;  ///< columns per tile (a divisor of cols)
  uint64_t blockRows = 0; ///< rows per UB block
  uint64_t tiles = 0;
  double predictedCycles = 0;
  std::string describe() const;
};

struct GeneratedReduce {
  std::string assembly;
  isa::Program program;
  std::vector<BufferUse> buffers; ///< on-chip placement, verified
  std::vector<uint64_t> argBytes; ///< GM bytes of each kernel argument, in order
  ReducePlan plan;
};

Result<ReducePlan> planReduce(const ReduceKernel &kernel, const target::TargetDesc &target,
                              unsigned rank = 0);
/// Kernel arguments: X, Y.
Result<GeneratedReduce> generateReduce(const ReduceKernel &kernel, const target::TargetDesc &target,
                                       unsigned rank = 0);

/// The kernel's exact result: per column, rows folded in order in the
/// element type (max: NaN if any is), mean scaled by 1/rows rounded to the
/// type. Operands as floats (f16 kernels: values of f16).
std::vector<float> evaluateReduce(const ReduceKernel &k, const std::vector<float> &x);

} // namespace pagoda::codegen

#endif // PAGODA_CODEGEN_REDUCE_H
