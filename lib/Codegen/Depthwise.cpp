//===- Depthwise.cpp - Vector kernels for depthwise convolutions ----------===//
//
// The program of each vector core (docs/codegen.md):
//
//   MTE2: the weights (and bias) once
//   for tile t = core, core + cores, ...           (image, `rows` output rows)
//     MTE2  wait band[s] free; per band row: its input row into the padded
//           UB row (V zero-fills rows above and below the image instead)
//     V     wait band loaded, out[s] free; per output row and channel chunk:
//           acc = bias (or 0), then one vmla per window tap over all output
//           columns, then ReLU
//     MTE3  wait out ready; the tile's output rows (contiguous in GM) out
//
// UB holds the weights, the bias and two buffer sets (band rows, each
// padded to whole repeats with zero left and right columns, and the output
// rows); the flags are counting hand-offs as in the elementwise kernels.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Codegen/Depthwise.h"

#include "pagoda/Sim/Numerics.h"

#include "VectorWriter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace pagoda::codegen {

namespace {

constexpr uint64_t kRepeatBytes = 256;

enum Reg : unsigned {
  kX = 1,
  kWArg = 2,
  kBiasArg = 3,
  kY = 4,
  kCore = 5, ///< this vector core's index in the launch
  kTile = 6, ///< tile index
  kTiles = 7,
  kImg = 8,
  kBand = 9, ///< tile within the image
  kSet = 10, ///< UB offset of this tile's buffer set (toggled)
  kSetFlip = 11,
  kRow0 = 12, ///< first input row of the band (signed)
  kQ = 13,    ///< band row
  kR = 14,    ///< input row
  kTmp = 15,
  kTmp2 = 16,
  kGm = 17,
  kUb = 18,
  kH = 19,
  kOutRow = 20, ///< UB address of the output row
  kInRow = 21,  ///< UB address of the band row of the output row
  kRowLoop = 22,
  kDst = 23,
  kSrc0 = 24,
  kSrc1 = 25,
  kYTile = 26,
  kChunk = 27,  ///< channel chunk of the tile
  kCBytes = 28, ///< its first channel, in bytes
  kFill = 29,   ///< the padding's value: 0, or -inf for max pooling
  kScale = 30,  ///< average pooling: 1 / window
  kCol = 31,    ///< column tile of the tile
};

/// Input columns a tile of `cols` output columns reads.
uint64_t inColsOf(const DepthwiseKernel &k, uint64_t cols) {
  return (cols - 1) * k.strideW + k.dilW * (k.kw - 1) + 1;
}

/// One class of column tile: where its image pixels land in the padded UB
/// row and which pixel slots hold the padding's value.
struct ColTile {
  uint64_t cols = 0;       ///< output columns
  uint64_t slotLeft = 0;   ///< UB pixel slot of the first loaded pixel
  uint64_t loadPixels = 0; ///< image pixels loaded per band row
  uint64_t fillRight = 0;  ///< padding slots after them
  bool refill = false;     ///< padding slots rewritten each tile (column-tiled plans)
  bool gmAtTile = false;   ///< the first pixel is the tile's (else column 0)
};

/// The column tiles of a plan of `cols` output columns (`ok` false when
/// the split is not one the kernel handles: a middle tile reaching the
/// padding, a padding wider than a tile step or one instruction's repeats).
struct ColSplit {
  uint64_t count = 1;
  ColTile whole, first, middle, last;
  bool ok = true;
};

ColSplit colSplitOf(const DepthwiseKernel &k, uint64_t cols, uint64_t maxRepeat) {
  ColSplit s;
  const uint64_t ow = k.outW();
  s.count = ceilDiv(ow, cols);
  s.whole = {ow, k.padL, k.w, 0, false, false};
  if (s.count == 1)
    return s;
  const uint64_t in = inColsOf(k, cols), step = cols * k.strideW;
  const uint64_t lastCols = ow - (s.count - 1) * cols, lastIn = inColsOf(k, lastCols);
  const uint64_t lastX0 = (s.count - 1) * step - k.padL;
  // First: padL slots of padding, then image pixels up to its last input
  // column; middle tiles inside the image; the last from its first column.
  s.ok = step >= k.padL && in - k.padL <= k.w && lastX0 < k.w && k.padL <= maxRepeat &&
         (s.count < 3 || (s.count - 2) * step - k.padL + in <= k.w);
  if (!s.ok)
    return s;
  s.first = {cols, k.padL, in - k.padL, 0, true, false};
  s.middle = {cols, 0, in, 0, true, true};
  const uint64_t lastLoad = std::min(lastIn, k.w - lastX0);
  s.last = {lastCols, 0, lastLoad, lastIn - lastLoad, true, true};
  s.ok = s.last.fillRight <= maxRepeat;
  return s;
}

/// Sizes of one plan (bytes). A set is the band and the output rows in
/// the compute type, then (bf16) the staged band rows and output rows in
/// the GM type, which vcvt widens and narrows.
struct Layout {
  uint64_t rowStride = 0; ///< a padded band row, whole repeats
  uint64_t bandRows = 0;  ///< band rows of a full tile
  uint64_t outRowBytes = 0;
  uint64_t weights = 0, bias = 0, set = 0;
  uint64_t stage = 0;       ///< bf16: offset in the set of the staged band rows
  uint64_t stageStride = 0; ///< bf16: a staged band row
  uint64_t stageOut = 0;    ///< bf16: offset in the set of the narrowed output rows
  uint64_t stageOutRow = 0; ///< bf16: a narrowed output row
};

/// `ct`: the tile's channels as laid out in UB (whole blocks per pixel).
Layout layoutOf(const DepthwiseKernel &k, uint64_t rows, uint64_t cols, uint64_t ct) {
  const uint64_t size = isa::dtypeBits(depthwiseComputeType(k)) / 8,
                 gs = isa::dtypeBits(k.type) / 8, cp = depthwisePaddedChannels(k);
  // A whole row holds every image pixel between its padding columns; a
  // column tile only the input columns its windows read.
  const uint64_t slots = cols == k.outW() ? k.w + k.padL + k.padR : inColsOf(k, cols);
  Layout l;
  l.rowStride = roundUp(slots * ct * size, kRepeatBytes);
  l.bandRows = (rows - 1) * k.strideH + k.dilH * (k.kh - 1) + 1;
  l.outRowBytes = cols * ct * size;
  l.weights = k.op == DepthwiseKernel::Op::Conv ? roundUp(k.kh * k.kw * cp * size, 32) : 0;
  l.bias = k.bias ? roundUp(cp * size, 32) : 0;
  l.set = l.bandRows * l.rowStride + roundUp(rows * l.outRowBytes, 32);
  if (gs != size) {
    l.stage = l.set;
    l.stageStride = roundUp(slots * ct * gs, 32);
    l.stageOut = l.stage + l.bandRows * l.stageStride;
    l.stageOutRow = cols * ct * gs;
    l.set = l.stageOut + roundUp(rows * l.stageOutRow, 32);
  }
  return l;
}

class Emitter : VectorWriter {
public:
  Emitter(const DepthwiseKernel &k, const DepthwisePlan &p, const Layout &l,
          const target::TargetDesc &t)
      : VectorWriter(t), k_(k), p_(p), l_(l), ctype_(depthwiseComputeType(k)),
        size_(isa::dtypeBits(ctype_) / 8), gs_(isa::dtypeBits(k.type) / 8), widen_(gs_ != size_),
        lanes_(kRepeatBytes / size_), cp_(depthwisePaddedChannels(k)), padded_(cp_ != k.c),
        ct_(padded_ ? cp_ : p.channels) {}

