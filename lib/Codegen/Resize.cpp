//===- Resize.cpp - Linear (bilinear) resize on the vector unit -----------===//
//
// The program of each vector core (docs/codegen.md, "Linear resize"):
//
//   MTE2: the tables once (row table, column gather offsets and fractions)
//   for output row t = core, core + cores, ...     (image o, row y; a tile)
//     S     read y's source row offsets and fraction from the row table
//     MTE2  wait set[s] free; the two source rows into r0, r1
//     V     wait loaded, out free; r1 -= r0; r0 += r1 * fy (vaxpy);
//           a, b = vgather(r0) through the column offsets; b -= a;
//           a += b * fx (vmla); a barrier between dependent steps
//     MTE3  wait computed; a out as output row t
//
// UB: the tables, then two sets of (r0, r1, a, b), each whole 256-byte
// repeats (lanes past the row are computed and never written out).
//
//===----------------------------------------------------------------------===//

#include "pagoda/Codegen/Resize.h"

#include "pagoda/Sim/Numerics.h"

#include "VectorWriter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace pagoda::codegen {

namespace {

constexpr uint64_t kRepeatBytes = 256, kLanes = 64; // f32
constexpr uint64_t kRowEntryBytes = 16;             // lo, hi (byte offsets), fy, unused

enum Reg : unsigned {
  kX = 1,
  kTable = 2,
  kY = 3,
  kCore = 4,
  kTile = 5,
  kTiles = 6,
  kSet = 7,
  kSetFlip = 8,
  kSrc = 9,
  kDst = 10,
  kTmp = 11,
  kTmp2 = 12,
  kR0 = 13,
  kR1 = 14,
  kA = 15,
  kB = 16,
  kFrac = 17,
  kImage = 18, ///< X + o * H * row bytes
  kIdx = 19,
  kP = 20,
  kQ = 21,
  kFx = 22, ///< the column fraction row
};

/// UB sizes (bytes).
struct Layout {
  uint64_t rowReps = 0, outReps = 0; ///< repeats of a source row, an output row
  uint64_t rowTable = 0, colTable = 0;
  uint64_t r = 0, out = 0; ///< one source-row buffer, one output-row buffer
  uint64_t set() const { return 2 * r + 2 * out; }
  uint64_t total() const { return rowTable + 3 * colTable + 2 * set(); }
};

Layout layoutOf(const ResizeLinearKernel &k) {
  Layout l;
  l.rowReps = ceilDiv(k.w * k.e, kLanes);
  l.outReps = ceilDiv(k.cols.size() * k.e, kLanes);
  l.rowTable = roundUp(k.rows.size() * kRowEntryBytes, 32);
  l.colTable = l.outReps * kRepeatBytes;
  l.r = l.rowReps * kRepeatBytes;
  l.out = l.outReps * kRepeatBytes;
  return l;
}

class Emitter : VectorWriter {
public:
  Emitter(const ResizeLinearKernel &k, const ResizePlan &p, const Layout &l,
          const target::TargetDesc &t)
      : VectorWriter(t), k_(k), p_(p), l_(l) {}

  std::string run() {
    const uint64_t oh = k_.rows.size(), ow = k_.cols.size();
    header(k_.name);
    comment("linear resize of [{}][{}][{}][{}] to [{}][{}][{}][{}] (f32): {}", k_.outer, k_.h, k_.w,
            k_.e, k_.outer, oh, ow, k_.e, p_.describe());
    line("ldarg x{}, 0", kX);
    line("ldarg x{}, 1", kTable);
    line("ldarg x{}, 2", kY);
    coreIndex(kCore, kTmp);
    comment("the tables into UB once: rows for the scalar unit, columns for vgather");
    line("movi x{}, 0", kTmp);
    line("dma_gm_ub x{}, x{}, len={}", kTmp, kTable, (l_.rowTable + 3 * l_.colTable) / 32);
    line("setf mte2, s, 0");
    line("setf mte2, v, 1");
    line("waitf mte2, s, 0");
    line("waitf mte2, v, 1");
    const uint64_t set0 = l_.rowTable + 3 * l_.colTable;
    line("movi x{}, {}", kSet, set0);
    line("movi x{}, {}", kSetFlip, set0 ^ (set0 + l_.set()));
    creditedTiles(kFreeFlags, {kCore, kTile, kTiles, kTmp}, p_.rows, 1, 0, p_.vectorCores,
                  [&](uint64_t) {
                    row();
                    line("xor x{0}, x{0}, x{1}", kSet, kSetFlip);
                  });
    return take();
  }

private:
  /// Set free (V -> MTE2), output free (MTE3 -> V).
  static constexpr const char *kFreeFlags[] = {"v, mte2, 0", "mte3, v, 0"};

