//===- Matmul.cpp - Cube kernels for matrix products ----------------------===//
//
// The program of each cube core (docs/codegen.md):
//
//   for tile t = coreid, coreid + blockdim, ...        (mt x nt of C)
//     [bias: MTE2 GM->L1, MTE1 L1->BT, in BT buffer t % 2]
//     for step s over K (kt columns):
//       MTE2  wait L1[s%2] free; nd2nz A and B^T chunks (each pass's part)
//       MTE1  wait L1 loaded, L0[s%2] free; load2d into L0A/L0B
//       M     wait L0 loaded (and, at s = 0, L0C[t%2] free); mmad per pass
//     FIX   wait L0C done; fix_l0c_gm (ReLU, dtype conversion) into C
//
// Buffer parity lives in registers (addresses toggled by xor), and every
// hand-off is a counting flag on one event id: two buffers start with two
// "free" credits, which the end of the kernel takes back. Edge tiles (M or
// N not a multiple of the tile) and the K remainder get their own straight
// code with exact sizes, so no GM access leaves its tensor.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Codegen/Matmul.h"

#include "pagoda/Sim/Numerics.h"

#include "CubeWriter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace pagoda::codegen {

unsigned matmulArgCount(const MatmulKernel &k) {
  return (k.input == isa::DType::F32 ? 4 : 2) + (k.bias ? 1 : 0) + (matmulZeroBytes(k) ? 1 : 0) + 1;
}

namespace {
/// The largest output tile's side: mt and nt are powers of two up to it.
constexpr uint64_t kMaxTile = 256;
} // namespace

uint64_t matmulZeroBytes(const MatmulKernel &k) {
  if (!k.bKxN || k.k % 16 == 0)
    return 0;
  // One block per padding row in each column block of the widest tile.
  return std::min(kMaxTile, roundUp(k.n, 16)) / 16 * (16 - k.k % 16) * 32;
}

std::string MatmulPlan::describe() const {
  return fmt::format("{} tiles of {}x{} on {} AI cores, K in steps of {}{}", tiles, mt, nt,
                     blockDim, kt,
                     kSplit > 1 ? fmt::format(", split in {} K ranges of {} summed on the vector "
                                              "unit",
                                              kSplit, kc)
                                : "");
}

ElementwiseKernel matmulReduction(const MatmulKernel &k, uint64_t ranges) {
  using Kind = ElementwiseInput::Kind;
  ElementwiseKernel e;
  e.name = k.name + "_ksum";
  e.type = isa::DType::F32;
  e.elements = k.batch * k.m * k.n;
  for (uint64_t r = 0; r < ranges; ++r)
    e.inputs.push_back({Kind::Tensor});
  if (k.bias)
    e.inputs.push_back({Kind::Row, 0, false, k.n});
  const uint32_t nin = uint32_t(e.inputs.size());
  uint32_t v = 0; // the value so far: the first range's partial
  auto emit = [&](ElementwiseOp op) {
    e.ops.push_back(op);
    v = nin + uint32_t(e.ops.size()) - 1;
  };
  for (uint64_t r = 1; r < ranges; ++r)
    emit({VOp::Add, v, uint32_t(r)});
  if (k.bias)
    emit({VOp::Add, v, uint32_t(ranges)});
  if (k.relu)
    emit({VOp::Relu, v});
  if (k.output != isa::DType::F32)
    emit({VOp::Cast, v, 0, 0, k.output});
  e.outputs = {v};
  return e;
}

void splitHf32(const float *in, size_t n, float *hi, float *lo) {
  for (size_t i = 0; i < n; ++i) {
    uint32_t bits = num::floatBits(in[i]);
    bool special = (bits & 0x7F800000u) == 0x7F800000u;
    hi[i] = special ? in[i] : num::bitsFloat(bits & kHf32HighMask);
    lo[i] = special ? 0.0f : in[i] - hi[i];
  }
}