  std::string run() {
    header(k_.name);
    comment("depthwise {}x{} over X[{}x{}x{}x{}] {}, pads {},{},{},{}, strides {}x{}, dilations "
            "{}x{}{}{}: {}",
            k_.kh, k_.kw, k_.batch, k_.h, k_.w, k_.c, isa::dtypeName(k_.type), k_.padT, k_.padL,
            k_.padB, k_.padR, k_.strideH, k_.strideW, k_.dilH, k_.dilW, k_.bias ? ", bias" : "",
            k_.relu ? ", relu" : "", p_.describe());
    unsigned arg = 0;
    line("ldarg x{}, {}", kX, arg++);
    if (conv())
      line("ldarg x{}, {}", kWArg, arg++);
    if (k_.bias)
      line("ldarg x{}, {}", kBiasArg, arg++);
    line("ldarg x{}, {}", kY, arg++);
    coreIndex(kCore, kTmp);
    line("movi x{}, {}", kH, k_.h);
    line("movi x{}, {}", kTiles, p_.tiles);
    line("movi x{}, {:#x}", kFill, fillBits());
    if (k_.op == DepthwiseKernel::Op::AvgPool)
      line("movi x{}, {:#x}", kScale, scaleBits());
    // Weights and bias, once; the band buffers start as the padding's
    // value (the pad columns keep it: loads write only the image's columns).
    if (conv()) {
      line("movi x{}, 0", kUb);
      line("dma_gm_ub x{}, x{}, len={}", kUb, kWArg, l_.weights / 32);
      if (k_.bias) {
        line("movi x{}, {}", kUb, l_.weights);
        if (padded_) // c values, zero-padded to the block
          line("dmapad_gm_ub x{}, x{}, lenb={}", kUb, kBiasArg, k_.c * size_);
        else
          line("dma_gm_ub x{}, x{}, len={}", kUb, kBiasArg, l_.bias / 32);
      }
      line("setf mte2, v, 1");
      line("waitf mte2, v, 1");
    }
    const uint64_t setBase = l_.weights + l_.bias;
    for (int s = 0; s < 2; ++s)
      zeroRows(setBase + uint64_t(s) * l_.set, l_.bandRows);
    line("movi x{}, {}", kSet, setBase);
    line("movi x{}, {}", kSetFlip, setBase ^ (setBase + l_.set));
    credit(kFreeFlags);
    line("add x{}, x{}, x0", kTile, kCore);
    label("tile_loop");
    line("bge x{}, x{}, tiles_done", kTile, kTiles);
    const uint64_t bands = ceilDiv(k_.outH(), p_.rows);
    const ColSplit split = colSplitOf(k_, p_.cols, t_.vectorMaxRepeat);
    // tile = ((image * bands + band) * column tiles + column tile) * chunks
    // + chunk.
    line("movi x{}, {}", kTmp, k_.c / p_.channels);
    line("divu x{}, x{}, x{}", kBand, kTile, kTmp);
    line("remu x{}, x{}, x{}", kChunk, kTile, kTmp);
    line("movi x{}, {}", kTmp, p_.channels * gs_);
    line("mul x{}, x{}, x{}", kCBytes, kChunk, kTmp);
    if (split.count > 1) {
      line("movi x{}, {}", kTmp, split.count);
      line("remu x{}, x{}, x{}", kCol, kBand, kTmp);
      line("divu x{0}, x{0}, x{1}", kBand, kTmp);
    }
    line("movi x{}, {}", kTmp, bands);
    line("divu x{}, x{}, x{}", kImg, kBand, kTmp);
    line("remu x{0}, x{0}, x{1}", kBand, kTmp);
    if (split.count == 1) {
      rowVariants("whole", split.whole);
    } else {
      line("beq x{}, x0, first_cols", kCol);
      line("movi x{}, {}", kTmp, split.count - 1);
      line("beq x{}, x{}, last_cols", kCol, kTmp);
      if (split.count > 2)
        rowVariants("middle", split.middle);
      else
        line("jmp last_cols");
      label("first_cols");
      rowVariants("first", split.first);
      label("last_cols");
      rowVariants("last", split.last);
    }
    label("tiles_done");
    takeBack(kFreeFlags);
    line("halt");
    return take();
  }

private:
  /// Band buffer free (V -> MTE2), output buffer free (MTE3 -> V).
  static constexpr const char *kFreeFlags[] = {"v, mte2, 0", "mte3, v, 0"};