  /// One output row: image o = t / OH, row y = t % OH.
  void row() {
    const uint64_t oh = k_.rows.size(), rowBytes = k_.w * k_.e * 4;
    const uint64_t outBytes = k_.cols.size() * k_.e * 4;
    line("movi x{}, {}", kTmp, oh);
    line("divu x{}, x{}, x{}", kImage, kTile, kTmp);
    line("remu x{}, x{}, x{}", kTmp2, kTile, kTmp);
    line("movi x{}, {}", kTmp, k_.h * rowBytes);
    line("mul x{0}, x{0}, x{1}", kImage, kTmp);
    line("add x{0}, x{0}, x{1}", kImage, kX);
    line("shli x{0}, x{0}, 4", kTmp2); // the row table entry
    line("ldu.u32 x{}, x{}, 0", kP, kTmp2);
    line("ldu.u32 x{}, x{}, 4", kQ, kTmp2);
    line("ldu.u32 x{}, x{}, 8", kFrac, kTmp2);
    line("add x{}, x{}, x0", kR0, kSet);
    line("addi x{}, x{}, {}", kR1, kSet, l_.r);
    line("addi x{}, x{}, {}", kA, kSet, 2 * l_.r);
    line("addi x{}, x{}, {}", kB, kSet, 2 * l_.r + l_.out);
    // MTE2: the two source rows.
    line("waitf v, mte2, 0");
    for (auto [reg, off] : {std::pair{kR0, kP}, std::pair{kR1, kQ}}) {
      line("add x{}, x{}, x{}", kSrc, kImage, off);
      if (wholeUnits(rowBytes))
        line("dma_gm_ub x{}, x{}, len={}", reg, kSrc, rowBytes / 32);
      else
        line("dmapad_gm_ub x{}, x{}, lenb={}", reg, kSrc, rowBytes);
    }
    line("setf mte2, v, 0");
    // V: the vertical blend, then the horizontal one.
    line("waitf mte2, v, 0");
    line("waitf mte3, v, 0");
    // Each step reads what the one before wrote: V is pipelined.
    rows("vsub", kR1, kR1, kR0, true, l_.rowReps);
    line("barrier v");
    rows("vaxpy", kR0, kR1, kFrac, false, l_.rowReps);
    line("barrier v");
    for (auto [dst, table] : {std::pair{kA, 0}, std::pair{kB, 1}})
      chunks(l_.outReps, [&](uint64_t r0, uint64_t n) {
        line("addi x{}, x{}, {}", kTmp, dst, r0 * kRepeatBytes);
        line("movi x{}, {}", kIdx, l_.rowTable + table * l_.colTable + r0 * kRepeatBytes);
        line("vgather.u32 x{}, x{}, x{}, rep={}", kTmp, kR0, kIdx, n);
      });
    line("barrier v");
    rows("vsub", kB, kB, kA, true, l_.outReps);
    line("barrier v");
    line("movi x{}, {}", kFx, l_.rowTable + 2 * l_.colTable);
    rows("vmla", kA, kB, kFx, true, l_.outReps);
    line("setf v, mte2, 0");
    line("setf v, mte3, 0");
    // MTE3: the output row.
    line("waitf v, mte3, 0");
    line("movi x{}, {}", kTmp, outBytes);
    line("mul x{}, x{}, x{}", kDst, kTile, kTmp);
    line("add x{0}, x{0}, x{1}", kDst, kY);
    if (wholeUnits(outBytes))
      line("dma_ub_gm x{}, x{}, len={}", kDst, kA, outBytes / 32);
    else
      line("dmapad_ub_gm x{}, x{}, lenb={}", kDst, kA, outBytes);
    line("setf mte3, v, 0");
  }

  /// `body(first repeat, repeats)` per instruction of at most
  /// vector.max_repeat repeats.
  template <typename Body> void chunks(uint64_t reps, Body body) {
    for (uint64_t r0 = 0; r0 < reps; r0 += t_.vectorMaxRepeat)
      body(r0, std::min<uint64_t>(t_.vectorMaxRepeat, reps - r0));
  }

  /// `op.f32 dst, a, b` over `reps` repeats of f32 rows at the UB
  /// addresses in dst and a; b is a third row (`bRow`) or a scalar register
  /// passed as it is (vaxpy's fraction).
  void rows(const char *op, unsigned dst, unsigned a, unsigned b, bool bRow, uint64_t reps) {
    chunks(reps, [&](uint64_t r0, uint64_t n) {
      line("addi x{}, x{}, {}", kTmp, dst, r0 * kRepeatBytes);
      line("addi x{}, x{}, {}", kTmp2, a, r0 * kRepeatBytes);
      if (bRow)
        line("addi x{}, x{}, {}", kIdx, b, r0 * kRepeatBytes);
      line("{}.f32 x{}, x{}, x{}, rep={}", op, kTmp, kTmp2, bRow ? kIdx : b, n);
    });
  }