namespace {

enum MatmulReg : unsigned {
  kA = 1,      ///< x1, x2: A parts at the current K step
  kBt = 3,     ///< x3, x4: B^T parts at the current K step
  kRow = 27,   ///< tile row i
  kCol = 28,   ///< tile column j
  kBatch = 29, ///< the tile's batch
  kZeros = 30, ///< the zero argument
};

/// Tile sizes and buffer halves (bytes).
struct Shape {
  uint64_t mt = 0, nt = 0, kt = 0;
  uint64_t l1Half = 0, l0Half = 0, l0cHalf = 0, btHalf = 0;
};

class Emitter : CubeWriter {
public:
  Emitter(const MatmulKernel &k, const Shape &s, const MatmulPlan &p)
      : CubeWriter(k.input, k.output, k.bias, k.relu, k.scale), k_(k), s_(s), p_(p),
        size_(isa::dtypeBits(k.input) / 8), k0_(32 / size_) {}

  std::string run() {
    line(".kernel {}", k_.name);
    line(".core aic");
    comment("C[{}x{}] = A[{}x{}] x B[{}x{}]{}{}, {}{}: {}", k_.m, k_.n, k_.m, k_.k, k_.k, k_.n,
            k_.bias ? " + bias" : "", k_.relu ? ", relu" : "", dt_,
            parts_ == 2 ? " in three hf32 passes" : "", p_.describe());
    std::vector<unsigned> extra;
    if (matmulZeroBytes(k_))
      extra.push_back(kZeros);
    prologue(p_.tiles, {s_.l1Half, s_.l0Half, s_.l0cHalf, s_.btHalf}, extra);
    const uint64_t tilesN = ceilDiv(k_.n, s_.nt), perBatch = ceilDiv(k_.m, s_.mt) * tilesN;
    const uint64_t mEdge = k_.m % s_.mt, nEdge = k_.n % s_.nt;
    // Tile index = (batch, i, j).
    line("movi x{}, {}", kTmp, perBatch);
    line("divu x{}, x{}, x{}", kBatch, kTile, kTmp);
    line("remu x{}, x{}, x{}", kRow, kTile, kTmp);
    line("movi x{}, {}", kTmp, tilesN);
    line("remu x{}, x{}, x{}", kCol, kRow, kTmp);
    line("divu x{0}, x{0}, x{1}", kRow, kTmp);
    // The tile's pointers: A rows i*mt, B^T rows j*nt (B columns j*nt),
    // bias j*nt, C (i*mt, j*nt), each in its batch.
    const unsigned outSize = isa::dtypeBits(k_.output) / 8;
    // A K split's "batch" is its K range: A and B move by kc columns.
    const bool split = p_.kSplit > 1;
    mulImm(kTmp, kRow, s_.mt * k_.k * size_);
    mulImm(kTmp2, kBatch, (split ? p_.kc : k_.m * k_.k) * size_);
    line("add x{0}, x{0}, x{1}", kTmp, kTmp2);
    for (unsigned p = 0; p < parts_; ++p)
      line("add x{}, x{}, x{}", kA + p, kArg + p, kTmp);
    mulImm(kTmp, kCol, s_.nt * (k_.bKxN ? 1 : k_.k) * size_);
    if (k_.bPerBatch || split) {
      mulImm(kTmp2, kBatch, (split ? p_.kc * (k_.bKxN ? k_.n : 1) : k_.n * k_.k) * size_);
      line("add x{0}, x{0}, x{1}", kTmp, kTmp2);
    }
    for (unsigned p = 0; p < parts_; ++p)
      line("add x{}, x{}, x{}", kBt + p, kArg + 2 + p, kTmp);
    if (k_.bias) {
      mulImm(kBias, kCol, s_.nt * 4);
      line("add x{0}, x{0}, x{1}", kBias, kArg + 4);
    }
    mulImm(kOut, kRow, s_.mt * k_.n * outSize);
    line("add x{0}, x{0}, x{1}", kOut, kArg + 5);
    mulImm(kTmp, kBatch, k_.m * k_.n * outSize);
    line("add x{0}, x{0}, x{1}", kOut, kTmp);
    mulImm(kTmp, kCol, s_.nt * outSize);
    line("add x{0}, x{0}, x{1}", kOut, kTmp);
    // Dispatch on where M and N end: full tiles, the last row, the last
    // column; with a K split, on the last K range first when it is shorter.
    auto dispatch = [&](const std::string &pre, uint64_t kExtent) {
      if (mEdge) {
        line("movi x{}, {}", kTmp, ceilDiv(k_.m, s_.mt) - 1);
        line("beq x{}, x{}, {}row_edge", kRow, kTmp, pre);
      }
      columnDispatch(pre + "full", nEdge, tilesN - 1);
      tileBody(pre + "full_full", s_.mt, s_.nt, kExtent);
      if (nEdge) {
        label(pre + "full_col_edge");
        tileBody(pre + "full_edge", s_.mt, nEdge, kExtent);
      }
      if (mEdge) {
        label(pre + "row_edge");
        columnDispatch(pre + "edge", nEdge, tilesN - 1);
        tileBody(pre + "edge_full", mEdge, s_.nt, kExtent);
        if (nEdge) {
          label(pre + "edge_col_edge");
          tileBody(pre + "edge_edge", mEdge, nEdge, kExtent);
        }
      }
    };
    const uint64_t lastK = split ? k_.k - (p_.kSplit - 1) * p_.kc : k_.k;
    if (split && lastK != p_.kc) {
      line("movi x{}, {}", kTmp, p_.kSplit - 1);
      line("beq x{}, x{}, last_range", kBatch, kTmp);
      dispatch("", p_.kc);
      label("last_range");
      dispatch("last_", lastK);
    } else {
      dispatch("", split ? p_.kc : k_.k);
    }
    epilogue();
    return take();
  }

private:
  void columnDispatch(const std::string &prefix, uint64_t nEdge, uint64_t lastCol) {
    if (!nEdge)
      return;
    line("movi x{}, {}", kTmp, lastCol);
    line("beq x{}, x{}, {}_col_edge", kCol, kTmp, prefix);
  }

