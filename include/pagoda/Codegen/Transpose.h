//===- Transpose.h - Vector kernels for layout transposes -------*- C++ -*-===//
//
// Y[b][s][r] = X[b][r][s] on the vector cores (docs/codegen.md): the form
// every NCHW <-> NHWC conversion ([N][C][H*W] <-> [N][H*W][C]) and every
// 2-D transpose takes once adjacent dimensions are merged. A tile of
// `rt` x `st` elements comes into UB with byte-granular DMA, one vgather
// per up to 255 repeats reorders it through an index table (a constant
// argument, loaded once), and byte-granular DMA writes it out; two buffer
// sets overlap the three. Elements of 1, 2 or 4 bytes (the bits are moved,
// whatever the type).
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_CODEGEN_TRANSPOSE_H
#define PAGODA_CODEGEN_TRANSPOSE_H

#include "pagoda/Codegen/Buffers.h"
#include "pagoda/ISA/Program.h"
#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pagoda::codegen {

struct TransposeKernel {
  std::string name;
  unsigned elementBytes = 4; ///< 1, 2 or 4
  uint64_t batch = 1, rows = 0, cols = 0;
};

/// The batched transpose a permutation of `shape` is, once size-1
/// dimensions are dropped and dimensions that stay adjacent are merged:
/// [batch, rows, cols] -> [batch, cols, rows]; nothing when the permutation
/// moves data in another way.
std::optional<TransposeKernel> batchedTranspose(const std::vector<int64_t> &shape,
                                                const std::vector<int64_t> &perm);

struct TransposePlan {
  uint32_t blockDim = 0;
  uint32_t vectorCores = 0;
  uint64_t rt = 0, st = 0; ///< tile: rt source rows x st source columns
  uint64_t tiles = 0;
  double predictedCycles = 0;
  std::string describe() const;
};

struct GeneratedTranspose {
  std::string assembly;
  isa::Program program;
  std::vector<BufferUse> buffers; ///< on-chip placement, verified
  std::vector<uint64_t> argBytes; ///< GM bytes of each kernel argument, in order
  TransposePlan plan;
  /// The kernel's second argument: the vgather offsets (u32, bytes).
  std::vector<uint32_t> indexTable;
};

Result<TransposePlan> planTranspose(const TransposeKernel &kernel, const target::TargetDesc &target,
                                    unsigned rank = 0);
/// Kernel arguments: X, the index table, Y.
Result<GeneratedTranspose> generateTranspose(const TransposeKernel &kernel,
                                             const target::TargetDesc &target, unsigned rank = 0);

/// Y[b][s][r][e] = X[b][r][s][e]: blocks of `block` contiguous elements
/// move whole (attention's [0, 2, 1, 3], a pixel shuffle's [H][W][kh][kw*C]
/// -> [H][kh][W][kw*C]). Pure data movement: a tile of rt x st blocks comes
/// into UB with one strided DMA and leaves with one DMA per source column,
/// two buffers; blocks must be whole 32-byte units.
struct BlockTransposeKernel {
  std::string name;
  unsigned elementBytes = 4;
  uint64_t batch = 1, rows = 0, cols = 0, block = 1;
};

/// The block transpose a permutation of `shape` is once size-1 dimensions
/// are dropped and adjacent ones merged: [B][R][S][E] -> [B][S][R][E] with
/// E > 1 the dimensions that stay innermost.
std::optional<BlockTransposeKernel> blockTranspose(const std::vector<int64_t> &shape,
                                                   const std::vector<int64_t> &perm);

struct BlockTransposePlan {
  uint32_t blockDim = 0;
  uint32_t vectorCores = 0;
  uint64_t rt = 0, st = 0; ///< tile: rt source rows x st source columns (divisors)
  uint64_t tiles = 0;
  double predictedCycles = 0;
  std::string describe() const;
};

struct GeneratedBlockTranspose {
  std::string assembly;
  isa::Program program;
  std::vector<BufferUse> buffers; ///< on-chip placement, verified
  std::vector<uint64_t> argBytes; ///< GM bytes of each kernel argument, in order
  BlockTransposePlan plan;
};

Result<BlockTransposePlan> planBlockTranspose(const BlockTransposeKernel &kernel,
                                              const target::TargetDesc &target, unsigned rank = 0);
/// Kernel arguments: X, Y.
Result<GeneratedBlockTranspose> generateBlockTranspose(const BlockTransposeKernel &kernel,
                                                       const target::TargetDesc &target,
                                                       unsigned rank = 0);

} // namespace pagoda::codegen

#endif // PAGODA_CODEGEN_TRANSPOSE_H
