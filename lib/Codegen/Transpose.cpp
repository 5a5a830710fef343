//===- Transpose.cpp - Vector kernels for layout transposes ---------------===//
//
// The program of each vector core (docs/codegen.md):
//
//   MTE2: the index table once
//   for tile t = core, core + cores, ...        (image b, rows tr*rt.., columns ts*st..)
//     MTE2  wait in[s] free; dmapad the tile's rows (row stride S) into UB
//     V     wait in loaded, out[s] free; vgather through the table
//     MTE3  wait out ready; dmapad the tile's columns as rows (row stride R)
//
// UB: the table, then two sets of (input tile, output tile), rows padded
// to 32 bytes. Tiles on the last rows or columns get their own straight
// code (DMA sizes are immediates); the gather is the same for every tile.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Codegen/Transpose.h"

#include "VectorWriter.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace pagoda::codegen {

namespace {

constexpr uint64_t kRepeatBytes = 256;

enum Reg : unsigned {
  kX = 1,
  kTable = 2,
  kY = 3,
  kCore = 4,
  kTile = 5,
  kTiles = 6,
  kB = 7,
  kTr = 8,
  kTs = 9,
  kSet = 10,
  kSetFlip = 11,
  kSrc = 12,
  kDst = 13,
  kTmp = 14,
  kTmp2 = 15,
  kUbIn = 16,
  kUbOut = 17,
  kIdx = 18,
};

/// Sizes of a tile of rt x st (bytes).
struct Layout {
  uint64_t inRow = 0;  ///< a source row of the tile in UB
  uint64_t outRow = 0; ///< an output row (a source column) in UB
  uint64_t reps = 0;   ///< gather repeats for the output tile
  uint64_t table = 0, in = 0, out = 0;
};

Layout layoutOf(const TransposeKernel &k, uint64_t rt, uint64_t st) {
  Layout l;
  const uint64_t size = k.elementBytes;
  l.inRow = roundUp(st * size, 32);
  l.outRow = roundUp(rt * size, 32);
  l.reps = ceilDiv(st * l.outRow, kRepeatBytes);
  l.table = roundUp(l.reps * (kRepeatBytes / size) * 4, 32);
  l.in = roundUp(rt * l.inRow, 32);
  l.out = l.reps * kRepeatBytes;
  return l;
}

const char *bitsType(unsigned size) { return size == 1 ? "u8" : size == 2 ? "u16" : "u32"; }

class Emitter : VectorWriter {
public:
  Emitter(const TransposeKernel &k, const TransposePlan &p, const Layout &l,
          const target::TargetDesc &t)
      : VectorWriter(t), k_(k), p_(p), l_(l) {}

  std::string run() {
    header(k_.name);
    comment("Y[{}][{}][{}] = X[{}][{}][{}] transposed, {}-byte elements: {}", k_.batch, k_.cols,
            k_.rows, k_.batch, k_.rows, k_.cols, k_.elementBytes, p_.describe());
    line("ldarg x{}, 0", kX);
    line("ldarg x{}, 1", kTable);
    line("ldarg x{}, 2", kY);
    coreIndex(kCore, kTmp);
    line("movi x{}, {}", kTiles, p_.tiles);
    line("movi x{}, 0", kTmp);
    line("dma_gm_ub x{}, x{}, len={}", kTmp, kTable, l_.table / 32);
    line("setf mte2, v, 1");
    line("waitf mte2, v, 1");
    line("movi x{}, {}", kSet, l_.table);
    line("movi x{}, {}", kSetFlip, l_.table ^ (l_.table + l_.in + l_.out));
    credit(kFreeFlags);
    line("add x{}, x{}, x0", kTile, kCore);
    label("tile_loop");
    line("bge x{}, x{}, tiles_done", kTile, kTiles);
    const uint64_t tr = ceilDiv(k_.rows, p_.rt), ts = ceilDiv(k_.cols, p_.st);
    const uint64_t rEdge = k_.rows % p_.rt, sEdge = k_.cols % p_.st;
    line("movi x{}, {}", kTmp, tr * ts);
    line("divu x{}, x{}, x{}", kB, kTile, kTmp);
    line("remu x{}, x{}, x{}", kTs, kTile, kTmp);
    line("movi x{}, {}", kTmp, ts);
    line("divu x{}, x{}, x{}", kTr, kTs, kTmp);
    line("remu x{0}, x{0}, x{1}", kTs, kTmp);
    // src = X + ((b*R + tr*rt)*S + ts*st)*size; dst = Y + ((b*S + ts*st)*R + tr*rt)*size.
    pointer(kSrc, kX, k_.rows, k_.cols, kTr, p_.rt, kTs, p_.st);
    pointer(kDst, kY, k_.cols, k_.rows, kTs, p_.st, kTr, p_.rt);
    if (rEdge) {
      line("movi x{}, {}", kTmp, tr - 1);
      line("beq x{}, x{}, r_edge", kTr, kTmp);
    }
    sDispatch("full", sEdge, ts - 1);
    tileBody(p_.rt, p_.st);
    if (sEdge) {
      label("full_s_edge");
      tileBody(p_.rt, sEdge);
    }
    if (rEdge) {
      label("r_edge");
      sDispatch("edge", sEdge, ts - 1);
      tileBody(rEdge, p_.st);
      if (sEdge) {
        label("edge_s_edge");
        tileBody(rEdge, sEdge);
      }
    }
    label("tiles_done");
    takeBack(kFreeFlags);
    line("halt");
    return take();
  }

private:
  /// Input tile free (V -> MTE2), output tile free (MTE3 -> V).
  static constexpr const char *kFreeFlags[] = {"v, mte2, 0", "mte3, v, 0"};