  /// One tile of rows x cols outputs over `kExtent` columns of K, then
  /// back to the loop.
  void tileBody(const std::string &tag, uint64_t rows, uint64_t cols, uint64_t kExtent) {
    comment("tile of {} x {}, K {}", rows, cols, kExtent);
    if (k_.bias)
      loadBias(cols, s_.l1Half);
    const uint64_t steps = ceilDiv(kExtent, s_.kt);
    const uint64_t kRest = kExtent - (steps - 1) * s_.kt;
    // The first step starts the accumulation; the middle ones loop; the
    // last takes the remainder of K.
    step(rows, cols, steps == 1 ? kRest : s_.kt, true);
    if (steps > 2) {
      line("movi x{}, {}", kKLoop, steps - 2);
      label(tag + "_kloop");
      step(rows, cols, s_.kt, false);
      line("addi x{0}, x{0}, -1", kKLoop);
      line("bne x{}, x0, {}_kloop", kKLoop, tag);
    }
    if (steps > 1)
      step(rows, cols, kRest, false);
    drain(rows, cols, k_.n);
  }

  /// One K step of `kc` columns (the last may be short).
  void step(uint64_t rows, uint64_t cols, uint64_t kc, bool first) {
    const uint64_t rowsPad = roundUp(rows, 16), colsPad = roundUp(cols, 16);
    const uint64_t kPad = roundUp(kc, k0_);
    const uint64_t aBytes = rowsPad * kPad * size_, bBytes = colsPad * kPad * size_;
    // MTE2: GM -> L1 in NZ, each part of A and B^T.
    line("waitf mte1, mte2, 0");
    for (unsigned p = 0; p < parts_; ++p) {
      line("movi x{}, {}", kTmp, p * (aBytes + bBytes));
      line("add x{0}, x{0}, x{1}", kTmp, kL1);
      line("nd2nz_gm_l1.{} x{}, x{}, rows={}, cols={}, sstride={}, drows={}", dt_, kTmp, kA + p,
           rows, kc, k_.k, rowsPad);
      line("addi x{0}, x{0}, {1}", kTmp, aBytes);
      if (k_.bKxN) {
        // kc rows of B: K-major fractals, column block j at j * kPad rows.
        line("nd2nz_gm_l1.{} x{}, x{}, rows={}, cols={}, sstride={}, drows={}", dt_, kTmp, kBt + p,
             kc, cols, k_.n, kPad);
        if (kPad > kc) {
          // The padding rows meet A's zero columns: clear them.
          line("addi x{0}, x{0}, {1}", kTmp, kc * 32);
          line("dma_gm_l1 x{}, x{}, nburst={}, len={}, dgap={}", kTmp, kZeros, colsPad / 16,
               kPad - kc, kc);
        }
      } else {
        line("nd2nz_gm_l1.{} x{}, x{}, rows={}, cols={}, sstride={}, drows={}", dt_, kTmp, kBt + p,
             cols, kc, k_.k, colsPad);
      }
    }
    line("setf mte2, mte1, 0");
    // MTE1: L1 -> L0A in zZ (one load2d per 16-row block) and L0B in nZ.
    line("waitf mte2, mte1, 0");
    line("waitf m, mte1, 0");
    for (unsigned p = 0; p < parts_; ++p) {
      const uint64_t l1 = p * (aBytes + bBytes);
      for (uint64_t i = 0; i < rowsPad / 16; ++i) {
        line("movi x{}, {}", kTmp, l1 + i * 512);
        line("add x{0}, x{0}, x{1}", kTmp, kL1);
        line("movi x{}, {}", kTmp2, p * aBytes + i * (kPad / k0_) * 512);
        line("add x{0}, x{0}, x{1}", kTmp2, kL0);
        line("load2d_l1_l0a.{} x{}, x{}, rep={}, sstride={}", dt_, kTmp2, kTmp, kPad / k0_,
             rowsPad / 16);
      }
      if (k_.bKxN) {
        // Per K block, its fractals across N, each transposed into nZ.
        for (uint64_t j = 0; j < kPad / 16; ++j) {
          line("movi x{}, {}", kTmp, l1 + aBytes + j * 512);
          line("add x{0}, x{0}, x{1}", kTmp, kL1);
          line("movi x{}, {}", kTmp2, p * bBytes + j * (colsPad / 16) * 512);
          line("add x{0}, x{0}, x{1}", kTmp2, kL0);
          line("load2d_l1_l0b.{} x{}, x{}, rep={}, sstride={}, trans=1", dt_, kTmp2, kTmp,
               colsPad / 16, kPad / 16);
        }
        continue;
      }
      line("movi x{}, {}", kTmp, l1 + aBytes);
      line("add x{0}, x{0}, x{1}", kTmp, kL1);
      line("movi x{}, {}", kTmp2, p * bBytes);
      line("add x{0}, x{0}, x{1}", kTmp2, kL0);
      line("load2d_l1_l0b.{} x{}, x{}, rep={}", dt_, kTmp2, kTmp, (kPad / k0_) * (colsPad / 16));
    }
    line("setf mte1, mte2, 0");
    line("setf mte1, m, 0");
    mmads(rowsPad, kPad, colsPad, aBytes, bBytes, first);
    // The next step: the other halves, the next K columns.
    line("xor x{0}, x{0}, x{1}", kL1, kL1Flip);
    line("xor x{0}, x{0}, x{1}", kL0, kL0Flip);
    for (unsigned p = 0; p < parts_; ++p) {
      line("addi x{0}, x{0}, {1}", kA + p, kc * size_);
      line("addi x{0}, x{0}, {1}", kBt + p, kc * (k_.bKxN ? k_.n : 1) * size_);
    }
  }

