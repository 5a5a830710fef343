//===- Movement.cpp - Data-movement kernels: concat, upsampling -----------===//
//
// The program of each vector core (docs/codegen.md, "Data movement"):
//
//   for tile t = core, core + cores, ...      (rows t*T .. t*T + n)
//     MTE2  wait buf[t % 2] free; the tile's rows in (contiguous per input)
//     MTE3  wait loaded; strided DMAs out (concat: each input's rows into
//           its column range; upsampling: every input row sh x sw times);
//           buf free
//
// The row count's remainder is one last, shorter tile on the core whose
// turn it is.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Codegen/Movement.h"

#include "VectorWriter.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>

namespace pagoda::codegen {

namespace {

enum Reg : unsigned {
  kY = 1,
  kCore = 2,
  kTile = 3,
  kTiles = 4,
  kBuf = 5,
  kBufFlip = 6,
  kSrc = 7,
  kDst = 8,
  kA = 9,
  kLoop = 10,
  kTmp = 11,
  kTmp2 = 12,
  kFirstInput = 13, ///< x13...: the inputs' GM addresses
};
constexpr unsigned kMaxInputs = 31 - kFirstInput + 1;

/// The tile loop both kernels share; `body(n)` writes one tile of n rows
/// (tile index in kTile, buffer in kBuf).
class MovementWriter : protected VectorWriter {
protected:
  MovementWriter(const target::TargetDesc &t, const MovementPlan &p, uint64_t rows,
                 uint64_t tileBytes)
      : VectorWriter(t), p_(p), rows_(rows), tileBytes_(tileBytes) {}

  void tiles(const std::function<void(uint64_t)> &body) {
    line("movi x{}, 0", kBuf);
    line("movi x{}, {}", kBufFlip, tileBytes_);
    creditedTiles(kFreeFlags, {kCore, kTile, kTiles, kTmp}, rows_ / p_.tileRows, p_.tileRows,
                  rows_ % p_.tileRows, p_.vectorCores, body);
  }

  /// The program of a kernel of one input (argument 0) and its output
  /// (argument 1): the tile loop over `tile(n)`.
  std::string oneInput(const std::function<void(uint64_t)> &tile) {
    line("ldarg x{}, 0", kFirstInput);
    line("ldarg x{}, 1", kY);
    coreIndex(kCore, kTmp);
    tiles(tile);
    return take();
  }

  /// reg = base + kTile * stride.
  void offset(unsigned reg, unsigned base, uint64_t stride) {
    line("movi x{}, {}", kTmp, stride);
    line("mul x{}, x{}, x{}", reg, kTile, kTmp);
    line("add x{0}, x{0}, x{1}", reg, base);
  }

  /// The buffer is loaded (MTE2 -> MTE3) and, after the stores, free.
  void loaded() {
    line("setf mte2, mte3, 0");
    line("waitf mte2, mte3, 0");
  }
  void stored() {
    line("setf mte3, mte2, 0");
    line("xor x{0}, x{0}, x{1}", kBuf, kBufFlip);
  }

  /// value = the index at `addr` (`load`: ldu from UB or ldg from GM, `dt`
  /// s64 or s32) plus `length` when negative; an index outside [-length,
  /// length) runs `trap` with the index as given. `tag` keeps labels apart.
  void checkedIndex(const char *load, const char *dt, unsigned value, unsigned addr,
                    unsigned length, const std::string &tag) {
    line("{}.{} x{}, x{}", load, dt, value, addr);
    line("bge x{}, x0, index_positive_{}", value, tag);
    line("add x{0}, x{0}, x{1}", value, length);
    label("index_positive_" + tag);
    line("bltu x{}, x{}, index_ok_{}", value, length, tag);
    line("{}.{} x{}, x{}", load, dt, value, addr); // the index as given, for the error
    line("trap x{}, code={}", value, isa::kTrapIndexOutOfRange);
    label("index_ok_" + tag);
  }

  static constexpr const char *kFreeFlags[] = {"mte3, mte2, 0"};
  const MovementPlan &p_;
  uint64_t rows_, tileBytes_;
};

class ConcatEmitter : MovementWriter {
public:
  ConcatEmitter(const ConcatKernel &k, const MovementPlan &p, const target::TargetDesc &t)
      : MovementWriter(t, p, k.outer, p.tileRows * ubRow(k)), k_(k), total_(total(k)) {}

  /// UB bytes of one row of every input (each padded to whole 32-byte units).
  static uint64_t ubRow(const ConcatKernel &k) {
    uint64_t bytes = 0;
    for (uint64_t len : k.lengths)
      bytes += roundUp(len * k.elementBytes, 32);
    return bytes;
  }

  std::string run() {
    header(k_.name);
    comment("concat of {} inputs into rows of {} elements ({} bytes each), {} rows: {}",
            k_.lengths.size(), total_, k_.elementBytes, k_.outer, p_.describe());
    for (size_t i = 0; i < k_.lengths.size(); ++i)
      line("ldarg x{}, {}", kFirstInput + i, i);
    line("ldarg x{}, {}", kY, k_.lengths.size());
    coreIndex(kCore, kTmp);
    tiles([&](uint64_t n) { tile(n); });
    return take();
  }

private:
  static uint64_t total(const ConcatKernel &k) {
    return std::accumulate(k.lengths.begin(), k.lengths.end(), uint64_t(0));
  }

