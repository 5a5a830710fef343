//===- Movement.h - Data-movement kernels: concat, upsampling ---*- C++ -*-===//
//
// Kernels that only move data, by DMA through UB on the vector cores
// (docs/codegen.md, "Data movement"):
//
// - Concat: inputs viewed as [outer][L_i] (L_i = the concat axis' extent
//   times the elements after it) joined into rows of sum(L_i). A tile of
//   rows of every input comes in contiguously and leaves as strided bursts
//   into its column range of the output rows.
// - Nearest upsampling by integer factors of a tensor viewed as
//   [outer][H][W][E] (a channels-last image, E the channels): each input
//   row of W blocks comes in once and leaves sh x sw times, one DMA per
//   output row and column phase (bursts of one block, sw - 1 blocks apart).
//
// - Slice of one axis: the input viewed as [outer][length][inner], rows of
//   count x inner elements from `start` on, byte-granular (any element
//   alignment): tiles of rows in with one padded DMA, out with one. With a
//   step, each output row comes in as `count` bursts `step` blocks apart.
//
// - Pad of rows to whole 32-byte blocks: rows of `length` elements in,
//   zero-filled to the next block (one padded DMA in, one out); the
//   16-bit attention heads whose batches are not DMA-aligned (40 x 15 f16)
//   go to the cube this way, and a slice brings the result back.
//
// - Gather along one axis: data viewed as [outer][length][inner], `count`
//   indices (int32 or int64, negative ones counting from the end), output
//   [outer][count][inner]; GatherND the same with index tuples over the
//   slab's leading dims, `count` of them per outer slab (batch_dims). The scalar unit reads each
//   index (from UB when the indices fit a quarter of it, else from GM), checks it and issues one
//   DMA of the row it names; a tile of rows leaves with one DMA. An index outside [-length, length)
//   stops the launch (`trap`, code isa::kTrapIndexOutOfRange, the index its value).
//
// - ScatterND (reduction none): data viewed as [rows][inner], rows the
//   product of the leading `dims` one index tuple addresses; output = data
//   with row `tuple j` replaced by updates row j. Every core copies its
//   tiles of data rows, the cores meet at a cross-core barrier, then each
//   loads its tiles of update rows (one DMA) and stores each row where its
//   tuple says (the scalar unit reads and checks the tuple; out of range:
//   `trap`, as the gather). Duplicate tuples (undefined in ONNX) land in an
//   unspecified order.
//
// Concat and upsampling rows, blocks and offsets must be whole 32-byte
// units.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_CODEGEN_MOVEMENT_H
#define PAGODA_CODEGEN_MOVEMENT_H

#include "pagoda/Codegen/Buffers.h"
#include "pagoda/ISA/Program.h"
#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pagoda::codegen {

struct ConcatKernel {
  std::string name;
  unsigned elementBytes = 4;
  uint64_t outer = 1;
  std::vector<uint64_t> lengths; ///< L_i, elements per row of each input
};

struct UpsampleKernel {
  std::string name;
  unsigned elementBytes = 4;
  uint64_t outer = 1, h = 0, w = 0, block = 0; ///< block: elements moved together (E)
  uint64_t sh = 1, sw = 1;                     ///< integer factors
};

struct SliceKernel {
  std::string name;
  unsigned elementBytes = 4;
  uint64_t outer = 1, length = 0, inner = 1; ///< the input as [outer][length][inner]
  uint64_t start = 0, count = 0;             ///< along `length`
  uint64_t step = 1; ///< > 1: every step-th block of `inner` (one burst each)
};

struct PadKernel {
  std::string name;
  unsigned elementBytes = 2;
  uint64_t outer = 1, length = 0; ///< the input as [outer][length]
  /// Elements of an output row: length rounded up to whole 32-byte blocks.
  uint64_t padded() const;
};