  const ResizeLinearKernel &k_;
  const ResizePlan &p_;
  const Layout &l_;
};

} // namespace

std::optional<double> resizeSourceCoordinate(std::string_view mode, double scale, uint64_t in,
                                             uint64_t out, uint64_t x) {
  if (mode == "half_pixel")
    return (double(x) + 0.5) / scale - 0.5;
  if (mode == "pytorch_half_pixel")
    return out > 1 ? (double(x) + 0.5) / scale - 0.5 : 0.0;
  if (mode == "asymmetric")
    return double(x) / scale;
  if (mode == "align_corners")
    return out == 1 ? 0.0 : double(x) * double(in - 1) / double(out - 1);
  return std::nullopt;
}

std::optional<LinearAxis> linearAxis(std::string_view mode, double scale, uint64_t in,
                                     uint64_t out) {
  LinearAxis a;
  for (uint64_t x = 0; x < out; ++x) {
    std::optional<double> s = resizeSourceCoordinate(mode, scale, in, out, x);
    if (!s || !in)
      return std::nullopt;
    const double c = std::clamp(*s, 0.0, double(in - 1));
    const uint64_t lo = uint64_t(std::floor(c));
    const float frac = float(c - double(lo));
    a.lo.push_back(uint32_t(lo));
    // A zero weight blends the element with itself (nothing else is read).
    a.hi.push_back(uint32_t(frac == 0 ? lo : std::min(lo + 1, in - 1)));
    a.frac.push_back(frac);
  }
  return a;
}

std::string ResizePlan::describe() const {
  return fmt::format("{} output rows on {} vector cores", rows, vectorCores);
}

Result<ResizePlan> planResizeLinear(const ResizeLinearKernel &k, const target::TargetDesc &t,
                                    unsigned rank) {
  auto fail = [&](const std::string &why) {
    return Error(fmt::format("resize kernel '{}': {}", k.name, why));
  };
  if (!k.outer || !k.h || !k.w || !k.e || !k.rows.size() || !k.cols.size())
    return fail("an empty dimension");
  for (const LinearAxis *a : {&k.rows, &k.cols})
    if (a->hi.size() != a->size() || a->frac.size() != a->size())
      return fail("tables of unequal lengths");
  for (size_t i = 0; i < k.rows.size(); ++i)
    if (k.rows.lo[i] >= k.h || k.rows.hi[i] >= k.h)
      return fail("a source row outside the input");
  for (size_t i = 0; i < k.cols.size(); ++i)
    if (k.cols.lo[i] >= k.w || k.cols.hi[i] >= k.w)
      return fail("a source column outside the input");
  if (!t.hasPath(target::Path::GmToUb) || !t.hasPath(target::Path::UbToGm))
    return fail(t.name + " has no GM<->UB path");
  if (t.eventIds < 2 || !t.vectorMaxRepeat)
    return fail(t.name + " lacks event ids or vector repeats");
  const Layout l = layoutOf(k);
  const uint64_t ub = t.buffer(target::MemSpace::UB).sizeBytes;
  const uint64_t rowBytes = k.w * k.e * 4, outBytes = k.cols.size() * k.e * 4;
  if (l.total() > ub || k.h * rowBytes > 0xFFFFFFFFull || rowBytes > 0xFFFFFF ||
      outBytes > 0xFFFFFF || (l.rowTable + 3 * l.colTable) / 32 > 0xFFFF)
    return fail(fmt::format("tables and two row sets take {} bytes, more than the {} B unified "
                            "buffer (rows of {} and {} elements)",
                            l.total(), ub, k.w * k.e, k.cols.size() * k.e));
  const VectorCores vc(t);
  const auto &load = *t.path(target::Path::GmToUb);
  const auto &store = *t.path(target::Path::UbToGm);
  const uint64_t rows = k.outer * k.rows.size();
  const uint64_t cores = std::min<uint64_t>(vc.available, rows);
  const double share = t.hbmBytesPerCycle() / double(cores);
  const double in = 2.0 * double(rowBytes) / std::min(double(load.bytesPerCycle), share);
  const double out = double(outBytes) / std::min(double(store.bytesPerCycle), share);
  auto vec = [&](uint64_t reps) {
    return double(ceilDiv(reps, t.vectorMaxRepeat)) * t.vectorMinCycles +
           double(reps * kRepeatBytes) / t.vectorBytesPerCycle;
  };
  const double compute = 2 * vec(l.rowReps) + 4 * vec(l.outReps);
  const double tables =
      double(load.latencyCycles) + double(l.rowTable + 3 * l.colTable) / load.bytesPerCycle;
  ResizePlan plan;
  plan.rows = rows;
  plan.vectorCores = vc.launched(cores);
  plan.blockDim = vc.blockDim(cores);
  PlanChoice<ResizePlan> choice;
  choice.offer(tables + pingPongCycles(ceilDiv(rows, cores), in, out, compute, load, store), plan);
  return choice.result(rank, t, fail("no plan"), "resize", k.name);
}