  void tile(uint64_t n) {
    const uint64_t size = k_.elementBytes;
    comment("a tile of {} rows", n);
    line("waitf mte3, mte2, 0");
    // Rows of partial 32-byte units move byte-granular, padded in UB; a
    // column range that is not whole units is written byte-granular too.
    uint64_t ub = 0;
    for (size_t i = 0; i < k_.lengths.size(); ++i) {
      const uint64_t bytes = k_.lengths[i] * size;
      offset(kSrc, kFirstInput + unsigned(i), p_.tileRows * bytes);
      line("addi x{}, x{}, {}", kA, kBuf, ub);
      if (bytes % 32 == 0)
        line("dma_gm_ub x{}, x{}, len={}", kA, kSrc, n * bytes / 32);
      else
        line("dmapad_gm_ub x{}, x{}, nburst={}, lenb={}", kA, kSrc, n, bytes);
      ub += p_.tileRows * roundUp(bytes, 32);
    }
    loaded();
    offset(kDst, kY, p_.tileRows * total_ * size);
    ub = 0;
    uint64_t column = 0;
    for (uint64_t len : k_.lengths) {
      const uint64_t bytes = len * size;
      line("addi x{}, x{}, {}", kA, kBuf, ub);
      line("addi x{}, x{}, {}", kTmp2, kDst, column * size);
      if (bytes % 32 == 0 && (column * size) % 32 == 0 && (total_ * size) % 32 == 0)
        line("dma_ub_gm x{}, x{}, nburst={}, len={}, dgap={}", kTmp2, kA, n, bytes / 32,
             (total_ - len) * size / 32);
      else
        line("dmapad_ub_gm x{}, x{}, nburst={}, lenb={}, gmgap={}", kTmp2, kA, n, bytes,
             (total_ - len) * size);
      ub += p_.tileRows * roundUp(bytes, 32);
      column += len;
    }
    stored();
  }

  const ConcatKernel &k_;
  uint64_t total_;
};

class UpsampleEmitter : MovementWriter {
public:
  UpsampleEmitter(const UpsampleKernel &k, const MovementPlan &p, const target::TargetDesc &t)
      : MovementWriter(t, p, k.outer * k.h,
                       p.tileRows * k.w * roundUp(k.block * k.elementBytes, 32)),
        k_(k), eb_(k.block * k.elementBytes), ebU_(roundUp(eb_, 32)) {}

  std::string run() {
    header(k_.name);
    comment("nearest upsampling of [{}][{}][{}][{}] by {} x {}, {}-byte elements: {}", k_.outer,
            k_.h, k_.w, k_.block, k_.sh, k_.sw, k_.elementBytes, p_.describe());
    return oneInput([&](uint64_t n) { tile(n); });
  }

private:
  void tile(uint64_t n) {
    // GM rows hold W blocks of eb bytes; UB pixels take whole 32-byte
    // units (blocks of partial units move byte-granular, padded in UB).
    const uint64_t rowBytes = k_.w * eb_, outRowBytes = rowBytes * k_.sw;
    const bool whole = eb_ == ebU_;
    comment("a tile of {} input rows", n);
    line("waitf mte3, mte2, 0");
    offset(kSrc, kFirstInput, p_.tileRows * rowBytes);
    if (whole)
      line("dma_gm_ub x{}, x{}, len={}", kBuf, kSrc, n * rowBytes / 32);
    else
      line("dmapad_gm_ub x{}, x{}, nburst={}, lenb={}", kBuf, kSrc, n * k_.w, eb_);
    loaded();
    // Input row q lands in output rows q*sh .. q*sh + sh - 1.
    offset(kDst, kY, p_.tileRows * k_.sh * outRowBytes);
    line("add x{}, x{}, x0", kA, kBuf);
    line("movi x{}, {}", kLoop, n);
    label(fmt::format("row_loop_{}", n));
    for (uint64_t i = 0; i < k_.sh; ++i)
      for (uint64_t j = 0; j < k_.sw; ++j) {
        line("addi x{}, x{}, {}", kTmp2, kDst, i * outRowBytes + j * eb_);
        if (whole)
          line("dma_ub_gm x{}, x{}, nburst={}, len={}, dgap={}", kTmp2, kA, k_.w, eb_ / 32,
               (k_.sw - 1) * eb_ / 32);
        else
          line("dmapad_ub_gm x{}, x{}, nburst={}, lenb={}, gmgap={}", kTmp2, kA, k_.w, eb_,
               (k_.sw - 1) * eb_);
      }
    line("addi x{0}, x{0}, {1}", kA, k_.w * ebU_);
    line("movi x{}, {}", kTmp, k_.sh * outRowBytes);
    line("add x{0}, x{0}, x{1}", kDst, kTmp);
    line("addi x{0}, x{0}, -1", kLoop);
    line("bne x{}, x0, row_loop_{}", kLoop, n);
    stored();
  }

  const UpsampleKernel &k_;
  uint64_t eb_, ebU_;
};

/// Pieces each output row of a slice is copied in: 1 when a row fits UB
/// twice, else the fewest equal pieces that do (each then a tile).
uint64_t slicePieces(const SliceKernel &k, uint64_t ub) {
  const uint64_t elems = k.count * k.inner;
  for (uint64_t p = 1; p <= elems; ++p)
    if (elems % p == 0 && 2 * roundUp(elems / p * k.elementBytes, 32) <= ub &&
        elems / p * k.elementBytes <= 0xFFFFFF)
      return p;
  return 0;
}

class SliceEmitter : MovementWriter {
public:
  SliceEmitter(const SliceKernel &k, const MovementPlan &p, const target::TargetDesc &t)
      : MovementWriter(t, p, k.outer * pieces(k, t), p.tileRows * ubRow(k, t)), k_(k),
        pieces_(pieces(k, t)) {}

  /// A strided slice moves whole rows (one piece).
  static uint64_t pieces(const SliceKernel &k, const target::TargetDesc &t) {
    return k.step > 1 ? 1 : slicePieces(k, t.buffer(target::MemSpace::UB).sizeBytes);
  }
  /// UB bytes of a tile's row (a piece of one).
  static uint64_t ubRow(const SliceKernel &k, const target::TargetDesc &t) {
    if (k.step > 1)
      return k.count * roundUp(k.inner * k.elementBytes, 32);
    return roundUp(k.count * k.inner * k.elementBytes / pieces(k, t), 32);
  }