struct GatherKernel {
  std::string name;
  unsigned elementBytes = 4;
  unsigned indexBytes = 8;                   ///< 4 (int32) or 8 (int64)
  uint64_t outer = 1, length = 0, inner = 1; ///< data as [outer][length][inner]
  uint64_t count = 0;                        ///< indices (per outer slab for GatherND)
  /// GatherND: each row is named by a tuple of dims.size() indices over
  /// `dims` (their product is the slab's rows; `length` is unused), and
  /// each outer slab has its own `count` tuples (indices [outer][count]
  /// [depth]). Empty: Gather (one index over `length`, the same `count`
  /// indices for every slab).
  std::vector<uint64_t> dims;
  uint64_t slabRows() const;   ///< rows of one outer slab of data
  uint64_t indexCount() const; ///< index values the kernel reads
};

struct ScatterKernel {
  std::string name;
  unsigned elementBytes = 4;
  unsigned indexBytes = 8;
  std::vector<uint64_t> dims; ///< data's leading axes, one index each (the tuple depth)
  uint64_t inner = 1;         ///< elements of the slice a tuple names
  uint64_t count = 0;         ///< index tuples (update rows)
  uint64_t rows() const;      ///< data rows: the product of dims
};

/// What the planners choose: rows of the (input) tensor per tile.
struct MovementPlan {
  uint32_t blockDim = 0;
  uint32_t vectorCores = 0;
  uint64_t tileRows = 0, tiles = 0;
  bool indicesInUb = false; ///< gather, scatter: each core loads the indices into UB once
  double predictedCycles = 0;
  std::string describe() const;
};

struct GeneratedMovement {
  std::string assembly;
  isa::Program program;
  std::vector<BufferUse> buffers; ///< on-chip placement, verified
  std::vector<uint64_t> argBytes; ///< GM bytes of each kernel argument, in order
  MovementPlan plan;
};

Result<MovementPlan> planConcat(const ConcatKernel &kernel, const target::TargetDesc &target,
                                unsigned rank = 0);
/// Kernel arguments: the inputs in order, Y.
Result<GeneratedMovement> generateConcat(const ConcatKernel &kernel,
                                         const target::TargetDesc &target, unsigned rank = 0);

/// Rows are the `outer` output rows of count x inner elements.
Result<MovementPlan> planSlice(const SliceKernel &kernel, const target::TargetDesc &target,
                               unsigned rank = 0);
/// Kernel arguments: X, Y.
Result<GeneratedMovement> generateSlice(const SliceKernel &kernel, const target::TargetDesc &target,
                                        unsigned rank = 0);

/// Rows are the `outer` rows.
Result<MovementPlan> planPad(const PadKernel &kernel, const target::TargetDesc &target,
                             unsigned rank = 0);
/// Kernel arguments: X, Y.
Result<GeneratedMovement> generatePad(const PadKernel &kernel, const target::TargetDesc &target,
                                      unsigned rank = 0);

/// Rows are the outer x H input rows of W blocks.
Result<MovementPlan> planUpsample(const UpsampleKernel &kernel, const target::TargetDesc &target,
                                  unsigned rank = 0);
/// Kernel arguments: X, Y.
Result<GeneratedMovement> generateUpsample(const UpsampleKernel &kernel,
                                           const target::TargetDesc &target, unsigned rank = 0);

/// Rows are the outer x count output rows of inner elements.
Result<MovementPlan> planGather(const GatherKernel &kernel, const target::TargetDesc &target,
                                unsigned rank = 0);
/// Kernel arguments: data, indices, Y.
Result<GeneratedMovement> generateGather(const GatherKernel &kernel,
                                         const target::TargetDesc &target, unsigned rank = 0);

/// Rows (per tile, in both phases) are rows of inner elements: data rows
/// copied, then update rows scattered.
Result<MovementPlan> planScatter(const ScatterKernel &kernel, const target::TargetDesc &target,
                                 unsigned rank = 0);
/// Kernel arguments: data, indices, updates, Y.
Result<GeneratedMovement> generateScatter(const ScatterKernel &kernel,
                                          const target::TargetDesc &target, unsigned rank = 0);

} // namespace pagoda::codegen

#endif // PAGODA_CODEGEN_MOVEMENT_H