  bool conv() const { return k_.op == DepthwiseKernel::Op::Conv; }
  /// The padding's bits: 0, or -inf for max pooling.
  uint32_t fillBits() const {
    if (k_.op != DepthwiseKernel::Op::MaxPool)
      return 0;
    return ctype_ == isa::DType::F32 ? 0xFF800000u : 0xFC00u;
  }
  uint32_t scaleBits() const {
    const float s = 1.0f / float(k_.kh * k_.kw);
    return ctype_ == isa::DType::F32 ? num::floatBits(s) : num::f32ToF16(s);
  }

  /// V: `rows` band rows from UB address `base` (an immediate) to the
  /// padding's value.
  void zeroRows(uint64_t base, uint64_t rows) {
    line("movi x{}, {}", kUb, base);
    fillRepeats(kUb, rows * l_.rowStride / kRepeatBytes);
  }

  /// V: `reps` repeats from the UB address in `reg` (advanced past them)
  /// to the padding's value.
  void fillRepeats(unsigned reg, uint64_t reps) {
    for (uint64_t done = 0; done < reps;) {
      const uint64_t n = std::min<uint64_t>(reps - done, t_.vectorMaxRepeat);
      line("vdup.{} x{}, x{}, rep={}", isa::dtypeName(ctype_), reg, kFill, n);
      line("addi x{0}, x{0}, {1}", reg, n * kRepeatBytes);
      done += n;
    }
  }

  /// reg = the UB address of the tile's chunk in the weights or bias at
  /// `offset` (kCBytes counts GM bytes; UB holds the compute type).
  void weightAddr(unsigned reg, uint64_t offset) {
    if (widen_) {
      line("add x{}, x{}, x{}", reg, kCBytes, kCBytes);
      line("addi x{0}, x{0}, {1}", reg, offset);
    } else {
      line("addi x{}, x{}, {}", reg, kCBytes, offset);
    }
  }

  /// V: `n` contiguous elements from `src` (type `from`) to `dst` (`to`),
  /// the last repeat masked (kTmp, kTmp2, kGm, kUb clobbered).
  void convertElements(unsigned dst, isa::DType to, unsigned src, isa::DType from, uint64_t n) {
    const uint64_t full = n / 64, tail = n % 64;
    if (full)
      convert(dst, to, src, from, full, kGm, kUb);
    if (tail) {
      line("addi x{0}, x{0}, {1}", dst, full * 64 * (isa::dtypeBits(to) / 8));
      line("addi x{0}, x{0}, {1}", src, full * 64 * (isa::dtypeBits(from) / 8));
      setMask(tail, kTmp, kTmp2);
      convert(dst, to, src, from, 1, kGm, kUb);
      setMask(lanes_, kTmp, kTmp2);
    }
  }

  /// V (bf16): each staged band row inside the image widened into the
  /// band (rows outside it were filled in the compute type already).
  void widenBand(const std::string &tag, uint64_t bandRows, const ColTile &c) {
    const std::string loop = tag + "_widen", skip = tag + "_widen_next";
    line("barrier v");
    line("movi x{}, 0", kQ);
    label(loop);
    line("add x{}, x{}, x{}", kR, kRow0, kQ);
    line("blt x{}, x0, {}", kR, skip);
    line("bge x{}, x{}, {}", kR, kH, skip);
    line("movi x{}, {}", kTmp, l_.stageStride);
    line("mul x{}, x{}, x{}", kSrc0, kQ, kTmp);
    line("add x{0}, x{0}, x{1}", kSrc0, kSet);
    line("addi x{0}, x{0}, {1}", kSrc0, l_.stage + c.slotLeft * ct_ * gs_);
    line("movi x{}, {}", kTmp, l_.rowStride);
    line("mul x{}, x{}, x{}", kDst, kQ, kTmp);
    line("add x{0}, x{0}, x{1}", kDst, kSet);
    line("addi x{0}, x{0}, {1}", kDst, c.slotLeft * ct_ * size_);
    convertElements(kDst, ctype_, kSrc0, k_.type, c.loadPixels * ct_);
    label(skip);
    line("addi x{0}, x{0}, 1", kQ);
    line("movi x{}, {}", kTmp, bandRows);
    line("blt x{}, x{}, {}", kQ, kTmp, loop);
  }