  std::string run() {
    header(k_.name);
    comment("slice [{}][{}:{}:{}][{}] of [{}][{}][{}], {}-byte elements: {}", k_.outer, k_.start,
            k_.start + (k_.count - 1) * k_.step + 1, k_.step, k_.inner, k_.outer, k_.length,
            k_.inner, k_.elementBytes, p_.describe());
    return oneInput([&](uint64_t n) { tile(n); });
  }

private:
  void tile(uint64_t n) {
    const uint64_t size = k_.elementBytes, row = k_.count * k_.inner * size;
    const uint64_t inRow = k_.length * k_.inner * size, piece = row / pieces_;
    comment("a tile of {} rows", n);
    line("waitf mte3, mte2, 0");
    if (k_.step > 1) {
      stridedTile(n);
      return;
    }
    if (pieces_ == 1) {
      offset(kSrc, kFirstInput, p_.tileRows * inRow);
    } else {
      // Tile t is piece t % pieces of output row t / pieces (one a tile).
      line("movi x{}, {}", kTmp, pieces_);
      line("divu x{}, x{}, x{}", kA, kTile, kTmp);
      line("remu x{}, x{}, x{}", kTmp2, kTile, kTmp);
      line("movi x{}, {}", kTmp, inRow);
      line("mul x{0}, x{1}, x{2}", kSrc, kA, kTmp);
      line("movi x{}, {}", kTmp, piece);
      line("mul x{0}, x{0}, x{1}", kTmp2, kTmp);
      line("add x{0}, x{0}, x{1}", kSrc, kTmp2);
      line("add x{0}, x{0}, x{1}", kSrc, kFirstInput);
    }
    line("addi x{0}, x{0}, {1}", kSrc, k_.start * k_.inner * size);
    line("dmapad_gm_ub x{}, x{}, nburst={}, lenb={}, gmgap={}", kBuf, kSrc, n, piece, inRow - row);
    loaded();
    offset(kDst, kY, p_.tileRows * piece);
    line("dmapad_ub_gm x{}, x{}, nburst={}, lenb={}", kDst, kBuf, n, piece);
    stored();
  }

  /// Each output row as `count` bursts of a block, `step` blocks apart
  /// (one DMA a row, each burst padded in UB); the tile out with one DMA.
  void stridedTile(uint64_t n) {
    const uint64_t size = k_.elementBytes, block = k_.inner * size;
    const uint64_t inRow = k_.length * block, ubRow = k_.count * roundUp(block, 32);
    offset(kSrc, kFirstInput, p_.tileRows * inRow);
    line("addi x{0}, x{0}, {1}", kSrc, k_.start * block);
    line("add x{}, x{}, x0", kA, kBuf);
    line("movi x{}, {}", kLoop, n);
    label(fmt::format("strided_row_{}", n));
    line("dmapad_gm_ub x{}, x{}, nburst={}, lenb={}, gmgap={}", kA, kSrc, k_.count, block,
         (k_.step - 1) * block);
    line("addi x{0}, x{0}, {1}", kA, ubRow);
    line("movi x{}, {}", kTmp, inRow);
    line("add x{0}, x{0}, x{1}", kSrc, kTmp);
    line("addi x{0}, x{0}, -1", kLoop);
    line("bne x{}, x0, strided_row_{}", kLoop, n);
    loaded();
    offset(kDst, kY, p_.tileRows * k_.count * block);
    line("dmapad_ub_gm x{}, x{}, nburst={}, lenb={}", kDst, kBuf, n * k_.count, block);
    stored();
  }

  const SliceKernel &k_;
  uint64_t pieces_;
};

class PadEmitter : MovementWriter {
public:
  PadEmitter(const PadKernel &k, const MovementPlan &p, const target::TargetDesc &t)
      : MovementWriter(t, p, k.outer, p.tileRows * k.padded() * k.elementBytes), k_(k) {}

  std::string run() {
    header(k_.name);
    comment("pad [{}][{}] to [{}][{}], {}-byte elements: {}", k_.outer, k_.length, k_.outer,
            k_.padded(), k_.elementBytes, p_.describe());
    return oneInput([&](uint64_t n) { tile(n); });
  }

private:
  /// The rows in by one padded DMA (each burst's last block zero-filled:
  /// the padding), out contiguous.
  void tile(uint64_t n) {
    const uint64_t row = k_.length * k_.elementBytes, out = k_.padded() * k_.elementBytes;
    comment("a tile of {} rows", n);
    line("waitf mte3, mte2, 0");
    offset(kSrc, kFirstInput, p_.tileRows * row);
    line("dmapad_gm_ub x{}, x{}, nburst={}, lenb={}", kBuf, kSrc, n, row);
    loaded();
    offset(kDst, kY, p_.tileRows * out);
    line("dma_ub_gm x{}, x{}, len={}", kDst, kBuf, n * out / 32);
    stored();
  }

  const PadKernel &k_;
};

/// Scalar instructions a gather issues per row (index load, range check,
/// address, DMA, loop), for the planner.
constexpr uint64_t kGatherRowInstructions = 14;

/// UB bytes of `raw` bytes of run-time indices when they stay on chip (a
/// quarter of UB at most, one DMA); 0: the scalar unit reads them from GM.
uint64_t indexUb(uint64_t raw, uint64_t ub) {
  const uint64_t bytes = roundUp(raw, 32);
  return 4 * bytes <= ub && raw <= 0xFFFFFF ? bytes : 0;
}

/// UB bytes of a gather's indices when they stay on chip (0: read from GM).
uint64_t gatherIndexUb(const GatherKernel &k, uint64_t ub) {
  return indexUb(k.indexCount() * k.indexBytes, ub);
}

/// A row of `row` bytes that a run-time index places: the DMA efficiency
/// it gets (full only when every row is full-rate aligned) and the HBM
/// bytes it costs (whole L2 lines, one more for where it starts).
struct IndexedRow {
  double eff, hbmBytes;
};
IndexedRow indexedRow(uint64_t row, const target::TargetDesc &t) {
  const bool aligned = t.dmaFullRateAlignBytes && row % t.dmaFullRateAlignBytes == 0;
  return {aligned ? 1.0 : t.dmaPartialAlignEfficiency,
          double(t.l2LineBytes ? roundUp(row, t.l2LineBytes) + t.l2LineBytes : row)};
}

class GatherEmitter : MovementWriter {
public:
  GatherEmitter(const GatherKernel &k, const MovementPlan &p, const target::TargetDesc &t)
      : MovementWriter(t, p, k.outer * k.count, p.tileRows * roundUp(k.inner * k.elementBytes, 32)),
        k_(k), row_(k.inner * k.elementBytes) {}

