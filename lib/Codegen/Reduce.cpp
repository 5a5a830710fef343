//===- Reduce.cpp - Vector kernels for reductions over rows ---------------===//
//
// The program of each vector core (docs/codegen.md):
//
//   for tile t = core, core + cores, ...        (image b, channels ct at c0)
//     V     wait acc[s] free; acc = 0 (or -inf for max)
//     for block of rows:
//       MTE2  wait blk[q] free; the block's rows of the chunk (strided DMA)
//       V     wait loaded; per lane chunk one vadd/vmax over the block's
//             rows into acc (source repeat stride = a row); blk[q] free
//     V     mean: acc *= 1/R
//     MTE3  acc out; acc[s] free
//
//===----------------------------------------------------------------------===//

#include "pagoda/Codegen/Reduce.h"

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
  kY = 2,
  kCore = 3,
  kTile = 4,
  kTiles = 5,
  kImg = 6,
  kChunk = 7,
  kSrc = 8, ///< GM address of the next block
  kAcc = 9, ///< this tile's accumulator (toggled)
  kAccFlip = 10,
  kBlk = 11, ///< this block's buffer (toggled)
  kBlkFlip = 12,
  kLoop = 13,
  kTmp = 14,
  kTmp2 = 15,
  kDst = 16,
  kSrc1 = 17,
  kScale = 18,
  kStage = 19, ///< 16-bit tensors: this block's 16-bit rows (toggled)
  kOut16 = 20, ///< 16-bit tensors: this tile's 16-bit results (toggled)
};

/// UB bytes: two f32 accumulators, two f32 row blocks and, for f16
/// tensors, two 16-bit stages of rows and two of results.
struct Layout {
  uint64_t cp = 0;               ///< channels of a row in UB (whole blocks of the GM type)
  uint64_t acc = 0, blk = 0;     ///< one accumulator, one f32 block of rows
  uint64_t stage = 0, out16 = 0; ///< one 16-bit block of rows, one 16-bit result
  uint64_t blkAt = 0, stageAt = 0, out16At = 0, end = 0;
};

/// Channels of a chunk of `ct` as a UB row holds them: whole 32-byte
/// blocks of the tensor's type (a chunk of partial blocks is all of C).
uint64_t paddedChannels(const ReduceKernel &k, uint64_t ct) {
  return roundUp(ct, 32 / (isa::dtypeBits(k.type) / 8));
}

Layout layoutOf(const ReduceKernel &k, uint64_t ct, uint64_t blockRows) {
  const bool half = k.type != isa::DType::F32;
  Layout l;
  l.cp = paddedChannels(k, ct);
  l.acc = roundUp(l.cp * 4, kRepeatBytes);
  l.blk = roundUp(blockRows * l.cp * 4, kRepeatBytes);
  l.stage = half ? roundUp(blockRows * l.cp * 2, kRepeatBytes) : 0;
  l.out16 = half ? roundUp(l.cp * 2, kRepeatBytes) : 0;
  l.blkAt = 2 * l.acc;
  l.stageAt = l.blkAt + 2 * l.blk;
  l.out16At = l.stageAt + 2 * l.stage;
  l.end = l.out16At + 2 * l.out16;
  return l;
}

class Emitter : VectorWriter {
public:
  Emitter(const ReduceKernel &k, const ReducePlan &p, const Layout &l, const target::TargetDesc &t)
      : VectorWriter(t), k_(k), p_(p), l_(l), size_(isa::dtypeBits(k.type) / 8),
        half_(k.type != isa::DType::F32) {}

  std::string run() {
    static const char *names[] = {"sum", "mean", "max"};
    header(k_.name);
    comment("Y[{}][{}] = {} over r of X[{}][{}][{}], {}{}: {}", k_.batch, k_.cols,
            names[int(k_.op)], k_.batch, k_.rows, k_.cols, isa::dtypeName(k_.type),
            half_ ? " computed in f32" : "", p_.describe());
    line("ldarg x{}, 0", kX);
    line("ldarg x{}, 1", kY);
    coreIndex(kCore, kTmp);
    // UB: two accumulators, two row blocks (and their 16-bit stages and
    // results), each pair toggled by xor.
    line("movi x{}, 0", kAcc);
    line("movi x{}, {}", kAccFlip, l_.acc);
    line("movi x{}, {}", kBlk, l_.blkAt);
    line("movi x{}, {}", kBlkFlip, l_.blkAt ^ (l_.blkAt + l_.blk));
    if (half_) {
      line("movi x{}, {}", kStage, l_.stageAt);
      line("movi x{}, {}", kOut16, l_.out16At);
    }
    if (k_.op == ReduceOp::Mean)
      line("movi x{}, {:#x}", kScale, num::floatBits(1.0f / float(k_.rows)));
    creditedTiles(kFreeFlags, {kCore, kTile, kTiles, kTmp}, p_.tiles, 1, 0, p_.vectorCores,
                  [&](uint64_t) { tile(); });
    return take();
  }

private:
  /// Whether a chunk's rows are whole blocks (else one chunk, rows padded
  /// by byte-granular DMA).
  bool whole() const { return (p_.channels * size_) % 32 == 0; }