  /// reg = base + ((b * outer + i * ti) * inner + j * tj) * size.
  void pointer(unsigned reg, unsigned base, uint64_t outer, uint64_t inner, unsigned i, uint64_t ti,
               unsigned j, uint64_t tj) {
    line("movi x{}, {}", kTmp, outer);
    line("mul x{}, x{}, x{}", reg, kB, kTmp);
    line("movi x{}, {}", kTmp, ti);
    line("mul x{}, x{}, x{}", kTmp2, i, kTmp);
    line("add x{0}, x{0}, x{1}", reg, kTmp2);
    line("movi x{}, {}", kTmp, inner);
    line("mul x{0}, x{0}, x{1}", reg, kTmp);
    line("movi x{}, {}", kTmp, tj);
    line("mul x{}, x{}, x{}", kTmp2, j, kTmp);
    line("add x{0}, x{0}, x{1}", reg, kTmp2);
    line("movi x{}, {}", kTmp, k_.elementBytes);
    line("mul x{0}, x{0}, x{1}", reg, kTmp);
    line("add x{0}, x{0}, x{1}", reg, base);
  }

  void sDispatch(const std::string &prefix, uint64_t sEdge, uint64_t lastTs) {
    if (!sEdge)
      return;
    line("movi x{}, {}", kTmp, lastTs);
    line("beq x{}, x{}, {}_s_edge", kTs, kTmp, prefix);
  }

  /// One tile of `rows` source rows x `cols` source columns.
  void tileBody(uint64_t rows, uint64_t cols) {
    const uint64_t size = k_.elementBytes;
    comment("tile of {} x {}", rows, cols);
    line("add x{}, x{}, x0", kUbIn, kSet);
    line("addi x{}, x{}, {}", kUbOut, kSet, l_.in);
    // MTE2: the rows.
    line("waitf v, mte2, 0");
    line("dmapad_gm_ub x{}, x{}, nburst={}, lenb={}, gmgap={}, ubgap={}", kUbIn, kSrc, rows,
         cols * size, (k_.cols - cols) * size, l_.inRow / 32 - ceilDiv(cols * size, 32));
    line("setf mte2, v, 0");
    // V: the gather.
    line("waitf mte2, v, 0");
    line("waitf mte3, v, 0");
    const uint64_t lanes = kRepeatBytes / size;
    for (uint64_t done = 0; done < l_.reps;) {
      const uint64_t n = std::min<uint64_t>(l_.reps - done, t_.vectorMaxRepeat);
      line("addi x{}, x{}, {}", kTmp, kUbOut, done * kRepeatBytes);
      line("movi x{}, {}", kIdx, done * lanes * 4);
      line("vgather.{} x{}, x{}, x{}, rep={}", bitsType(unsigned(size)), kTmp, kUbIn, kIdx, n);
      done += n;
    }
    line("setf v, mte2, 0");
    line("setf v, mte3, 0");
    // MTE3: the columns as rows.
    line("waitf v, mte3, 0");
    line("dmapad_ub_gm x{}, x{}, nburst={}, lenb={}, gmgap={}, ubgap={}", kDst, kUbOut, cols,
         rows * size, (k_.rows - rows) * size, l_.outRow / 32 - ceilDiv(rows * size, 32));
    line("setf mte3, v, 0");
    line("xor x{0}, x{0}, x{1}", kSet, kSetFlip);
    line("movi x{}, {}", kTmp, p_.vectorCores);
    line("add x{0}, x{0}, x{1}", kTile, kTmp);
    line("jmp tile_loop");
  }