  std::string run() {
    header(k_.name);
    comment("gather of {} rows of [{}][{}][{}] ({}-byte elements) by {}-byte indices{}: {}{}",
            k_.count, k_.outer, k_.slabRows(), k_.inner, k_.elementBytes, k_.indexBytes,
            k_.dims.empty() ? "" : fmt::format(" ({}-deep tuples per slab)", k_.dims.size()),
            p_.describe(), p_.indicesInUb ? ", indices in UB" : ", indices read from GM");
    line("ldarg x{}, 0", kFirstInput);
    line("ldarg x{}, 1", kIndices);
    line("ldarg x{}, 2", kY);
    coreIndex(kCore, kTmp);
    line("movi x{}, {}", kLength, k_.length);
    line("movi x{}, {}", kRowBytes, row_);
    line("movi x{}, {}", kCount, k_.count);
    if (p_.indicesInUb) {
      comment("the indices into UB once, for the scalar unit");
      line("movi x{}, {}", kIndexBase, 2 * p_.tileRows * roundUp(row_, 32));
      line("dmapad_gm_ub x{}, x{}, lenb={}", kIndexBase, kIndices, k_.indexCount() * k_.indexBytes);
      line("setf mte2, s, 0");
      line("waitf mte2, s, 0");
    } else {
      line("add x{}, x{}, x0", kIndexBase, kIndices);
    }
    tiles([&](uint64_t n) { tile(n); });
    return take();
  }

private:
  enum : unsigned {
    kIndices = 14,
    kJ = 15,       ///< the row's index position (row % count)
    kRowBase = 16, ///< data + (row / count) * length * row bytes
    kValue = 17,
    kLength = 18,
    kRowBytes = 19,
    kCount = 20,
    kIndexBase = 21, ///< the indices: a UB offset or a GM address
    kTuple = 22,     ///< GatherND: the row's tuple (UB offset or GM address)
    kDim = 23,
  };

  void tile(uint64_t n) {
    const char *load = p_.indicesInUb ? "ldu" : "ldg";
    const char *dt = k_.indexBytes == 8 ? "s64" : "s32";
    const uint64_t rowU = roundUp(row_, 32);
    comment("a tile of {} rows", n);
    line("waitf mte3, mte2, 0");
    // The tile's first row r: j = r % count, its data slab r / count.
    line("movi x{}, {}", kTmp, p_.tileRows);
    line("mul x{}, x{}, x{}", kTmp2, kTile, kTmp);
    line("divu x{}, x{}, x{}", kRowBase, kTmp2, kCount);
    line("remu x{}, x{}, x{}", kJ, kTmp2, kCount);
    const uint64_t depth = k_.dims.size(), tupleBytes = depth * k_.indexBytes;
    if (depth) { // tuples are per row: [outer][count][depth]
      line("movi x{}, {}", kTmp, tupleBytes);
      line("mul x{}, x{}, x{}", kTuple, kTmp2, kTmp);
      line("add x{0}, x{0}, x{1}", kTuple, kIndexBase);
    }
    line("movi x{}, {}", kTmp, k_.slabRows() * row_);
    line("mul x{0}, x{0}, x{1}", kRowBase, kTmp);
    line("add x{0}, x{0}, x{1}", kRowBase, kFirstInput);
    line("add x{}, x{}, x0", kA, kBuf);
    line("movi x{}, {}", kLoop, n);
    label(fmt::format("gather_row_{}", n));
    if (depth) {
      // The slab row of the tuple: sum over its indices, row-major in dims.
      line("movi x{}, 0", kSrc);
      for (uint64_t d = 0; d < depth; ++d) {
        line("addi x{}, x{}, {}", kTmp, kTuple, d * k_.indexBytes);
        line("movi x{}, {}", kDim, k_.dims[d]);
        checkedIndex(load, dt, kValue, kTmp, kDim, fmt::format("{}_{}", d, n));
        line("mul x{0}, x{0}, x{1}", kSrc, kDim);
        line("add x{0}, x{0}, x{1}", kSrc, kValue);
      }
      line("add x{}, x{}, x0", kValue, kSrc);
      line("addi x{0}, x{0}, {1}", kTuple, tupleBytes);
    } else {
      line("shli x{}, x{}, {}", kTmp, kJ, k_.indexBytes == 8 ? 3 : 2);
      line("add x{0}, x{0}, x{1}", kTmp, kIndexBase);
      checkedIndex(load, dt, kValue, kTmp, kLength, std::to_string(n));
    }
    line("mul x{}, x{}, x{}", kSrc, kValue, kRowBytes);
    line("add x{0}, x{0}, x{1}", kSrc, kRowBase);
    if (wholeUnits(row_))
      line("dma_gm_ub x{}, x{}, len={}", kA, kSrc, row_ / 32);
    else
      line("dmapad_gm_ub x{}, x{}, lenb={}", kA, kSrc, row_);
    line("addi x{0}, x{0}, {1}", kA, rowU);
    line("addi x{0}, x{0}, 1", kJ);
    line("bne x{}, x{}, next_row_{}", kJ, kCount, n);
    line("movi x{}, 0", kJ);
    line("movi x{}, {}", kTmp, k_.slabRows() * row_);
    line("add x{0}, x{0}, x{1}", kRowBase, kTmp);
    label(fmt::format("next_row_{}", n));
    line("addi x{0}, x{0}, -1", kLoop);
    line("bne x{}, x0, gather_row_{}", kLoop, n);
    loaded();
    offset(kDst, kY, p_.tileRows * row_);
    if (wholeUnits(row_))
      line("dma_ub_gm x{}, x{}, len={}", kDst, kBuf, n * row_ / 32);
    else
      line("dmapad_ub_gm x{}, x{}, nburst={}, lenb={}", kDst, kBuf, n, row_);
    stored();
  }

  const GatherKernel &k_;
  uint64_t row_;
};

/// Scalar instructions a scatter issues per row (address, DMA, loop) and
/// per index of its tuple (load, sign, range check, row arithmetic).
constexpr uint64_t kScatterRowInstructions = 10, kScatterIndexInstructions = 9;

/// UB bytes of a scatter's index tuples when they stay on chip (0: from GM).
uint64_t scatterIndexUb(const ScatterKernel &k, uint64_t ub) {
  return indexUb(k.count * k.dims.size() * k.indexBytes, ub);
}

class ScatterEmitter : MovementWriter {
public:
  ScatterEmitter(const ScatterKernel &k, const MovementPlan &p, const target::TargetDesc &t)
      : MovementWriter(t, p, k.rows(), p.tileRows * roundUp(k.inner * k.elementBytes, 32)), k_(k),
        row_(k.inner * k.elementBytes) {}