  const MatmulKernel &k_;
  const Shape &s_;
  const MatmulPlan &p_;
  unsigned size_, k0_;
};

} // namespace

Result<MatmulPlan> planMatmul(const MatmulKernel &k, const target::TargetDesc &t, unsigned rank) {
  auto fail = [&](const std::string &why) {
    return Error(fmt::format("matmul kernel '{}': {}", k.name, why));
  };
  if (std::optional<std::string> problem =
          cubeProblem(k.input, k.output, k.bias, t, k.scale.has_value()))
    return fail(*problem);
  if (k.m == 0 || k.n == 0 || k.k == 0)
    return fail("an empty dimension");
  if (k.m > 0xFFFFFF || k.n > 0xFFFFFF || k.k > 0xFFFFFF || k.batch == 0 || k.batch > 0xFFFFFF)
    return fail("a dimension beyond 2^24");

  const unsigned size = isa::dtypeBits(k.input) / 8, k0 = 32 / size;
  const unsigned outSize = isa::dtypeBits(k.output) / 8;
  const uint64_t align = t.dmaMinAlignBytes;
  if (k.bKxN && size != 2)
    return fail(fmt::format("B as K x N needs a 16-bit input ({} fractals have no transpose)",
                            isa::dtypeName(k.input)));
  if (k.batch > 1)
    for (auto [what, bytes] : {std::pair<const char *, uint64_t>{"A", k.m * k.k * size},
                               {"B", k.bPerBatch ? k.n * k.k * size : 0},
                               {"C", k.m * k.n * outSize}})
      if (bytes % align)
        return fail(fmt::format("each batch's {} ({} bytes) is not a multiple of the {}-byte DMA "
                                "alignment",
                                what, bytes, align));
  const unsigned parts = k.input == isa::DType::F32 ? 2 : 1, mmads = parts == 2 ? 3 : 1;
  const CubeTarget ct(t, k.input);
  const uint64_t l1 = ct.l1, l0a = ct.l0a, l0b = ct.l0b, l0c = ct.l0c, bt = ct.bt;
  const target::CubeShape &cs = ct.cube;
  const target::PathSpec &load = ct.load, &toA = ct.toA, &toB = ct.toB, &drain = ct.drain;

  // The cost model: per core, its tiles' K steps, each as slow as its
  // slowest stage (loads share the chip's HBM), plus one step's latency
  // and one drain to fill and empty the pipeline.
  PlanChoice<MatmulPlan> choice;
  MatmulPlan plan;
  const uint64_t mMax = roundUp(k.m, 16), nMax = roundUp(k.n, 16);
  for (uint64_t mt = 16; mt <= std::min(kMaxTile, mMax); mt *= 2) {
    for (uint64_t nt = 16; nt <= std::min(kMaxTile, nMax); nt *= 2) {
      if (mt * nt * 4 > l0c / 2 || (k.bias && roundUp(nt * 4, 64) * 2 > bt))
        continue;
      // A K x N B is read from column j * nt.
      if (k.bKxN && (nt * size) % align)
        continue;
      // Every tile's GM start is DMA-aligned: FixPipe's C (8-bit C: columns
      // j * nt and rows i * mt must land on one), and A's rows i * mt and
      // B^T's rows j * nt (s8 with an odd K).
      if ((k.n > nt && (nt * outSize) % align) || (k.m > mt && (mt * k.n * outSize) % align) ||
          (k.m > mt && (mt * k.k * size) % align) ||
          (!k.bKxN && k.n > nt && (nt * k.k * size) % align))
        continue;
      const uint64_t btHalf = k.bias ? roundUp(nt * 4, 64) : 0;
      // The largest kt (a multiple of k0) whose buffers fit twice.
      uint64_t kt = roundUp(k.k, k0);
      kt = std::min(kt, (l0a / 2) / (parts * mt * size) / k0 * k0);
      kt = std::min(kt, (l0b / 2) / (parts * nt * size) / k0 * k0);
      if (2 * btHalf < l1)
        kt = std::min(kt, ((l1 - 2 * btHalf) / 2) / (parts * (mt + nt) * size) / k0 * k0);
      else
        kt = 0;
      kt = std::min<uint64_t>(kt, 0xFFFF / k0 * k0);
      // A K x N B steps by kt rows (an immediate of 31 bits, DMA-aligned).
      if (k.bKxN)
        while (kt >= k0 && (kt * k.n * size > 0x7FFFFFFF || (kt * k.n * size) % align))
          kt -= k0;
      if (kt < k0)
        continue;
      // K ranges: one, or (one batch whose tiles leave cores idle) up to
      // 16 ranges of whole K steps whose f32 partials a vector kernel sums.
      const uint64_t mnTiles = k.batch * ceilDiv(k.m, mt) * ceilDiv(k.n, nt);
      std::vector<uint64_t> wants = {1};
      if (k.kSplitAllowed && k.input != isa::DType::S8 && k.batch == 1 && mnTiles < t.aiCores &&
          (k.m * k.n * 4) % align == 0)
        for (uint64_t want = 2; want <= 16 && mnTiles * want <= 2 * t.aiCores; want *= 2)
          wants.push_back(want);
      for (uint64_t want : wants) {
        const uint64_t kc = want == 1 ? k.k : roundUp(ceilDiv(k.k, want), kt);
        const uint64_t ranges = ceilDiv(k.k, kc);
        if (want > 1 && ranges < 2)
          continue;
        double reduction = 0;
        if (ranges > 1) {
          Result<ElementwisePlan> rp = planElementwise(matmulReduction(k, ranges), t);
          if (!rp)
            continue;
          reduction = rp->predictedCycles;
        }
        const unsigned cOut = ranges > 1 ? 4 : outSize;
        const uint64_t tiles = mnTiles * ranges;
        const uint64_t cores = std::min<uint64_t>(t.aiCores, tiles);
        const uint64_t perCore = ceilDiv(tiles, cores), steps = ceilDiv(kc, kt);
        // Rows of A and B whose GM stride leaves bursts off the full-rate
        // alignment move at the partial rate (a long K: every row).
        const double share = t.hbmBytesPerCycle() / double(cores);
        auto rate = [&](uint64_t strideBytes) {
          const bool partial =
              t.dmaFullRateAlignBytes && strideBytes % t.dmaFullRateAlignBytes != 0;
          return std::min(load.bytesPerCycle * (partial ? t.dmaPartialAlignEfficiency : 1.0),
                          share);
        };
        double loadCycles =
            double(parts) * double(kt) * size *
            (double(mt) / rate(k.k * size) + double(nt) / rate((k.bKxN ? k.n : k.k) * size));
        double mte1 = parts * (double(mt * kt * size) / toA.bytesPerCycle +
                               double(nt * kt * size) / toB.bytesPerCycle);
        double cube = double(mmads) * double(ceilDiv(mt, cs.m)) * double(ceilDiv(kt, cs.k)) *
                      double(ceilDiv(nt, cs.n));
        double stepCycles = std::max({loadCycles, mte1, cube});
        double drainCycles = double(mt * nt * cOut) / drain.bytesPerCycle + drain.latencyCycles;
        double cycles = double(perCore * steps) * stepCycles +
                        double(perCore) * std::max(0.0, drainCycles - stepCycles * double(steps)) +
                        load.latencyCycles + toA.latencyCycles + t.cubeLatencyCycles + drainCycles +
                        reduction;
        plan.blockDim = uint32_t(cores);
        plan.mt = mt;
        plan.nt = nt;
        plan.kt = kt;
        plan.tiles = tiles;
        plan.kSplit = ranges;
        plan.kc = kc;
        choice.offer(cycles, plan);
      }
    }
  }
  return choice.result(rank, t, fail(fmt::format("no tile fits the buffers of {}", t.name)),
                       "matmul", k.name);
}