  /// The tile bodies of one column class: full bands, and the last band
  /// when it has fewer rows.
  void rowVariants(const std::string &tag, const ColTile &c) {
    const uint64_t bands = ceilDiv(k_.outH(), p_.rows);
    const uint64_t lastRows = k_.outH() - (bands - 1) * p_.rows;
    if (lastRows != p_.rows) {
      line("movi x{}, {}", kTmp, bands - 1);
      line("beq x{}, x{}, {}_edge", kBand, kTmp, tag);
    }
    tileBody(tag + "_full", p_.rows, c);
    if (lastRows != p_.rows) {
      label(tag + "_edge");
      tileBody(tag + "_edge", lastRows, c);
    }
  }

  /// V: the padding slots of a column tile's band rows (`base` + c0 in
  /// kDst), `slots` pixels from pixel `first`.
  void fillSlots(const std::string &tag, uint64_t bandRows, uint64_t first, uint64_t slots,
                 uint64_t ct, uint64_t cBlocks) {
    const std::string dt = isa::dtypeName(ctype_);
    for (uint64_t c0 = 0; c0 < ct; c0 += lanes_) {
      const uint64_t lanes = std::min(lanes_, ct - c0);
      if (lanes != lanes_)
        setMask(lanes, kTmp, kTmp2);
      const std::string loop = fmt::format("{}_fill{}_{}", tag, first, c0);
      line("addi x{}, x{}, {}", kDst, kSet, (first * ct + c0) * size_);
      line("movi x{}, {}", kQ, bandRows);
      label(loop);
      line("vdup.{} x{}, x{}, rep={}, drs={}", dt, kDst, kFill, slots, cBlocks);
      line("addi x{0}, x{0}, {1}", kDst, l_.rowStride);
      line("addi x{0}, x{0}, -1", kQ);
      line("bne x{}, x0, {}", kQ, loop);
      if (lanes != lanes_)
        setMask(lanes_, kTmp, kTmp2);
    }
  }

