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
};

struct Layout {
  uint64_t acc = 0, blk = 0; ///< bytes of one accumulator, one block buffer
};

Layout layoutOf(const ReduceKernel &k, uint64_t ct, uint64_t blockRows) {
  const uint64_t size = isa::dtypeBits(k.type) / 8;
  return {roundUp(ct * size, kRepeatBytes), blockRows * ct * size};
}

class Emitter : VectorWriter {
public:
  Emitter(const ReduceKernel &k, const ReducePlan &p, const Layout &l, const target::TargetDesc &t)
      : VectorWriter(t), k_(k), p_(p), l_(l), size_(isa::dtypeBits(k.type) / 8),
        dt_(isa::dtypeName(k.type)) {}

  std::string run() {
    static const char *names[] = {"sum", "mean", "max"};
    header(k_.name);
    comment("Y[{}][{}] = {} over r of X[{}][{}][{}], {}: {}", k_.batch, k_.cols, names[int(k_.op)],
            k_.batch, k_.rows, k_.cols, dt_, p_.describe());
    line("ldarg x{}, 0", kX);
    line("ldarg x{}, 1", kY);
    coreIndex(kCore, kTmp);
    // UB: two accumulators, then two block buffers.
    line("movi x{}, 0", kAcc);
    line("movi x{}, {}", kAccFlip, l_.acc);
    line("movi x{}, {}", kBlk, 2 * l_.acc);
    line("movi x{}, {}", kBlkFlip, (2 * l_.acc) ^ (2 * l_.acc + l_.blk));
    if (k_.op == ReduceOp::Mean)
      line("movi x{}, {:#x}", kScale, scaleBits());
    credit(kFreeFlags);
    roundRobinTiles({kCore, kTile, kTiles, kTmp}, p_.tiles, 1, 0, p_.vectorCores,
                    [&](uint64_t) { tile(); });
    takeBack(kFreeFlags);
    line("halt");
    return take();
  }

private:
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
      line("movi x{}, {:#x}", kTmp, k_.type == isa::DType::F32 ? 0xFF800000u : 0xFC00u);
    line("vdup.{} x{}, x{}, rep={}", dt_, kAcc, k_.op == ReduceOp::Max ? unsigned(kTmp) : 0u,
         accReps);
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
      line("vmuls.{} x{}, x{}, x{}, rep={}", dt_, kAcc, kAcc, kScale, accReps);
    }
    line("setf v, mte3, 0");
    // MTE3: the chunk of Y.
    line("waitf v, mte3, 0");
    line("movi x{}, {}", kTmp, rowBytes);
    line("mul x{}, x{}, x{}", kDst, kImg, kTmp);
    line("add x{0}, x{0}, x{1}", kDst, kTmp2);
    line("add x{0}, x{0}, x{1}", kDst, kY);
    line("dma_ub_gm x{}, x{}, len={}", kDst, kAcc, p_.channels * size_ / 32);
    line("setf mte3, v, 0");
    line("xor x{0}, x{0}, x{1}", kAcc, kAccFlip);
  }

  /// Accumulator free (MTE3 -> V), block buffer free (V -> MTE2).
  static constexpr const char *kFreeFlags[] = {"mte3, v, 0", "v, mte2, 0"};

  uint32_t scaleBits() const {
    const float s = 1.0f / float(k_.rows);
    return k_.type == isa::DType::F32 ? num::floatBits(s) : num::f32ToF16(s);
  }

  /// One block of `rows` rows: in, then folded into the accumulator.
  void block(uint64_t rows) {
    const uint64_t cBlocks = p_.channels * size_ / 32;
    line("waitf v, mte2, 0");
    line("dma_gm_ub x{}, x{}, nburst={}, len={}, sgap={}", kBlk, kSrc, rows, cBlocks,
         (k_.cols - p_.channels) * size_ / 32);
    line("setf mte2, v, 0");
    line("movi x{}, {}", kTmp, rows * k_.cols * size_);
    line("add x{0}, x{0}, x{1}", kSrc, kTmp);
    line("waitf mte2, v, 0");
    const uint64_t lanes = kRepeatBytes / size_;
    const char *op = k_.op == ReduceOp::Max ? "vmax" : "vadd";
    for (uint64_t c0 = 0; c0 < p_.channels; c0 += lanes) {
      const uint64_t n = std::min(lanes, p_.channels - c0);
      if (n != lanes)
        setMask(n, kTmp, kDst);
      line("addi x{}, x{}, {}", kDst, kAcc, c0 * size_);
      line("addi x{}, x{}, {}", kSrc1, kBlk, c0 * size_);
      // It folds into what the last block (or the identity) left there.
      line("barrier v");
      line("{}.{} x{}, x{}, x{}, rep={}, drs=0, s0rs=0, s1rs={}", op, dt_, kDst, kDst, kSrc1, rows,
           cBlocks);
      if (n != lanes)
        setMask(lanes, kTmp, kDst);
    }
    line("setf v, mte2, 0");
    line("xor x{0}, x{0}, x{1}", kBlk, kBlkFlip);
  }

  const ReduceKernel &k_;
  const ReducePlan &p_;
  const Layout &l_;
  unsigned size_;
  std::string dt_;
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
  if (k.type != isa::DType::F32)
    return fail(fmt::format("element type {} (f32 is generated: sums need its range)",
                            isa::dtypeName(k.type)));
  const uint64_t size = isa::dtypeBits(k.type) / 8;
  if (!k.batch || !k.rows || !k.cols)
    return fail("an empty dimension");
  if ((k.cols * size) % 32)
    return fail(fmt::format("{} columns are not whole 32-byte blocks", k.cols));
  if (!t.hasPath(target::Path::GmToUb) || !t.hasPath(target::Path::UbToGm) || t.eventIds < 2 ||
      !t.vectorMaxRepeat)
    return fail(t.name + " lacks a GM<->UB path, event ids or vector repeats");
  const VectorCores vc(t);
  const uint64_t ub = t.buffer(target::MemSpace::UB).sizeBytes;
  const auto &load = *t.path(target::Path::GmToUb);
  const uint64_t unit = 32 / size, lanes = kRepeatBytes / size;
  PlanChoice<ReducePlan> choice;
  ReducePlan plan;
  for (uint64_t ct = k.cols; ct >= unit; ct -= unit) {
    if (k.cols % ct || (ct * size / 32) > 255 || (k.cols - ct) * size / 32 > 0xFFFF)
      continue;
    const uint64_t maxRows =
        std::min<uint64_t>({k.rows, t.vectorMaxRepeat, 0xFFFF,
                            (ub - 2 * roundUp(ct * size, kRepeatBytes)) / (2 * ct * size)});
    if (!maxRows)
      continue;
    const uint64_t tiles = k.batch * (k.cols / ct);
    const uint64_t cores = std::min<uint64_t>(vc.available, tiles);
    const uint64_t perCore = ceilDiv(tiles, cores);
    const double bytes = double(k.rows * ct * size);
    const double loadCycles =
        bytes / std::min(double(load.bytesPerCycle), t.hbmBytesPerCycle() / double(cores));
    const double compute =
        double(ceilDiv(k.rows, maxRows) * ceilDiv(ct, lanes)) *
        std::max<double>(t.vectorMinCycles, double(maxRows * kRepeatBytes) / t.vectorBytesPerCycle);
    const double cycles = double(perCore) * std::max(loadCycles, compute) + load.latencyCycles +
                          2 * t.vectorMinCycles;
    plan.channels = ct;
    plan.blockRows = maxRows;
    plan.tiles = tiles;
    plan.vectorCores = vc.launched(cores);
    plan.blockDim = vc.blockDim(cores);
    choice.offer(cycles, plan);
  }
  return choice.result(rank, t.launchOverheadUs * 1e-6 * t.cyclesPerSecond(),
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
        {fmt::format("rows {}", s), target::MemSpace::UB, 2 * l.acc + s * l.blk, l.blk});
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
      y[b * k.cols + c] = acc;
    }
  return y;
}

} // namespace pagoda::codegen