Result<GeneratedResize> generateResizeLinear(const ResizeLinearKernel &k,
                                             const target::TargetDesc &t, unsigned rank) {
  Result<ResizePlan> plan = planResizeLinear(k, t, rank);
  if (!plan)
    return plan.error();
  GeneratedResize g;
  g.plan = *plan;
  const Layout l = layoutOf(k);
  g.buffers = {{"row table", target::MemSpace::UB, 0, l.rowTable},
               {"column offsets", target::MemSpace::UB, l.rowTable, 2 * l.colTable},
               {"column fractions", target::MemSpace::UB, l.rowTable + 2 * l.colTable, l.colTable}};
  const uint64_t sets = l.rowTable + 3 * l.colTable;
  for (uint64_t s = 0; s < 2; ++s) {
    const uint64_t base = sets + s * l.set();
    g.buffers.push_back({fmt::format("r0 {}", s), target::MemSpace::UB, base, l.r});
    g.buffers.push_back({fmt::format("r1 {}", s), target::MemSpace::UB, base + l.r, l.r});
    g.buffers.push_back({fmt::format("a {}", s), target::MemSpace::UB, base + 2 * l.r, l.out});
    g.buffers.push_back(
        {fmt::format("b {}", s), target::MemSpace::UB, base + 2 * l.r + l.out, l.out});
  }
  if (std::optional<Error> e = verifyBuffers("resize", k.name, g.buffers, t))
    return *e;
  // The table: rows (source byte offsets within an image, fy bits), then
  // the gather offsets of a and b (bytes into the blended row; padding
  // lanes read element 0) and fx per output element.
  const uint64_t rowBytes = k.w * k.e * 4, e = k.e;
  std::vector<uint32_t> words((l.rowTable + 3 * l.colTable) / 4, 0);
  for (size_t y = 0; y < k.rows.size(); ++y) {
    words[y * 4] = uint32_t(k.rows.lo[y] * rowBytes);
    words[y * 4 + 1] = uint32_t(k.rows.hi[y] * rowBytes);
    words[y * 4 + 2] = num::floatBits(k.rows.frac[y]);
  }
  const uint64_t col = l.rowTable / 4, lanes = l.colTable / 4;
  for (size_t x = 0; x < k.cols.size(); ++x)
    for (uint64_t c = 0; c < e; ++c) {
      const uint64_t slot = x * e + c;
      words[col + slot] = uint32_t((k.cols.lo[x] * e + c) * 4);
      words[col + lanes + slot] = uint32_t((k.cols.hi[x] * e + c) * 4);
      words[col + 2 * lanes + slot] = num::floatBits(k.cols.frac[x]);
    }
  g.table.resize(words.size() * 4);
  std::memcpy(g.table.data(), words.data(), g.table.size());
  g.argBytes = {k.outer * k.h * rowBytes, g.table.size(),
                k.outer * k.rows.size() * k.cols.size() * e * 4};
  g.assembly = Emitter(k, g.plan, l, t).run();
  Result<isa::Program> program = assembleKernel("resize", k.name, g.assembly);
  if (!program)
    return program.error();
  g.program = std::move(*program);
  return g;
}

std::vector<float> evaluateResizeLinear(const ResizeLinearKernel &k, const std::vector<float> &x) {
  const uint64_t oh = k.rows.size(), ow = k.cols.size(), row = k.w * k.e;
  std::vector<float> y(k.outer * oh * ow * k.e), v(row);
  for (uint64_t o = 0; o < k.outer; ++o)
    for (uint64_t i = 0; i < oh; ++i) {
      const float *r0 = &x[(o * k.h + k.rows.lo[i]) * row];
      const float *r1 = &x[(o * k.h + k.rows.hi[i]) * row];
      for (uint64_t j = 0; j < row; ++j)
        v[j] = std::fma(r1[j] - r0[j], k.rows.frac[i], r0[j]);
      for (uint64_t j = 0; j < ow; ++j)
        for (uint64_t c = 0; c < k.e; ++c) {
          const float a = v[k.cols.lo[j] * k.e + c], b = v[k.cols.hi[j] * k.e + c];
          y[((o * oh + i) * ow + j) * k.e + c] = std::fma(b - a, k.cols.frac[j], a);
        }
    }
  return y;
}

} // namespace pagoda::codegen