  void tileBody(const std::string &tag, uint64_t rows, const ColTile &c) {
    const uint64_t bandRows = (rows - 1) * k_.strideH + k_.dilH * (k_.kh - 1) + 1;
    // ct: the tile's channels per pixel in UB (padded to whole blocks).
    const uint64_t ow = k_.outW(), pixelBytes = k_.c * gs_, rowBytes = k_.w * pixelBytes;
    const uint64_t ct = ct_, cols = c.cols;
    // Repeat strides in the compute type; DMA blocks and gaps in GM's.
    const uint64_t cBlocks = ct * size_ / 32, dmaBlocks = ct * gs_ / 32,
                   gapBlocks = padded_ ? 0 : (k_.c - ct) * gs_ / 32;
    // Where MTE2 puts a band row and MTE3 finds an output row (bf16: the
    // staged rows).
    const uint64_t inBase = widen_ ? l_.stage : 0,
                   inStride = widen_ ? l_.stageStride : l_.rowStride;
    comment("tile of {} output rows x {} columns from {} band rows", rows, cols, bandRows);
    // The band's first input row: band * rows * strideH - padT.
    line("movi x{}, {}", kTmp, p_.rows * k_.strideH);
    line("mul x{}, x{}, x{}", kRow0, kBand, kTmp);
    line("addi x{0}, x{0}, {1}", kRow0, -int64_t(k_.padT));
    // The tile's first image pixel in a row, in bytes (kTmp2).
    if (c.gmAtTile) {
      line("movi x{}, {}", kTmp, p_.cols * k_.strideW * pixelBytes);
      line("mul x{}, x{}, x{}", kTmp2, kCol, kTmp);
      line("addi x{0}, x{0}, {1}", kTmp2, -int64_t(k_.padL * pixelBytes));
    }
    // MTE2 (V for rows outside the image): the band, row by row. V's
    // zero-fill writes rows it read two tiles ago: a barrier orders them.
    line("barrier v");
    line("waitf v, mte2, 0");
    line("movi x{}, 0", kQ);
    line("addi x{}, x{}, {}", kUb, kSet, inBase + c.slotLeft * ct * gs_);
    label(tag + "_band");
    line("add x{}, x{}, x{}", kR, kRow0, kQ);
    line("blt x{}, x0, {}_zero", kR, tag);
    line("bge x{}, x{}, {}_zero", kR, kH, tag);
    // GM row: X + ((img * H + r) * W * C) * size.
    line("mul x{}, x{}, x{}", kGm, kImg, kH);
    line("add x{0}, x{0}, x{1}", kGm, kR);
    line("movi x{}, {}", kTmp, rowBytes);
    line("mul x{0}, x{0}, x{1}", kGm, kTmp);
    line("add x{0}, x{0}, x{1}", kGm, kX);
    line("add x{0}, x{0}, x{1}", kGm, kCBytes);
    if (c.gmAtTile)
      line("add x{0}, x{0}, x{1}", kGm, kTmp2);
    // The chunk's channels of each pixel: one burst a pixel, C - ct
    // channels apart (padded: each pixel's C channels, the rest of its last
    // block zero).
    if (padded_)
      line("dmapad_gm_ub x{}, x{}, nburst={}, lenb={}", kUb, kGm, c.loadPixels, pixelBytes);
    else
      line("dma_gm_ub x{}, x{}, nburst={}, len={}, sgap={}", kUb, kGm, c.loadPixels, dmaBlocks,
           gapBlocks);
    line("jmp {}_next", tag);
    label(tag + "_zero");
    // The band row in the compute type: set + q * rowStride.
    line("movi x{}, {}", kTmp, l_.rowStride);
    line("mul x{}, x{}, x{}", kTmp, kQ, kTmp);
    line("add x{0}, x{0}, x{1}", kTmp, kSet);
    fillRepeats(kTmp, l_.rowStride / kRepeatBytes);
    label(tag + "_next");
    line("addi x{0}, x{0}, {1}", kUb, inStride);
    line("addi x{0}, x{0}, 1", kQ);
    line("movi x{}, {}", kTmp, bandRows);
    line("blt x{}, x{}, {}_band", kQ, kTmp, tag);
    line("setf mte2, v, 0");

    // V: the output rows.
    line("waitf mte2, v, 0");
    line("waitf mte3, v, 0");
    if (widen_)
      widenBand(tag, bandRows, c);
    // A column tile's padding slots held another tile's pixels (the
    // barrier: after the zero-filled rows' vdups).
    if (c.refill && (c.slotLeft || c.fillRight))
      line("barrier v");
    if (c.refill && c.slotLeft)
      fillSlots(tag, bandRows, 0, c.slotLeft, ct, cBlocks);
    if (c.refill && c.fillRight)
      fillSlots(tag, bandRows, c.slotLeft + c.loadPixels, c.fillRight, ct, cBlocks);
    line("barrier v"); // the zero-filled rows
    line("add x{}, x{}, x0", kInRow, kSet);
    line("addi x{}, x{}, {}", kOutRow, kSet, l_.bandRows * l_.rowStride);
    line("movi x{}, {}", kRowLoop, rows);
    label(tag + "_rows");
    const std::string dt = isa::dtypeName(ctype_);
    for (uint64_t c0 = 0; c0 < ct; c0 += lanes_) {
      const uint64_t lanes = std::min(lanes_, ct - c0);
      if (lanes != lanes_)
        setMask(lanes, kTmp, kTmp2);
      for (uint64_t o0 = 0; o0 < cols; o0 += t_.vectorMaxRepeat) {
        const uint64_t reps = std::min<uint64_t>(t_.vectorMaxRepeat, cols - o0);
        const uint64_t outOff = (o0 * ct + c0) * size_;
        line("addi x{}, x{}, {}", kDst, kOutRow, outOff);
        if (k_.bias) {
          weightAddr(kSrc1, l_.weights + c0 * size_);
          line("vcopy.{} x{}, x{}, rep={}, drs={}, srs=0", dt, kDst, kSrc1, reps, cBlocks);
        } else {
          line("vdup.{} x{}, x{}, rep={}, drs={}", dt, kDst, kFill, reps, cBlocks);
        }
        for (uint64_t i = 0; i < k_.kh; ++i)
          for (uint64_t j = 0; j < k_.kw; ++j) {
            const uint64_t inOff =
                i * k_.dilH * l_.rowStride + ((o0 * k_.strideW + j * k_.dilW) * ct + c0) * size_;
            line("addi x{}, x{}, {}", kSrc0, kInRow, inOff);
            // Each tap accumulates into what the one before wrote.
            line("barrier v");
            if (!conv()) {
              line("{}.{} x{}, x{}, x{}, rep={}, drs={}, s0rs={}, s1rs={}",
                   k_.op == DepthwiseKernel::Op::MaxPool ? "vmax" : "vadd", dt, kDst, kDst, kSrc0,
                   reps, cBlocks, cBlocks, k_.strideW * cBlocks);
              continue;
            }
            weightAddr(kSrc1, ((i * k_.kw + j) * cp_ + c0) * size_);
            line("vmla.{} x{}, x{}, x{}, rep={}, drs={}, s0rs={}, s1rs=0", dt, kDst, kSrc0, kSrc1,
                 reps, cBlocks, k_.strideW * cBlocks);
          }
        if (k_.op == DepthwiseKernel::Op::AvgPool) {
          line("barrier v");
          line("vmuls.{} x{}, x{}, x{}, rep={}, drs={}, srs={}", dt, kDst, kDst, kScale, reps,
               cBlocks, cBlocks);
        }
        if (k_.relu) {
          line("barrier v");
          line("vrelu.{} x{}, x{}, rep={}, drs={}, srs={}", dt, kDst, kDst, reps, cBlocks, cBlocks);
        }
      }
      if (lanes != lanes_)
        setMask(lanes_, kTmp, kTmp2);
    }
    line("addi x{0}, x{0}, {1}", kInRow, k_.strideH * l_.rowStride);
    line("addi x{0}, x{0}, {1}", kOutRow, l_.outRowBytes);
    line("addi x{0}, x{0}, -1", kRowLoop);
    line("bne x{}, x0, {}_rows", kRowLoop, tag);
    if (widen_) {
      // The rows in the GM type (a last column tile's rows keep the full
      // tile's stride: its unused columns convert too and are not stored).
      line("barrier v");
      line("addi x{}, x{}, {}", kDst, kSet, l_.stageOut);
      line("addi x{}, x{}, {}", kSrc0, kSet, l_.bandRows * l_.rowStride);
      convertElements(kDst, k_.type, kSrc0, ctype_, rows * p_.cols * ct);
    }
    line("setf v, mte2, 0");
    line("setf v, mte3, 0");
    // MTE3: the output rows: Y + ((img * OH + band * rows) * OW + first
    // column) * C * size.
    line("waitf v, mte3, 0");
    line("movi x{}, {}", kTmp, k_.outH());
    line("mul x{}, x{}, x{}", kYTile, kImg, kTmp);
    line("movi x{}, {}", kTmp, p_.rows);
    line("mul x{}, x{}, x{}", kTmp, kBand, kTmp);
    line("add x{0}, x{0}, x{1}", kYTile, kTmp);
    line("movi x{}, {}", kTmp, ow * pixelBytes);
    line("mul x{0}, x{0}, x{1}", kYTile, kTmp);
    line("add x{0}, x{0}, x{1}", kYTile, kY);
    line("add x{0}, x{0}, x{1}", kYTile, kCBytes);
    line("addi x{}, x{}, {}", kUb, kSet, widen_ ? l_.stageOut : l_.bandRows * l_.rowStride);
    // The chunk's channels of each output pixel, C - ct channels apart
    // (padded: exactly C channels of each pixel); a whole-width tile's rows
    // are contiguous in Y, a column tile's one burst set a row.
    auto store = [&](uint64_t pixels) {
      if (padded_)
        line("dmapad_ub_gm x{}, x{}, nburst={}, lenb={}", kYTile, kUb, pixels, pixelBytes);
      else
        line("dma_ub_gm x{}, x{}, nburst={}, len={}, dgap={}", kYTile, kUb, pixels, dmaBlocks,
             gapBlocks);
    };
    if (cols == ow) {
      store(rows * ow);
    } else {
      line("movi x{}, {}", kTmp, p_.cols * pixelBytes);
      line("mul x{}, x{}, x{}", kTmp, kCol, kTmp);
      line("add x{0}, x{0}, x{1}", kYTile, kTmp);
      line("movi x{}, {}", kRowLoop, rows);
      label(tag + "_store");
      store(cols);
      line("addi x{0}, x{0}, {1}", kYTile, ow * pixelBytes);
      line("addi x{0}, x{0}, {1}", kUb, widen_ ? l_.stageOutRow : l_.outRowBytes);
      line("addi x{0}, x{0}, -1", kRowLoop);
      line("bne x{}, x0, {}_store", kRowLoop, tag);
    }
    line("setf mte3, v, 0");
    line("xor x{0}, x{0}, x{1}", kSet, kSetFlip);
    line("movi x{}, {}", kTmp, p_.vectorCores);
    line("add x{0}, x{0}, x{1}", kTile, kTmp);
    line("jmp tile_loop");
  }