Result<GeneratedMatmul> generateMatmul(const MatmulKernel &k, const target::TargetDesc &t,
                                       unsigned rank) {
  Result<MatmulPlan> plan = planMatmul(k, t, rank);
  if (!plan)
    return plan.error();
  // The buffer halves of the chosen tiles.
  const unsigned size = isa::dtypeBits(k.input) / 8, parts = k.input == isa::DType::F32 ? 2 : 1;
  const uint64_t l0Align = std::max(t.buffer(target::MemSpace::L0A).alignBytes,
                                    t.buffer(target::MemSpace::L0B).alignBytes);
  Shape shape{plan->mt, plan->nt, plan->kt, 0, 0, 0, k.bias ? roundUp(plan->nt * 4, 64) : 0};
  shape.l1Half = roundUp(parts * (shape.mt + shape.nt) * shape.kt * size, 512);
  shape.l0Half = roundUp(
      std::max(parts * shape.mt * shape.kt * size, parts * shape.nt * shape.kt * size), l0Align);
  shape.l0cHalf = roundUp(shape.mt * shape.nt * 4, t.buffer(target::MemSpace::L0C).alignBytes);

  GeneratedMatmul g;
  g.plan = *plan;
  // A K split's cube kernel writes f32 partials; the reduction does the rest.
  MatmulKernel pk = k;
  if (plan->kSplit > 1) {
    g.reduction = matmulReduction(k, plan->kSplit);
    pk.bias = pk.relu = false;
    pk.output = isa::DType::F32;
    shape.btHalf = 0;
  }
  g.buffers = cubeBuffers(shape.l1Half, shape.l0Half, shape.l0cHalf, shape.btHalf);
  if (std::optional<Error> e = verifyBuffers("matmul", k.name, g.buffers, t))
    return *e;
  g.argBytes.insert(g.argBytes.end(), parts, k.batch * k.m * k.k * size);
  g.argBytes.insert(g.argBytes.end(), parts, (k.bPerBatch ? k.batch : 1) * k.n * k.k * size);
  if (pk.bias)
    g.argBytes.push_back(roundUp(k.n, 8) * 4);
  if (uint64_t zeros = matmulZeroBytes(k))
    g.argBytes.push_back(zeros);
  g.argBytes.push_back(plan->kSplit * k.batch * k.m * k.n * (isa::dtypeBits(pk.output) / 8));
  g.assembly = Emitter(pk, shape, g.plan).run();
  Result<isa::Program> program = assembleKernel("matmul", k.name, g.assembly);
  if (!program)
    return program.error();
  g.program = std::move(*program);
  return g;
}

