//===- BlockTranspose.cpp - Transposes that move whole blocks -------------===//
//
// Y[b][s][r][e] = X[b][r][s][e] by DMA alone (docs/codegen.md). Each vector
// core takes tiles t = core, core + cores, ... (image b, rows r0..r0+rt,
// columns s0..s0+st):
//
//   MTE2  wait buf[t % 2] free; one DMA: rt bursts of st blocks (a run of
//         the source row), the rest of the row skipped -> UB [rt][st][E]
//   MTE3  wait loaded; per column s: rt bursts of one block (UB stride st
//         blocks) -> rt consecutive blocks of Y; buf free
//
// Tile sizes divide R and S, so every tile has the same shape.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Codegen/Transpose.h"

#include "VectorWriter.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace pagoda::codegen {

namespace {

enum Reg : unsigned {
  kX = 1,
  kY = 2,
  kCore = 3,
  kTile = 4,
  kTiles = 5,
  kBuf = 6,
  kBufFlip = 7,
  kSrc = 8,
  kDst = 9,
  kB = 10,
  kRem = 11,
  kRi = 12,
  kSi = 13,
  kA = 14,
  kLoop = 15,
  kTmp = 16,
  kTmp2 = 17,
};

class Emitter : VectorWriter {
public:
  Emitter(const BlockTransposeKernel &k, const BlockTransposePlan &p, const target::TargetDesc &t)
      : VectorWriter(t), k_(k), p_(p), eb_(k.block * k.elementBytes) {}

  std::string run() {
    header(k_.name);
    comment("Y[{0}][{2}][{1}][{3}] = X[{0}][{1}][{2}][{3}], {4}-byte elements: {5}", k_.batch,
            k_.rows, k_.cols, k_.block, k_.elementBytes, p_.describe());
    line("ldarg x{}, 0", kX);
    line("ldarg x{}, 1", kY);
    coreIndex(kCore, kTmp);
    const uint64_t tileBytes = p_.rt * p_.st * roundUp(eb_, 32);
    line("movi x{}, 0", kBuf);
    line("movi x{}, {}", kBufFlip, tileBytes);
    creditedTiles(kFreeFlags, {kCore, kTile, kTiles, kTmp}, p_.tiles, 1, 0, p_.vectorCores,
                  [&](uint64_t) { tile(); });
    return take();
  }

private:
  static constexpr const char *kFreeFlags[] = {"mte3, mte2, 0"};

  /// Tile kTile: image b, rows r0..r0+rt, columns s0..s0+st.
  void tile() {
    const uint64_t nr = k_.rows / p_.rt, ns = k_.cols / p_.st;
    line("movi x{}, {}", kTmp, nr * ns);
    line("divu x{}, x{}, x{}", kB, kTile, kTmp);
    line("remu x{}, x{}, x{}", kRem, kTile, kTmp);
    line("movi x{}, {}", kTmp, ns);
    line("divu x{}, x{}, x{}", kRi, kRem, kTmp);
    line("remu x{}, x{}, x{}", kSi, kRem, kTmp);
    // src = X + ((b R + ri rt) S + si st) E; dst = Y + ((b S + si st) R + ri rt) E.
    address(kSrc, kX, {k_.rows * k_.cols * eb_, p_.rt * k_.cols * eb_, p_.st * eb_});
    address(kDst, kY, {k_.cols * k_.rows * eb_, p_.rt * eb_, p_.st * k_.rows * eb_});
    line("waitf mte3, mte2, 0");
    if (eb_ % 32)
      paddedColumns();
    else
      wholeBlocks();
    line("setf mte3, mte2, 0");
    line("xor x{0}, x{0}, x{1}", kBuf, kBufFlip);
  }