  const DepthwiseKernel &k_;
  const DepthwisePlan &p_;
  const Layout &l_;
  isa::DType ctype_; ///< what the vector unit computes in (f32 for bf16)
  unsigned size_;    ///< its bytes
  unsigned gs_;      ///< bytes of an element in GM
  bool widen_;       ///< bf16: staged in UB, widened and narrowed by vcvt
  uint64_t lanes_, cp_;
  bool padded_;
  uint64_t ct_;
};

} // namespace

uint64_t DepthwiseKernel::outH() const {
  const uint64_t span = dilH * (kh - 1) + 1;
  return h + padT + padB < span || !strideH ? 0 : (h + padT + padB - span) / strideH + 1;
}
uint64_t DepthwiseKernel::outW() const {
  const uint64_t span = dilW * (kw - 1) + 1;
  return w + padL + padR < span || !strideW ? 0 : (w + padL + padR - span) / strideW + 1;
}

isa::DType depthwiseComputeType(const DepthwiseKernel &k) {
  return k.type == isa::DType::BF16 ? isa::DType::F32 : k.type;
}

unsigned depthwiseArgCount(const DepthwiseKernel &k) {
  return k.op != DepthwiseKernel::Op::Conv ? 2 : k.bias ? 4 : 3;
}

uint64_t depthwisePaddedChannels(const DepthwiseKernel &k) {
  const uint64_t unit = 32 / std::max(1u, isa::dtypeBits(k.type) / 8);
  return roundUp(k.c, unit);
}

std::vector<float> packDepthwiseWeights(const DepthwiseKernel &k, const float *weights) {
  const uint64_t cp = depthwisePaddedChannels(k);
  std::vector<float> out(k.kh * k.kw * cp, 0.0f);
  for (uint64_t ch = 0; ch < k.c; ++ch)
    for (uint64_t tap = 0; tap < k.kh * k.kw; ++tap)
      out[tap * cp + ch] = weights[ch * k.kh * k.kw + tap];
  return out;
}

std::string DepthwisePlan::describe() const {
  return fmt::format("{} tiles of {} output rows x {} channels{} on {} vector cores", tiles, rows,
                     channels, colTiles > 1 ? fmt::format(" x {} columns", cols) : "", vectorCores);
}