  const TransposeKernel &k_;
  const TransposePlan &p_;
  const Layout &l_;
};

} // namespace

namespace {

/// A permutation of `shape` as runs of input dimensions that stay adjacent,
/// size-1 dimensions dropped: per output run, its size and its rank among
/// the runs in input order.
struct Runs {
  std::vector<int64_t> size;
  std::vector<size_t> rank;
};

Runs runsOf(const std::vector<int64_t> &shape, const std::vector<int64_t> &perm) {
  std::vector<std::pair<int64_t, int64_t>> groups; // (first input dim, size)
  int64_t last = -2;
  for (int64_t d : perm) {
    if (shape[size_t(d)] == 1)
      continue;
    if (!groups.empty() && d == last + 1)
      groups.back().second *= shape[size_t(d)];
    else
      groups.push_back({d, shape[size_t(d)]});
    last = d;
  }
  std::vector<size_t> order(groups.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return groups[a].first < groups[b].first; });
  Runs r;
  r.rank.resize(groups.size());
  for (size_t i = 0; i < order.size(); ++i)
    r.rank[order[i]] = i;
  for (auto &g : groups)
    r.size.push_back(g.second);
  return r;
}

} // namespace

std::optional<TransposeKernel> batchedTranspose(const std::vector<int64_t> &shape,
                                                const std::vector<int64_t> &perm) {
  const Runs g = runsOf(shape, perm);
  TransposeKernel k;
  if (g.size.size() == 2 && g.rank[0] == 1) { // [R][S] -> [S][R]
    k.rows = uint64_t(g.size[1]);
    k.cols = uint64_t(g.size[0]);
    return k;
  }
  if (g.size.size() == 3 && g.rank[0] == 0 && g.rank[1] == 2) { // [B][R][S] -> [B][S][R]
    k.batch = uint64_t(g.size[0]);
    k.rows = uint64_t(g.size[2]);
    k.cols = uint64_t(g.size[1]);
    return k;
  }
  return std::nullopt;
}

std::optional<BlockTransposeKernel> blockTranspose(const std::vector<int64_t> &shape,
                                                   const std::vector<int64_t> &perm) {
  const Runs g = runsOf(shape, perm);
  BlockTransposeKernel k;
  if (g.size.size() == 3 && g.rank == std::vector<size_t>{1, 0, 2}) { // [R][S][E]
    k.cols = uint64_t(g.size[0]);
    k.rows = uint64_t(g.size[1]);
    k.block = uint64_t(g.size[2]);
    return k;
  }
  if (g.size.size() == 4 && g.rank == std::vector<size_t>{0, 2, 1, 3}) { // [B][R][S][E]
    k.batch = uint64_t(g.size[0]);
    k.cols = uint64_t(g.size[1]);
    k.rows = uint64_t(g.size[2]);
    k.block = uint64_t(g.size[3]);
    return k;
  }
  return std::nullopt;
}

std::string TransposePlan::describe() const {
  return fmt::format("{} tiles of {}x{} on {} vector cores", tiles, rt, st, vectorCores);
}