  /// Blocks of whole 32-byte units: the tile's rows in with one strided
  /// DMA, each source column out with one.
  void wholeBlocks() {
    line("dma_gm_ub x{}, x{}, nburst={}, len={}, sgap={}", kBuf, kSrc, p_.rt, p_.st * eb_ / 32,
         (k_.cols - p_.st) * eb_ / 32);
    line("setf mte2, mte3, 0");
    line("waitf mte2, mte3, 0");
    line("add x{}, x{}, x0", kA, kBuf);
    line("movi x{}, {}", kLoop, p_.st);
    label("column_loop");
    line("dma_ub_gm x{}, x{}, nburst={}, len={}, sgap={}", kDst, kA, p_.rt, eb_ / 32,
         (p_.st - 1) * eb_ / 32);
    line("addi x{0}, x{0}, {1}", kA, eb_);
    line("movi x{}, {}", kTmp, k_.rows * eb_);
    line("add x{0}, x{0}, x{1}", kDst, kTmp);
    line("addi x{0}, x{0}, -1", kLoop);
    line("bne x{}, x0, column_loop", kLoop);
  }

  /// Blocks of partial units (15 floats of an attention head, 2 of a pixel
  /// shuffle): per source column, its rt blocks in byte-granular (each
  /// padded to 32 bytes in UB) and out byte-granular into rt consecutive
  /// blocks of Y.
  void paddedColumns() {
    const uint64_t padded = roundUp(eb_, 32), column = p_.rt * padded;
    line("add x{}, x{}, x0", kA, kBuf);
    line("movi x{}, {}", kLoop, p_.st);
    label("load_loop");
    line("dmapad_gm_ub x{}, x{}, nburst={}, lenb={}, gmgap={}", kA, kSrc, p_.rt, eb_,
         (k_.cols - 1) * eb_);
    line("addi x{0}, x{0}, {1}", kA, column);
    line("addi x{0}, x{0}, {1}", kSrc, eb_);
    line("addi x{0}, x{0}, -1", kLoop);
    line("bne x{}, x0, load_loop", kLoop);
    line("setf mte2, mte3, 0");
    line("waitf mte2, mte3, 0");
    line("add x{}, x{}, x0", kA, kBuf);
    line("movi x{}, {}", kLoop, p_.st);
    label("store_loop");
    line("dmapad_ub_gm x{}, x{}, nburst={}, lenb={}", kDst, kA, p_.rt, eb_);
    line("addi x{0}, x{0}, {1}", kA, column);
    line("movi x{}, {}", kTmp, k_.rows * eb_);
    line("add x{0}, x{0}, x{1}", kDst, kTmp);
    line("addi x{0}, x{0}, -1", kLoop);
    line("bne x{}, x0, store_loop", kLoop);
  }

  /// reg = base + b * strides[0] + ri * strides[1] + si * strides[2].
  void address(unsigned reg, unsigned base, std::initializer_list<uint64_t> strides) {
    const unsigned idx[] = {kB, kRi, kSi};
    line("add x{}, x{}, x0", reg, base);
    unsigned i = 0;
    for (uint64_t s : strides) {
      line("movi x{}, {}", kTmp, s);
      line("mul x{}, x{}, x{}", kTmp2, idx[i++], kTmp);
      line("add x{0}, x{0}, x{1}", reg, kTmp2);
    }
  }

  const BlockTransposeKernel &k_;
  const BlockTransposePlan &p_;
  uint64_t eb_;
};

std::vector<uint64_t> divisors(uint64_t n) {
  std::vector<uint64_t> d;
  for (uint64_t i = 1; i * i <= n; ++i)
    if (n % i == 0) {
      d.push_back(i);
      if (i * i != n)
        d.push_back(n / i);
    }
  std::sort(d.begin(), d.end());
  return d;
}

} // namespace

std::string BlockTransposePlan::describe() const {
  return fmt::format("{} tiles of {}x{} blocks on {} vector cores", tiles, rt, st, vectorCores);
}