Result<DepthwisePlan> planDepthwise(const DepthwiseKernel &k, const target::TargetDesc &t,
                                    unsigned rank) {
  auto fail = [&](const std::string &why) {
    return Error(fmt::format("depthwise kernel '{}': {}", k.name, why));
  };
  if (k.type != isa::DType::F32 && k.type != isa::DType::F16 && k.type != isa::DType::BF16)
    return fail(
        fmt::format("element type {} (f32, f16 and bf16 are generated)", isa::dtypeName(k.type)));
  // size: the compute type's bytes; gs: GM's (bf16 computes in f32).
  const uint64_t size = isa::dtypeBits(depthwiseComputeType(k)) / 8,
                 gs = isa::dtypeBits(k.type) / 8;
  if (!k.batch || !k.c || !k.h || !k.w || !k.kh || !k.kw || !k.strideH || !k.strideW || !k.dilH ||
      !k.dilW)
    return fail("an empty dimension or a zero stride or dilation");
  if (!k.outH() || !k.outW())
    return fail("the window is larger than the padded input");
  if (k.op != DepthwiseKernel::Op::Conv && (k.bias || k.relu))
    return fail("a pool with a bias or ReLU");

  if (!t.hasPath(target::Path::GmToUb) || !t.hasPath(target::Path::UbToGm))
    return fail(t.name + " has no GM<->UB path");
  if (t.eventIds < 2)
    return fail(t.name + " has fewer than 2 event ids");
  if (!t.vectorMaxRepeat)
    return fail(t.name + " has no vector repeats");

  const VectorCores vc(t);
  const uint64_t ub = t.buffer(target::MemSpace::UB).sizeBytes;
  const auto &load = *t.path(target::Path::GmToUb);
  const auto &store = *t.path(target::Path::UbToGm);
  const uint64_t oh = k.outH(), ow = k.outW();
  const uint64_t lanes = kRepeatBytes / size, unit = 32 / gs;
  PlanChoice<DepthwisePlan> choice;
  DepthwisePlan plan;
  // Column tiles: whole rows, or ceil(outW / n) output columns when no
  // whole-row tile fits (the first few splits that do). Splitting rows
  // that fit is not offered: the per-tile scalar work, padding refills and
  // per-row stores it adds are not in this model, and on the PP-OCR
  // detector the splits it preferred simulated slower. Channel chunks: divisors of C in whole
  // blocks, whose repeat stride (chunk x stride) fits the instruction field; C padded to whole
  // blocks in UB when it is not (one chunk, ct the padded count).
  const uint64_t cp = depthwisePaddedChannels(k);
  uint64_t fitAt = 0; ///< the first split count with a plan that fits
  unsigned triedAfter = 0;
  for (uint64_t n = 1, prevCols = 0; n <= ow; ++n) {
    const uint64_t cols = ceilDiv(ow, n);
    if (cols == prevCols)
      continue;
    prevCols = cols;
    if (fitAt == 1 || (fitAt && ++triedAfter > 3))
      break;
    const ColSplit split = colSplitOf(k, cols, t.vectorMaxRepeat);
    if (!split.ok)
      continue;
    for (uint64_t ct = cp; ct >= unit; ct -= unit) {
      if ((cp != k.c && ct != cp) || (cp == k.c && k.c % ct) ||
          (ct * size / 32) * k.strideW > 255 || (k.c - std::min(k.c, ct)) * gs / 32 > 0xFFFF)
        continue;
      const uint64_t chunks = ceilDiv(ct, lanes);
      const uint64_t instrPerRow =
          chunks * ceilDiv(cols, t.vectorMaxRepeat) * (1 + k.kh * k.kw + (k.relu ? 1 : 0));
      for (uint64_t rows = 1; rows <= oh; ++rows) {
        const Layout l = layoutOf(k, rows, cols, ct);
        if (l.weights + l.bias + 2 * l.set > ub || (split.count == 1 && rows * ow > 0xFFFF))
          break;
        fitAt = fitAt ? fitAt : n;
        const uint64_t tiles = k.batch * ceilDiv(oh, rows) * split.count * (cp / ct);
        const uint64_t cores = std::min<uint64_t>(vc.available, tiles);
        const uint64_t perCore = ceilDiv(tiles, cores);
        // Per tile: its band in, the vector work, its rows out; the three
        // overlap across tiles, so the slowest sets the pace.
        const uint64_t loaded = split.count == 1 ? k.w : inColsOf(k, cols);
        const double in = double(l.bandRows * loaded * ct * gs),
                     out = double(rows * cols * ct * gs);
        const double loadCycles =
            in / std::min(double(load.bytesPerCycle), t.hbmBytesPerCycle() / double(cores));
        const double storeCycles =
            out / std::min(double(store.bytesPerCycle), t.hbmBytesPerCycle() / double(cores));
        const double perInstr = std::max<double>(
            t.vectorMinCycles, double(std::min<uint64_t>(cols, t.vectorMaxRepeat) * kRepeatBytes) /
                                   t.vectorBytesPerCycle);
        // Column tiles refill their padding slots: a few short vdups a band row.
        const double fills =
            split.count == 1 ? 0.0 : double(l.bandRows * chunks) * double(t.vectorMinCycles);
        // bf16: each band row widened, the output rows narrowed (64 lanes a
        // vcvt repeat).
        const double converts =
            gs == size
                ? 0.0
                : double(l.bandRows * ceilDiv(loaded * ct, 64) + ceilDiv(rows * cols * ct, 64)) *
                      double(kRepeatBytes) / t.vectorBytesPerCycle;
        const double compute = double(rows * instrPerRow) * perInstr + fills + converts;
        const double tile = std::max({loadCycles, storeCycles, compute});
        const double cycles = double(perCore) * tile + load.latencyCycles + store.latencyCycles +
                              loadCycles + storeCycles;
        plan.rows = rows;
        plan.cols = cols;
        plan.colTiles = split.count;
        plan.channels = std::min(ct, k.c);
        plan.tiles = tiles;
        plan.vectorCores = vc.launched(cores);
        plan.blockDim = vc.blockDim(cores);
        choice.offer(cycles, plan);
      }
    }
  }
  return choice.result(
      rank, t,
      fail(fmt::format("one output row's band of one channel block does not fit the {} B "
                       "unified buffer twice",
                       ub)),
      "depthwise", k.name);
}