  std::string run() {
    header(k_.name);
    const uint64_t depth = k_.dims.size();
    comment("scatter of {} rows of {} bytes into {} rows at {}-deep tuples: {}{}", k_.count, row_,
            k_.rows(), depth, p_.describe(),
            p_.indicesInUb ? ", indices in UB" : ", indices read from GM");
    line("ldarg x{}, 0", kFirstInput);
    line("ldarg x{}, 1", kIndices);
    line("ldarg x{}, 2", kUpdates);
    line("ldarg x{}, 3", kY);
    coreIndex(kCore, kTmp);
    if (p_.indicesInUb) {
      comment("the index tuples into UB once, for the scalar unit");
      line("movi x{}, {}", kIndexBase, 2 * p_.tileRows * roundUp(row_, 32));
      line("dmapad_gm_ub x{}, x{}, lenb={}", kIndexBase, kIndices,
           k_.count * depth * k_.indexBytes);
      line("setf mte2, s, 0");
      line("waitf mte2, s, 0");
    } else {
      line("add x{}, x{}, x0", kIndexBase, kIndices);
    }
    line("movi x{}, 0", kBuf);
    line("movi x{}, {}", kBufFlip, tileBytes_);
    credit(kFreeFlags);
    const TileRegs regs{kCore, kTile, kTiles, kTmp};
    comment("phase 1: this core's tiles of data rows to Y");
    roundRobinTiles(
        regs, k_.rows() / p_.tileRows, p_.tileRows, k_.rows() % p_.tileRows, p_.vectorCores,
        [&](uint64_t n) { copyTile(n); }, "copy_");
    comment("every core's copies are in Y before any update is stored");
    line("xset mte3, 0, mode=0");
    line("xwait mte3, 0, mode=0");
    comment("phase 2: this core's tiles of update rows, each row to its tuple's row");
    roundRobinTiles(
        regs, k_.count / p_.tileRows, p_.tileRows, k_.count % p_.tileRows, p_.vectorCores,
        [&](uint64_t n) { scatterTile(n); }, "scatter_");
    takeBack(kFreeFlags);
    line("halt");
    return take();
  }

private:
  enum : unsigned {
    kIndices = 14,
    kUpdates = 15,
    kTuple = 16, ///< address of the row's index tuple (UB offset or GM)
    kValue = 17,
    kRow = 18, ///< the destination row
    kDim = 19,
    kIndexBase = 20, ///< the tuples: a UB offset or a GM address
  };

  /// n rows from `base` (+ the tile's offset) into the buffer, padded rows.
  void loadRows(unsigned base, uint64_t n) {
    line("waitf mte3, mte2, 0");
    offset(kSrc, base, p_.tileRows * row_);
    if (wholeUnits(row_))
      line("dma_gm_ub x{}, x{}, len={}", kBuf, kSrc, n * row_ / 32);
    else
      line("dmapad_gm_ub x{}, x{}, nburst={}, lenb={}", kBuf, kSrc, n, row_);
    loaded();
  }

  void copyTile(uint64_t n) {
    comment("copy {} rows", n);
    loadRows(kFirstInput, n);
    offset(kDst, kY, p_.tileRows * row_);
    if (wholeUnits(row_))
      line("dma_ub_gm x{}, x{}, len={}", kDst, kBuf, n * row_ / 32);
    else
      line("dmapad_ub_gm x{}, x{}, nburst={}, lenb={}", kDst, kBuf, n, row_);
    stored();
  }

  void scatterTile(uint64_t n) {
    const char *load = p_.indicesInUb ? "ldu" : "ldg";
    const char *dt = k_.indexBytes == 8 ? "s64" : "s32";
    const uint64_t depth = k_.dims.size(), tupleBytes = depth * k_.indexBytes;
    comment("scatter {} update rows", n);
    loadRows(kUpdates, n);
    offset(kTuple, kIndexBase, p_.tileRows * tupleBytes);
    line("add x{}, x{}, x0", kA, kBuf);
    line("movi x{}, {}", kLoop, n);
    label(fmt::format("scatter_row_{}", n));
    line("movi x{}, 0", kRow);
    for (uint64_t d = 0; d < depth; ++d) {
      const std::string at = fmt::format("{}_{}", d, n);
      line("addi x{}, x{}, {}", kTmp, kTuple, d * k_.indexBytes);
      line("movi x{}, {}", kDim, k_.dims[d]);
      checkedIndex(load, dt, kValue, kTmp, kDim, at);
      line("mul x{0}, x{0}, x{1}", kRow, kDim);
      line("add x{0}, x{0}, x{1}", kRow, kValue);
    }
    line("movi x{}, {}", kTmp, row_);
    line("mul x{}, x{}, x{}", kDst, kRow, kTmp);
    line("add x{0}, x{0}, x{1}", kDst, kY);
    if (wholeUnits(row_))
      line("dma_ub_gm x{}, x{}, len={}", kDst, kA, row_ / 32);
    else
      line("dmapad_ub_gm x{}, x{}, lenb={}", kDst, kA, row_);
    line("addi x{0}, x{0}, {1}", kA, roundUp(row_, 32));
    line("addi x{0}, x{0}, {1}", kTuple, tupleBytes);
    line("addi x{0}, x{0}, -1", kLoop);
    line("bne x{}, x0, scatter_row_{}", kLoop, n);
    stored();
  }