  /// Tile kTile: one image's chunk of channels, all its rows.
  void tile() {
    const uint64_t chunks = k_.cols / p_.channels, rowBytes = k_.cols * size_;
    line("movi x{}, {}", kTmp, chunks);
    line("divu x{}, x{}, x{}", kImg, kTile, kTmp);
    line("remu x{}, x{}, x{}", kChunk, kTile, kTmp);
    // X + (img * R * C + chunk * ct) * size.
    line("movi x{}, {}", kTmp, k_.rows * rowBytes);
    line("mul x{}, x{}, x{}", kSrc, kImg, kTmp);
    line("movi x{}, {}", kTmp, p_.channels * size_);
    line("mul x{}, x{}, x{}", kTmp2, kChunk, kTmp);
    line("add x{0}, x{0}, x{1}", kSrc, kTmp2);
    line("add x{0}, x{0}, x{1}", kSrc, kX);
    // V: the accumulator starts at the operation's identity.
    line("waitf mte3, v, 0");
    line("barrier v"); // the previous tile's reads of this accumulator
    const uint64_t accReps = l_.acc / kRepeatBytes;
    if (k_.op == ReduceOp::Max)
      line("movi x{}, {:#x}", kTmp, 0xFF800000u);
    line("vdup.f32 x{}, x{}, rep={}", kAcc, k_.op == ReduceOp::Max ? unsigned(kTmp) : 0u, accReps);
    const uint64_t full = k_.rows / p_.blockRows, rest = k_.rows % p_.blockRows;
    if (full) {
      line("movi x{}, {}", kLoop, full);
      label("block_loop");
      block(p_.blockRows);
      line("addi x{0}, x{0}, -1", kLoop);
      line("bne x{}, x0, block_loop", kLoop);
    }
    if (rest)
      block(rest);
    if (k_.op == ReduceOp::Mean) {
      line("barrier v");
      line("vmuls.f32 x{}, x{}, x{}, rep={}", kAcc, kAcc, kScale, accReps);
    }
    if (half_) { // narrowed for the store
      line("barrier v");
      convert(kOut16, k_.type, kAcc, isa::DType::F32, ceilDiv(l_.cp, 64), kDst, kSrc1);
    }
    line("setf v, mte3, 0");
    // MTE3: the chunk of Y.
    line("waitf v, mte3, 0");
    line("movi x{}, {}", kTmp, rowBytes);
    line("mul x{}, x{}, x{}", kDst, kImg, kTmp);
    line("add x{0}, x{0}, x{1}", kDst, kTmp2);
    line("add x{0}, x{0}, x{1}", kDst, kY);
    const unsigned from = half_ ? kOut16 : kAcc;
    if (whole())
      line("dma_ub_gm x{}, x{}, len={}", kDst, from, p_.channels * size_ / 32);
    else
      line("dmapad_ub_gm x{}, x{}, lenb={}", kDst, from, p_.channels * size_);
    line("setf mte3, v, 0");
    line("xor x{0}, x{0}, x{1}", kAcc, kAccFlip);
    if (half_)
      toggle(kOut16, l_.out16At, l_.out16, kTmp);
  }

  /// Accumulator free (MTE3 -> V), block buffer free (V -> MTE2).
  static constexpr const char *kFreeFlags[] = {"mte3, v, 0", "v, mte2, 0"};