Result<GeneratedDepthwise> generateDepthwise(const DepthwiseKernel &k, const target::TargetDesc &t,
                                             unsigned rank) {
  Result<DepthwisePlan> plan = planDepthwise(k, t, rank);
  if (!plan)
    return plan.error();
  GeneratedDepthwise g;
  g.plan = *plan;
  const Layout layout =
      layoutOf(k, plan->rows, plan->cols,
               plan->channels == k.c ? depthwisePaddedChannels(k) : plan->channels);
  // Weights, bias, then two sets of (input band, output rows).
  const uint64_t setBase = layout.weights + layout.bias;
  g.buffers = {{"weights", target::MemSpace::UB, 0, layout.weights},
               {"bias", target::MemSpace::UB, layout.weights, layout.bias}};
  for (uint64_t s = 0; s < 2; ++s) {
    const uint64_t band = layout.bandRows * layout.rowStride;
    g.buffers.push_back(
        {fmt::format("band {}", s), target::MemSpace::UB, setBase + s * layout.set, band});
    const uint64_t out = layout.stage ? layout.stage : layout.set;
    g.buffers.push_back({fmt::format("output rows {}", s), target::MemSpace::UB,
                         setBase + s * layout.set + band, out - band});
    if (layout.stage) {
      g.buffers.push_back({fmt::format("staged band {}", s), target::MemSpace::UB,
                           setBase + s * layout.set + layout.stage,
                           layout.stageOut - layout.stage});
      g.buffers.push_back({fmt::format("narrowed output rows {}", s), target::MemSpace::UB,
                           setBase + s * layout.set + layout.stageOut,
                           layout.set - layout.stageOut});
    }
  }
  if (std::optional<Error> e = verifyBuffers("depthwise", k.name, g.buffers, t))
    return *e;
  const uint64_t gs = isa::dtypeBits(k.type) / 8,
                 size = isa::dtypeBits(depthwiseComputeType(k)) / 8;
  g.argBytes = {k.batch * k.h * k.w * k.c * gs};
  if (k.op == DepthwiseKernel::Op::Conv)
    g.argBytes.push_back(k.kh * k.kw * depthwisePaddedChannels(k) * size);
  if (k.bias)
    g.argBytes.push_back(k.c * size);
  g.argBytes.push_back(k.batch * k.outH() * k.outW() * k.c * gs);
  g.assembly = Emitter(k, g.plan, layout, t).run();
  Result<isa::Program> program = assembleKernel("depthwise", k.name, g.assembly);
  if (!program)
    return program.error();
  g.program = std::move(*program);
  return g;
}

std::vector<float> evaluateDepthwise(const DepthwiseKernel &k, const std::vector<float> &x,
                                     const std::vector<float> &w, const std::vector<float> &bias) {
  // One multiply-add, rounded once: f32 by fmaf; f16 from the exact sum in
  // double (a product of two f16 values has 22 significant bits, so the
  // sum is exact while the operands' exponents are within 30 of each
  // other, as in the tests).
  // round: to the compute type; x arrives, and y leaves, in k.type (bf16
  // values widen exactly, the result rounds once to bf16).
  const bool f32 = depthwiseComputeType(k) == isa::DType::F32;
  auto fma = [&](float a, float b, float c) -> float {
    if (f32)
      return std::fmaf(a, b, c);
    return num::f16ToF32(uint16_t(num::encode(num::kF16, double(a) * double(b) + double(c))));
  };
  auto round = [&](float v) { return f32 ? v : num::f16ToF32(num::f32ToF16(v)); };
  auto storage = [&](float v) {
    return k.type == isa::DType::BF16 ? num::bf16ToF32(num::f32ToBf16(v)) : v;
  };
  const uint64_t oh = k.outH(), ow = k.outW();
  std::vector<float> y(k.batch * oh * ow * k.c);
  for (uint64_t n = 0; n < k.batch; ++n)
    for (uint64_t r = 0; r < oh; ++r)
      for (uint64_t q = 0; q < ow; ++q)
        for (uint64_t ch = 0; ch < k.c; ++ch) {
          const bool max = k.op == DepthwiseKernel::Op::MaxPool;
          const float fill = max ? -std::numeric_limits<float>::infinity() : 0.0f;
          float acc = k.bias ? round(bias[ch]) : fill;
          for (uint64_t i = 0; i < k.kh; ++i)
            for (uint64_t j = 0; j < k.kw; ++j) {
              const int64_t row = int64_t(r * k.strideH + i * k.dilH) - int64_t(k.padT);
              const int64_t col = int64_t(q * k.strideW + j * k.dilW) - int64_t(k.padL);
              float xv = fill;
              if (row >= 0 && row < int64_t(k.h) && col >= 0 && col < int64_t(k.w))
                xv =
                    round(storage(x[((n * k.h + uint64_t(row)) * k.w + uint64_t(col)) * k.c + ch]));
              if (max)
                acc = std::isnan(acc) || std::isnan(xv) ? xv + acc : std::max(acc, xv);
              else if (k.op == DepthwiseKernel::Op::AvgPool)
                acc = round(acc + xv);
              else
                acc = fma(xv, round(w[(i * k.kw + j) * depthwisePaddedChannels(k) + ch]), acc);
            }
          if (k.op == DepthwiseKernel::Op::AvgPool)
            acc = round(acc * round(1.0f / float(k.kh * k.kw)));
          y[((n * oh + r) * ow + q) * k.c + ch] =
              storage(k.relu && !(acc > 0) && !std::isnan(acc) ? 0.0f : acc);
        }
  return y;
}

} // namespace pagoda::codegen