  const ScatterKernel &k_;
  uint64_t row_;
};

/// Rows per tile: the count whose tiles finish first (two buffers, a
/// buffer's round trip spread over two tiles), `stores` DMAs per tile.
Result<MovementPlan> planRows(const std::string &what, const std::string &name, uint64_t rows,
                              uint64_t inRowBytes, uint64_t outRowBytes,
                              const std::function<uint64_t(uint64_t)> &stores,
                              const target::TargetDesc &t, unsigned rank,
                              uint64_t maxTileRows = 0xFFFF) {
  auto fail = [&](const std::string &why) {
    return Error(fmt::format("{} kernel '{}': {}", what, name, why));
  };
  if (!t.hasPath(target::Path::GmToUb) || !t.hasPath(target::Path::UbToGm) || t.eventIds < 1)
    return fail(t.name + " lacks a GM<->UB path or event ids");
  const VectorCores vc(t);
  const uint64_t ub = t.buffer(target::MemSpace::UB).sizeBytes;
  const auto &load = *t.path(target::Path::GmToUb);
  const auto &store = *t.path(target::Path::UbToGm);
  PlanChoice<MovementPlan> choice;
  MovementPlan plan;
  const uint64_t maxT = std::min<uint64_t>({rows, maxTileRows, ub / (2 * inRowBytes)});
  for (uint64_t n = 1; n <= maxT; ++n) {
    if (n * inRowBytes / 32 > 0xFFFF)
      break;
    const uint64_t tiles = ceilDiv(rows, n);
    const uint64_t cores = std::min<uint64_t>(vc.available, tiles);
    const double share = t.hbmBytesPerCycle() / double(cores);
    const double in = double(n * inRowBytes) / std::min(double(load.bytesPerCycle), share);
    const double out =
        double(n * outRowBytes) / std::min(double(store.bytesPerCycle), share) + double(stores(n));
    const double cycles = pingPongCycles(ceilDiv(tiles, cores), in, out, 0, load, store);
    plan.tileRows = n;
    plan.tiles = tiles;
    plan.vectorCores = vc.launched(cores);
    plan.blockDim = vc.blockDim(cores);
    choice.offer(cycles, plan);
  }
  return choice.result(
      rank, t,
      fail(fmt::format("a row of {} bytes does not fit twice in the {} B unified buffer",
                       inRowBytes, ub)),
      what.c_str(), name);
}

/// `rowBytes`: UB bytes of one row of a tile.
/// `extraUb`: bytes of one more UB buffer after the tiles (gather indices).
template <typename Emitter, typename Kernel>
Result<GeneratedMovement> generate(const char *what, const Kernel &k, Result<MovementPlan> plan,
                                   uint64_t rowBytes, std::vector<uint64_t> argBytes,
                                   const target::TargetDesc &t, uint64_t extraUb = 0,
                                   const char *extraName = nullptr) {
  if (!plan)
    return plan.error();
  GeneratedMovement g;
  g.plan = *plan;
  const uint64_t tile = plan->tileRows * rowBytes;
  g.buffers = {{"tile 0", target::MemSpace::UB, 0, tile},
               {"tile 1", target::MemSpace::UB, tile, tile}};
  if (extraUb)
    g.buffers.push_back({extraName, target::MemSpace::UB, 2 * tile, extraUb});
  if (std::optional<Error> e = verifyBuffers(what, k.name, g.buffers, t))
    return *e;
  g.argBytes = std::move(argBytes);
  g.assembly = Emitter(k, g.plan, t).run();
  Result<isa::Program> program = assembleKernel(what, k.name, g.assembly);
  if (!program)
    return program.error();
  g.program = std::move(*program);
  return g;
}

} // namespace

std::string MovementPlan::describe() const {
  return fmt::format("{} tiles of {} rows on {} vector cores", tiles, tileRows, vectorCores);
}

Result<MovementPlan> planConcat(const ConcatKernel &k, const target::TargetDesc &t, unsigned rank) {
  auto fail = [&](const std::string &why) {
    return Error(fmt::format("concat kernel '{}': {}", k.name, why));
  };
  if (k.lengths.empty() || k.lengths.size() > kMaxInputs)
    return fail(fmt::format("{} inputs (1 to {} are generated)", k.lengths.size(), kMaxInputs));
  uint64_t total = 0, ubRow = 0;
  for (uint64_t len : k.lengths) {
    if (!len || len * k.elementBytes > 0xFFFFFF)
      return fail(fmt::format("an input row of {} bytes", len * k.elementBytes));
    total += len;
    ubRow += roundUp(len * k.elementBytes, 32);
  }
  if (!k.outer)
    return fail("no rows");
  if (total * k.elementBytes > 0xFFFFFFFF)
    return fail("an output row too long for one DMA's gaps");
  const uint64_t inputs = k.lengths.size();
  return planRows(
      "concat", k.name, k.outer, ubRow, total * k.elementBytes, [&](uint64_t) { return inputs; }, t,
      rank);
}

Result<GeneratedMovement> generateConcat(const ConcatKernel &k, const target::TargetDesc &t,
                                         unsigned rank) {
  const uint64_t total = std::accumulate(k.lengths.begin(), k.lengths.end(), uint64_t(0));
  std::vector<uint64_t> args;
  for (uint64_t len : k.lengths)
    args.push_back(k.outer * len * k.elementBytes);
  args.push_back(k.outer * total * k.elementBytes);
  return generate<ConcatEmitter>("concat", k, planConcat(k, t, rank), ConcatEmitter::ubRow(k),
                                 std::move(args), t);
}

Result<MovementPlan> planSlice(const SliceKernel &k, const target::TargetDesc &t, unsigned rank) {
  auto fail = [&](const std::string &why) {
    return Error(fmt::format("slice kernel '{}': {}", k.name, why));
  };
  if (!k.outer || !k.count || !k.inner || !k.step ||
      k.start + (k.count - 1) * k.step + 1 > k.length)
    return fail("an empty or out-of-range slice");
  if (k.start * k.inner * k.elementBytes > 0x7FFFFFFF)
    return fail("a start beyond the 32-bit offset of one instruction");
  if (k.step > 1) {
    // Rows of count padded bursts, a tile's bursts in one DMA out.
    const uint64_t block = k.inner * k.elementBytes, ubRow = k.count * roundUp(block, 32);
    if (block > 0xFFFFFF || (k.step - 1) * block > 0xFFFFFFFFull || k.count > 0xFFFF ||
        (k.length * block) > 0xFFFFFFFFull)
      return fail(fmt::format("a strided slice of {} blocks of {} bytes", k.count, block));
    return planRows(
        "slice", k.name, k.outer, ubRow, k.count * block, [](uint64_t n) { return n + 1; }, t, rank,
        0xFFFF / k.count);
  }
  const uint64_t row = k.count * k.inner * k.elementBytes;
  if ((k.length - k.count) * k.inner * k.elementBytes > 0xFFFFFFFFull)
    return fail("rows too far apart for one DMA's gap");
  // Rows too long for UB go in pieces, a piece a tile.
  const uint64_t pieces = slicePieces(k, t.buffer(target::MemSpace::UB).sizeBytes);
  if (!pieces)
    return fail("no piece of a row fits the unified buffer twice");
  const uint64_t piece = row / pieces;
  return planRows(
      "slice", k.name, k.outer * pieces, roundUp(piece, 32), piece,
      [](uint64_t) { return uint64_t(1); }, t, rank, pieces == 1 ? 0xFFFF : 1);
}

Result<GeneratedMovement> generateSlice(const SliceKernel &k, const target::TargetDesc &t,
                                        unsigned rank) {
  const uint64_t row = k.count * k.inner * k.elementBytes;
  if (k.step > 1)
    return generate<SliceEmitter>(
        "slice", k, planSlice(k, t, rank), k.count * roundUp(k.inner * k.elementBytes, 32),
        {k.outer * k.length * k.inner * k.elementBytes, k.outer * row}, t);
  const uint64_t pieces =
      std::max<uint64_t>(1, slicePieces(k, t.buffer(target::MemSpace::UB).sizeBytes));
  return generate<SliceEmitter>("slice", k, planSlice(k, t, rank), roundUp(row / pieces, 32),
                                {k.outer * k.length * k.inner * k.elementBytes, k.outer * row}, t);
}

uint64_t PadKernel::padded() const {
  return elementBytes ? roundUp(length * elementBytes, 32) / elementBytes : 0;
}

Result<MovementPlan> planPad(const PadKernel &k, const target::TargetDesc &t, unsigned rank) {
  auto fail = [&](const std::string &why) {
    return Error(fmt::format("pad kernel '{}': {}", k.name, why));
  };
  if (!k.outer || !k.length || !k.elementBytes)
    return fail("an empty tensor");
  if (k.length * k.elementBytes > 0xFFFFFF)
    return fail(fmt::format("a row of {} bytes", k.length * k.elementBytes));
  const uint64_t out = k.padded() * k.elementBytes;
  return planRows(
      "pad", k.name, k.outer, out, out, [](uint64_t) { return uint64_t(1); }, t, rank);
}

Result<GeneratedMovement> generatePad(const PadKernel &k, const target::TargetDesc &t,
                                      unsigned rank) {
  return generate<PadEmitter>(
      "pad", k, planPad(k, t, rank), k.padded() * k.elementBytes,
      {k.outer * k.length * k.elementBytes, k.outer * k.padded() * k.elementBytes}, t);
}

Result<MovementPlan> planUpsample(const UpsampleKernel &k, const target::TargetDesc &t,
                                  unsigned rank) {
  auto fail = [&](const std::string &why) {
    return Error(fmt::format("upsample kernel '{}': {}", k.name, why));
  };
  const uint64_t eb = k.block * k.elementBytes;
  if (!k.outer || !k.h || !k.w || !eb || !k.sh || !k.sw)
    return fail("an empty dimension");
  if ((k.sw - 1) * eb > 0xFFFF || k.w > 0xFFFF)
    return fail("an output row too long for one DMA's gaps");
  // UB rows: blocks padded to whole 32-byte units.
  const uint64_t rowBytes = k.w * roundUp(eb, 32), phases = k.sh * k.sw;
  return planRows(
      "upsample", k.name, k.outer * k.h, rowBytes, k.w * eb * phases,
      [&](uint64_t n) { return n * phases; }, t, rank);
}

Result<GeneratedMovement> generateUpsample(const UpsampleKernel &k, const target::TargetDesc &t,
                                           unsigned rank) {
  const uint64_t in = k.outer * k.h * k.w * k.block * k.elementBytes;
  return generate<UpsampleEmitter>("upsample", k, planUpsample(k, t, rank),
                                   k.w * roundUp(k.block * k.elementBytes, 32),
                                   {in, in * k.sh * k.sw}, t);
}

Result<MovementPlan> planGather(const GatherKernel &k, const target::TargetDesc &t, unsigned rank) {
  auto fail = [&](const std::string &why) {
    return Error(fmt::format("gather kernel '{}': {}", k.name, why));
  };
  if (!k.outer || !k.slabRows() || !k.inner || !k.count || !k.elementBytes)
    return fail("an empty tensor");
  if (k.indexBytes != 4 && k.indexBytes != 8)
    return fail(fmt::format("{}-byte indices (int32 and int64 are generated)", k.indexBytes));
  if (!t.hasPath(target::Path::GmToUb) || !t.hasPath(target::Path::UbToGm) || t.eventIds < 1)
    return fail(t.name + " lacks a GM<->UB path or event ids");
  const uint64_t row = k.inner * k.elementBytes, rowU = roundUp(row, 32);
  if (row > 0xFFFFFF)
    return fail(fmt::format("a row of {} bytes", row));
  const uint64_t ub = t.buffer(target::MemSpace::UB).sizeBytes;
  const uint64_t indexUb = gatherIndexUb(k, ub);
  const uint64_t rows = k.outer * k.count;
  const VectorCores vc(t);
  const auto &load = *t.path(target::Path::GmToUb);
  const auto &store = *t.path(target::Path::UbToGm);
  // Rows start wherever their index puts them.
  const auto [eff, hbmRow] = indexedRow(row, t);
  // A GatherND row decodes a tuple (the scatter's per-index work).
  const uint64_t depth = k.dims.size();
  const double perRow = double((kGatherRowInstructions + depth * kScatterIndexInstructions) *
                               t.scalarCyclesPerInstruction) +
                        (indexUb ? 0.0 : double(std::max<uint64_t>(depth, 1) * load.latencyCycles));
  const double indexLoad =
      indexUb ? double(load.latencyCycles) + double(indexUb) / load.bytesPerCycle : 0.0;
  PlanChoice<MovementPlan> choice;
  MovementPlan plan;
  plan.indicesInUb = indexUb != 0;
  const uint64_t maxT =
      std::min<uint64_t>({rows, 0xFFFF, ub > indexUb ? (ub - indexUb) / (2 * rowU) : 0});
  for (uint64_t n = 1; n <= maxT; ++n) {
    if (n * row / 32 > 0xFFFF)
      break;
    const uint64_t tiles = ceilDiv(rows, n);
    const uint64_t cores = std::min<uint64_t>(vc.available, tiles);
    const double share = t.hbmBytesPerCycle() / double(cores);
    const double in =
        double(n) * std::max(double(row) / (load.bytesPerCycle * eff), hbmRow / share);
    const double out =
        double(n * row) / std::min(double(store.bytesPerCycle) * (row % 32 ? eff : 1.0), share) + 1;
    const double scalar = double(n) * perRow;
    plan.tileRows = n;
    plan.tiles = tiles;
    plan.vectorCores = vc.launched(cores);
    plan.blockDim = vc.blockDim(cores);
    choice.offer(indexLoad + pingPongCycles(ceilDiv(tiles, cores), in, out, scalar, load, store),
                 plan);
  }
  return choice.result(
      rank, t,
      fail(fmt::format("a row of {} bytes does not fit twice in the {} B unified buffer", row, ub)),
      "gather", k.name);
}

Result<GeneratedMovement> generateGather(const GatherKernel &k, const target::TargetDesc &t,
                                         unsigned rank) {
  const uint64_t row = k.inner * k.elementBytes;
  Result<MovementPlan> plan = planGather(k, t, rank);
  const uint64_t indexUb =
      plan && plan->indicesInUb ? gatherIndexUb(k, t.buffer(target::MemSpace::UB).sizeBytes) : 0;
  return generate<GatherEmitter>(
      "gather", k, std::move(plan), roundUp(row, 32),
      {k.outer * k.slabRows() * row, k.indexCount() * k.indexBytes, k.outer * k.count * row}, t,
      indexUb, "indices");
}

uint64_t GatherKernel::slabRows() const {
  if (dims.empty())
    return length;
  uint64_t r = 1;
  for (uint64_t d : dims)
    r *= d;
  return r;
}

uint64_t GatherKernel::indexCount() const {
  return dims.empty() ? count : outer * count * dims.size();
}

uint64_t ScatterKernel::rows() const {
  uint64_t r = 1;
  for (uint64_t d : dims)
    r *= d;
  return r;
}

Result<MovementPlan> planScatter(const ScatterKernel &k, const target::TargetDesc &t,
                                 unsigned rank) {
  auto fail = [&](const std::string &why) {
    return Error(fmt::format("scatter kernel '{}': {}", k.name, why));
  };
  if (k.dims.empty() || !k.rows() || !k.inner || !k.count || !k.elementBytes)
    return fail("an empty tensor or no index depth");
  if (k.indexBytes != 4 && k.indexBytes != 8)
    return fail(fmt::format("{}-byte indices (int32 and int64 are generated)", k.indexBytes));
  if (!t.hasPath(target::Path::GmToUb) || !t.hasPath(target::Path::UbToGm) || t.eventIds < 1)
    return fail(t.name + " lacks a GM<->UB path or event ids");
  if (t.crossCoreFlagIds < 1)
    return fail(t.name + " has no cross-core flags (the copy and the scatter meet at one)");
  const uint64_t row = k.inner * k.elementBytes, rowU = roundUp(row, 32);
  if (row > 0xFFFFFF)
    return fail(fmt::format("a row of {} bytes", row));
  const uint64_t ub = t.buffer(target::MemSpace::UB).sizeBytes;
  const uint64_t indexUb = scatterIndexUb(k, ub), depth = k.dims.size();
  const VectorCores vc(t);
  const auto &load = *t.path(target::Path::GmToUb);
  const auto &store = *t.path(target::Path::UbToGm);
  // Update rows land wherever their tuple puts them (as a gather's loads).
  const auto [eff, hbmRow] = indexedRow(row, t);
  const double perRow = double((kScatterRowInstructions + kScatterIndexInstructions * depth) *
                               t.scalarCyclesPerInstruction) +
                        (indexUb ? 0.0 : double(depth * load.latencyCycles));
  const double indexLoad =
      indexUb ? double(load.latencyCycles) + double(indexUb) / load.bytesPerCycle : 0.0;
  PlanChoice<MovementPlan> choice;
  MovementPlan plan;
  plan.indicesInUb = indexUb != 0;
  const uint64_t maxT = std::min<uint64_t>(
      {std::max(k.rows(), k.count), 0xFFFF, ub > indexUb ? (ub - indexUb) / (2 * rowU) : 0});
  for (uint64_t n = 1; n <= maxT; ++n) {
    if (n * rowU / 32 > 0xFFFF)
      break;
    const uint64_t copyTiles = ceilDiv(k.rows(), n), scatterTiles = ceilDiv(k.count, n);
    const uint64_t cores = std::min<uint64_t>(vc.available, std::max(copyTiles, scatterTiles));
    const double share = t.hbmBytesPerCycle() / double(cores);
    const double in = double(n * row) / std::min(double(load.bytesPerCycle), share);
    const double out = double(n * row) / std::min(double(store.bytesPerCycle), share) + 1;
    const double scattered =
        double(n) * std::max(double(row) / (store.bytesPerCycle * eff), hbmRow / share);
    const double copy = pingPongCycles(ceilDiv(copyTiles, cores), in, out, 0, load, store);
    const double scatter = pingPongCycles(ceilDiv(scatterTiles, cores), in, scattered,
                                          double(n) * perRow, load, store);
    plan.tileRows = n;
    plan.tiles = copyTiles + scatterTiles;
    plan.vectorCores = vc.launched(cores);
    plan.blockDim = vc.blockDim(cores);
    // The barrier: the last copy's store completes before any update's.
    choice.offer(indexLoad + copy + double(store.latencyCycles) + scatter, plan);
  }
  return choice.result(
      rank, t,
      fail(fmt::format("a row of {} bytes does not fit twice in the {} B unified buffer", row, ub)),
      "scatter", k.name);
}

Result<GeneratedMovement> generateScatter(const ScatterKernel &k, const target::TargetDesc &t,
                                          unsigned rank) {
  const uint64_t row = k.inner * k.elementBytes;
  Result<MovementPlan> plan = planScatter(k, t, rank);
  const uint64_t indexUb =
      plan && plan->indicesInUb ? scatterIndexUb(k, t.buffer(target::MemSpace::UB).sizeBytes) : 0;
  return generate<ScatterEmitter>(
      "scatter", k, std::move(plan), roundUp(row, 32),
      {k.rows() * row, k.count * k.dims.size() * k.indexBytes, k.count * row, k.rows() * row}, t,
      indexUb, "indices");
}

} // namespace pagoda::codegen