  /// One block of `rows` rows: in, then folded into the accumulator.
  void block(uint64_t rows) {
    const uint64_t cp = l_.cp;
    const unsigned in = half_ ? kStage : kBlk;
    line("waitf v, mte2, 0");
    if (whole())
      line("dma_gm_ub x{}, x{}, nburst={}, len={}, sgap={}", in, kSrc, rows,
           p_.channels * size_ / 32, (k_.cols - p_.channels) * size_ / 32);
    else // all of C: each row padded to whole blocks
      line("dmapad_gm_ub x{}, x{}, nburst={}, lenb={}", in, kSrc, rows, k_.cols * size_);
    line("setf mte2, v, 0");
    line("movi x{}, {}", kTmp, rows * k_.cols * size_);
    line("add x{0}, x{0}, x{1}", kSrc, kTmp);
    line("waitf mte2, v, 0");
    if (half_) {
      // Widened: element e of the stage to element e of the block.
      line("barrier v"); // the last block's fold read these f32 rows
      convert(kBlk, isa::DType::F32, kStage, k_.type, ceilDiv(rows * cp, 64), kDst, kSrc1);
    }
    const uint64_t lanes = kRepeatBytes / 4;
    const char *op = k_.op == ReduceOp::Max ? "vmax" : "vadd";
    for (uint64_t c0 = 0; c0 < cp; c0 += lanes) {
      const uint64_t n = std::min(lanes, cp - c0);
      if (n != lanes)
        setMask(n, kTmp, kDst);
      line("addi x{}, x{}, {}", kDst, kAcc, c0 * 4);
      line("addi x{}, x{}, {}", kSrc1, kBlk, c0 * 4);
      // It folds into what the last block (or the identity) left there.
      line("barrier v");
      line("{}.f32 x{}, x{}, x{}, rep={}, drs=0, s0rs=0, s1rs={}", op, kDst, kDst, kSrc1, rows,
           cp * 4 / 32);
      if (n != lanes)
        setMask(lanes, kTmp, kDst);
    }
    line("setf v, mte2, 0");
    line("xor x{0}, x{0}, x{1}", kBlk, kBlkFlip);
    if (half_)
      toggle(kStage, l_.stageAt, l_.stage, kTmp);
  }

  const ReduceKernel &k_;
  const ReducePlan &p_;
  const Layout &l_;
  unsigned size_;
  bool half_; ///< 16-bit tensors (f16 or bf16)
};

} // namespace

std::string ReducePlan::describe() const {
  return fmt::format("{} tiles of {} channels, blocks of {} rows, on {} vector cores", tiles,
                     channels, blockRows, vectorCores);
}

Result<ReducePlan> planReduce(const ReduceKernel &k, const target::TargetDesc &t, unsigned rank) {
  auto fail = [&](const std::string &why) {
    return Error(fmt::format("reduce kernel '{}': {}", k.name, why));
  };
  if (k.type != isa::DType::F32 && k.type != isa::DType::F16 && k.type != isa::DType::BF16)
    return fail(fmt::format("element type {} (f32, f16 and bf16 tensors are generated, summed in "
                            "f32)",
                            isa::dtypeName(k.type)));
  const uint64_t size = isa::dtypeBits(k.type) / 8;
  if (!k.batch || !k.rows || !k.cols)
    return fail("an empty dimension");
  if (!t.hasPath(target::Path::GmToUb) || !t.hasPath(target::Path::UbToGm) || t.eventIds < 2 ||
      !t.vectorMaxRepeat)
    return fail(t.name + " lacks a GM<->UB path, event ids or vector repeats");
  const VectorCores vc(t);
  const uint64_t ub = t.buffer(target::MemSpace::UB).sizeBytes;
  const auto &load = *t.path(target::Path::GmToUb);
  const uint64_t unit = 32 / size, lanes = kRepeatBytes / 4;
  const bool partial = (k.cols * size) % 32 != 0;
  PlanChoice<ReducePlan> choice;
  ReducePlan plan;
  // Chunks of whole blocks that divide C; C of partial blocks is one chunk.
  for (uint64_t ct = k.cols; ct >= (partial ? k.cols : unit); ct -= partial ? k.cols : unit) {
    const uint64_t cp = paddedChannels(k, ct);
    if (k.cols % ct || cp * 4 / 32 > 255 || (k.cols - ct) * size / 32 > 0xFFFF)
      continue;
    // The most rows whose buffers fit UB (the layout grows with them).
    uint64_t maxRows = std::min<uint64_t>({k.rows, t.vectorMaxRepeat, 0xFFFF});
    while (maxRows && layoutOf(k, ct, maxRows).end > ub)
      maxRows = std::min(maxRows - 1, maxRows * ub / layoutOf(k, ct, maxRows).end);
    if (!maxRows)
      continue;
    const uint64_t tiles = k.batch * (k.cols / ct);
    const uint64_t cores = std::min<uint64_t>(vc.available, tiles);
    const uint64_t perCore = ceilDiv(tiles, cores);
    const double bytes = double(k.rows * ct * size);
    const double loadCycles =
        bytes / std::min(double(load.bytesPerCycle), t.hbmBytesPerCycle() / double(cores));
    auto instr = [&](uint64_t rep) {
      return std::max<double>(t.vectorMinCycles,
                              double(rep * kRepeatBytes) / t.vectorBytesPerCycle);
    };
    // Per block: the fold per lane chunk (f16: and the widening vcvt).
    const double perBlock = double(ceilDiv(cp, lanes)) * instr(maxRows) +
                            (size == 2 ? instr(ceilDiv(maxRows * cp, 64)) : 0.0);
    const double compute = double(ceilDiv(k.rows, maxRows)) * perBlock;
    const double cycles = double(perCore) * std::max(loadCycles, compute) + load.latencyCycles +
                          2 * t.vectorMinCycles;
    plan.channels = ct;
    plan.blockRows = maxRows;
    plan.tiles = tiles;
    plan.vectorCores = vc.launched(cores);
    plan.blockDim = vc.blockDim(cores);
    choice.offer(cycles, plan);
  }
  return choice.result(rank, t,
                       fail(fmt::format("no block of rows fits the {} B unified buffer", ub)),
                       "reduce", k.name);
}