std::vector<float> evaluateMatmul(const MatmulKernel &k, const std::vector<uint32_t> &a,
                                  const std::vector<uint32_t> &bt, const std::vector<uint32_t> &aLo,
                                  const std::vector<uint32_t> &btLo, const std::vector<float> &bias,
                                  uint64_t kt, uint64_t kc) {
  const unsigned bits = isa::dtypeBits(k.input), k0 = 256 / bits;
  // A value as the cube reads it (f32 mode: rounded to 11 significant bits).
  auto value = [&](uint32_t v) { return cubeValue(k.input, v); };
  std::vector<std::pair<const std::vector<uint32_t> *, const std::vector<uint32_t> *>> passes = {
      {&a, &bt}};
  if (k.input == isa::DType::F32)
    passes = {{&a, &bt}, {&a, &btLo}, {&aLo, &bt}};
  std::vector<float> c(k.batch * k.m * k.n);
  for (uint64_t b = 0; b < k.batch; ++b) {
    const uint64_t aOff = b * k.m * k.k, bOff = k.bPerBatch ? b * k.n * k.k : 0;
    for (uint64_t i = 0; i < k.m; ++i)
      for (uint64_t j = 0; j < k.n; ++j) {
        // Each K range (all of K without a split) from zero (the bias first
        // when unsplit, in the reduction after the ranges otherwise).
        const uint64_t range = kc ? kc : k.k;
        float total = 0.0f;
        for (uint64_t r0 = 0; r0 < k.k; r0 += range) {
          const uint64_t rEnd = std::min(k.k, r0 + range);
          float acc = !kc && k.bias ? bias[j] : 0.0f;
          for (uint64_t s = r0; s < rEnd; s += kt) {
            const uint64_t end = std::min(rEnd, s + kt), padded = s + roundUp(end - s, k0);
            for (auto [pa, pb] : passes)
              for (uint64_t kk = s; kk < padded; ++kk) {
                // Products of cube inputs are exact in f32; each sum rounds.
                float x = kk < end ? float(value((*pa)[aOff + i * k.k + kk])) : 0.0f;
                float y = kk < end ? float(value((*pb)[bOff + j * k.k + kk])) : 0.0f;
                acc = acc + x * y;
              }
          }
          total = r0 == 0 ? acc : total + acc;
        }
        if (kc && k.bias)
          total = total + bias[j];
        c[(b * k.m + i) * k.n + j] =
            k.relu ? (total > 0 || std::isnan(total) ? total : 0.0f) : total;
      }
  }
  return c;
}

} // namespace pagoda::codegen