Result<BlockTransposePlan> planBlockTranspose(const BlockTransposeKernel &k,
                                              const target::TargetDesc &t, unsigned rank) {
  auto fail = [&](const std::string &why) {
    return Error(fmt::format("block transpose kernel '{}': {}", k.name, why));
  };
  const uint64_t eb = k.block * k.elementBytes;
  if (!k.batch || !k.rows || !k.cols || !eb)
    return fail("an empty dimension");
  if (!t.hasPath(target::Path::GmToUb) || !t.hasPath(target::Path::UbToGm) || t.eventIds < 1)
    return fail(t.name + " lacks a GM<->UB path or event ids");
  if (eb % 32 == 0 && t.dmaMinAlignBytes > 32 && eb % t.dmaMinAlignBytes)
    return fail(
        fmt::format("blocks of {} bytes are not {}-byte aligned for DMA", eb, t.dmaMinAlignBytes));
  const VectorCores vc(t);
  const uint64_t ub = t.buffer(target::MemSpace::UB).sizeBytes;
  const auto &load = *t.path(target::Path::GmToUb);
  const auto &store = *t.path(target::Path::UbToGm);
  PlanChoice<BlockTransposePlan> choice;
  BlockTransposePlan plan;
  for (uint64_t rt : divisors(k.rows))
    for (uint64_t st : divisors(k.cols)) {
      // Partial units: a column at a time, each block padded to 32 bytes.
      const bool padded = eb % 32 != 0;
      const uint64_t bytes = rt * st * eb, ubBytes = rt * st * roundUp(eb, 32);
      if (2 * ubBytes > ub || rt > 0xFFFF ||
          (padded ? (k.cols - 1) * eb > 0xFFFFFFFFull
                  : st * eb / 32 > 0xFFFF || (k.cols - st) * eb / 32 > 0xFFFF ||
                        (st - 1) * eb / 32 > 0xFFFF))
        continue;
      const uint64_t tiles = k.batch * (k.rows / rt) * (k.cols / st);
      const uint64_t cores = std::min<uint64_t>(vc.available, tiles);
      const double share = t.hbmBytesPerCycle() / double(cores);
      const double in =
          double(bytes) / std::min(double(load.bytesPerCycle), share) + (padded ? double(st) : 0);
      // One store instruction per column, each with its own latency in flight.
      const double out = double(bytes) / std::min(double(store.bytesPerCycle), share) + double(st);
      const double cycles = pingPongCycles(ceilDiv(tiles, cores), in, out, 0, load, store);
      plan.rt = rt;
      plan.st = st;
      plan.tiles = tiles;
      plan.vectorCores = vc.launched(cores);
      plan.blockDim = vc.blockDim(cores);
      choice.offer(cycles, plan);
    }
  return choice.result(
      rank, t, fail(fmt::format("no tile of whole blocks fits the {} B unified buffer twice", ub)),
      "block transpose", k.name);
}

Result<GeneratedBlockTranspose> generateBlockTranspose(const BlockTransposeKernel &k,
                                                       const target::TargetDesc &t, unsigned rank) {
  Result<BlockTransposePlan> plan = planBlockTranspose(k, t, rank);
  if (!plan)
    return plan.error();
  GeneratedBlockTranspose g;
  g.plan = *plan;
  const uint64_t tile = plan->rt * plan->st * roundUp(k.block * k.elementBytes, 32);
  g.buffers = {{"tile 0", target::MemSpace::UB, 0, tile},
               {"tile 1", target::MemSpace::UB, tile, tile}};
  if (std::optional<Error> e = verifyBuffers("block transpose", k.name, g.buffers, t))
    return *e;
  const uint64_t bytes = k.batch * k.rows * k.cols * k.block * k.elementBytes;
  g.argBytes = {bytes, bytes};
  g.assembly = Emitter(k, g.plan, t).run();
  Result<isa::Program> program = assembleKernel("block transpose", k.name, g.assembly);
  if (!program)
    return program.error();
  g.program = std::move(*program);
  return g;
}

} // namespace pagoda::codegen