Result<GeneratedReduce> generateReduce(const ReduceKernel &k, const target::TargetDesc &t,
                                       unsigned rank) {
  Result<ReducePlan> plan = planReduce(k, t, rank);
  if (!plan)
    return plan.error();
  GeneratedReduce g;
  g.plan = *plan;
  const Layout l = layoutOf(k, plan->channels, plan->blockRows);
  for (uint64_t s = 0; s < 2; ++s) {
    g.buffers.push_back({fmt::format("accumulator {}", s), target::MemSpace::UB, s * l.acc, l.acc});
    g.buffers.push_back(
        {fmt::format("rows {}", s), target::MemSpace::UB, l.blkAt + s * l.blk, l.blk});
    g.buffers.push_back(
        {fmt::format("16-bit rows {}", s), target::MemSpace::UB, l.stageAt + s * l.stage, l.stage});
    g.buffers.push_back({fmt::format("16-bit results {}", s), target::MemSpace::UB,
                         l.out16At + s * l.out16, l.out16});
  }
  if (std::optional<Error> e = verifyBuffers("reduce", k.name, g.buffers, t))
    return *e;
  const uint64_t size = isa::dtypeBits(k.type) / 8;
  g.argBytes = {k.batch * k.rows * k.cols * size, k.batch * k.cols * size};
  g.assembly = Emitter(k, g.plan, l, t).run();
  Result<isa::Program> program = assembleKernel("reduce", k.name, g.assembly);
  if (!program)
    return program.error();
  g.program = std::move(*program);
  return g;
}

std::vector<float> evaluateReduce(const ReduceKernel &k, const std::vector<float> &x) {
  std::vector<float> y(k.batch * k.cols);
  for (uint64_t b = 0; b < k.batch; ++b)
    for (uint64_t c = 0; c < k.cols; ++c) {
      float acc = k.op == ReduceOp::Max ? -std::numeric_limits<float>::infinity() : 0.0f;
      for (uint64_t r = 0; r < k.rows; ++r) {
        const float v = x[(b * k.rows + r) * k.cols + c];
        if (k.op == ReduceOp::Max)
          acc = std::isnan(acc) || std::isnan(v) ? std::numeric_limits<float>::quiet_NaN()
                                                 : std::max(acc, v);
        else
          acc = acc + v;
      }
      if (k.op == ReduceOp::Mean)
        acc = acc * (1.0f / float(k.rows));
      // 16-bit tensors: summed in f32, narrowed once.
      y[b * k.cols + c] = k.type == isa::DType::F16    ? num::f16ToF32(num::f32ToF16(acc))
                          : k.type == isa::DType::BF16 ? num::bf16ToF32(num::f32ToBf16(acc))
                                                       : acc;
    }
  return y;
}

} // namespace pagoda::codegen