Result<TransposePlan> planTranspose(const TransposeKernel &k, const target::TargetDesc &t,
                                    unsigned rank) {
  auto fail = [&](const std::string &why) {
    return Error(fmt::format("transpose kernel '{}': {}", k.name, why));
  };
  if (k.elementBytes != 1 && k.elementBytes != 2 && k.elementBytes != 4)
    return fail(fmt::format("{}-byte elements (vgather moves 1, 2 and 4)", k.elementBytes));
  if (!k.batch || !k.rows || !k.cols)
    return fail("an empty dimension");
  if (!t.hasPath(target::Path::GmToUb) || !t.hasPath(target::Path::UbToGm))
    return fail(t.name + " has no GM<->UB path");
  if (t.eventIds < 2 || !t.vectorMaxRepeat)
    return fail(t.name + " lacks event ids or vector repeats");
  const VectorCores vc(t);
  const uint64_t ub = t.buffer(target::MemSpace::UB).sizeBytes;
  const auto &load = *t.path(target::Path::GmToUb);
  const auto &store = *t.path(target::Path::UbToGm);
  const uint64_t size = k.elementBytes;
  PlanChoice<TransposePlan> choice;
  TransposePlan plan;
  const uint64_t rt = std::min<uint64_t>(k.rows, 256 / size);
  for (uint64_t st = 32 / size; st <= std::max<uint64_t>(32 / size, roundUp(k.cols, 32 / size));
       st *= 2) {
    const uint64_t stEff = std::min(st, k.cols);
    const Layout l = layoutOf(k, rt, stEff);
    if (l.table + 2 * (l.in + l.out) > ub || stEff > 0xFFFF)
      break;
    const uint64_t tiles = k.batch * ceilDiv(k.rows, rt) * ceilDiv(k.cols, stEff);
    const uint64_t cores = std::min<uint64_t>(vc.available, tiles);
    const uint64_t perCore = ceilDiv(tiles, cores);
    const double bytes = double(rt * stEff * size);
    const double share = t.hbmBytesPerCycle() / double(cores);
    const double loadCycles =
        bytes / std::min(double(load.bytesPerCycle), share) + double(rt) * 1.0;
    const double storeCycles =
        bytes / std::min(double(store.bytesPerCycle), share) + double(stEff) * 1.0;
    const double gather =
        std::max<double>(t.vectorMinCycles, double(l.reps * kRepeatBytes) / t.vectorBytesPerCycle);
    const double tile = std::max({loadCycles, storeCycles, gather});
    const double cycles = double(perCore) * tile + load.latencyCycles + store.latencyCycles +
                          loadCycles + storeCycles;
    plan.rt = rt;
    plan.st = stEff;
    plan.tiles = tiles;
    plan.vectorCores = vc.launched(cores);
    plan.blockDim = vc.blockDim(cores);
    choice.offer(cycles, plan);
    if (stEff == k.cols)
      break;
  }
  return choice.result(rank, t, fail(fmt::format("no tile fits the {} B unified buffer", ub)),
                       "transpose", k.name);
}

Result<GeneratedTranspose> generateTranspose(const TransposeKernel &k, const target::TargetDesc &t,
                                             unsigned rank) {
  Result<TransposePlan> plan = planTranspose(k, t, rank);
  if (!plan)
    return plan.error();
  GeneratedTranspose g;
  g.plan = *plan;
  const Layout l = layoutOf(k, plan->rt, plan->st);
  g.buffers = {{"index table", target::MemSpace::UB, 0, l.table}};
  for (uint64_t s = 0; s < 2; ++s) {
    const uint64_t set = l.table + s * (l.in + l.out);
    g.buffers.push_back({fmt::format("in {}", s), target::MemSpace::UB, set, l.in});
    g.buffers.push_back({fmt::format("out {}", s), target::MemSpace::UB, set + l.in, l.out});
  }
  if (std::optional<Error> e = verifyBuffers("transpose", k.name, g.buffers, t))
    return *e;
  const uint64_t bytes = k.batch * k.rows * k.cols * k.elementBytes;
  g.argBytes = {bytes, l.table, bytes};
  // Output slot (j, i) of the tile (source column j, source row i) reads
  // byte i * inRow + j * size of the input tile; padding slots read 0.
  const uint64_t size = k.elementBytes, outElems = l.outRow / size;
  g.indexTable.assign(l.table / 4, 0);
  for (uint64_t slot = 0; slot < l.reps * (kRepeatBytes / size); ++slot) {
    const uint64_t j = slot / outElems, i = slot % outElems;
    if (j < plan->st && i < plan->rt)
      g.indexTable[slot] = uint32_t(i * l.inRow + j * size);
  }
  g.assembly = Emitter(k, g.plan, l, t).run();
  Result<isa::Program> program = assembleKernel("transpose", k.name, g.assembly);
  if (!program)
    return program.error();
  g.program = std::move(*program);
  return g;
}

} // namespace pagoda::codegen
