//===- Rows.cpp - Vector kernels along the last axis ----------------------===//
//
// The program of each vector core (docs/codegen.md, "Row kernels"):
//
//   [layer norm: scale and bias rows into UB once]
//   for tile t = core, core + cores, ...        (rows t*T .. t*T + n)
//     MTE2  wait buf[s] free; the n rows, each padded to a repeat boundary
//     V     wait loaded; the op's phases, a `barrier v` between dependent
//           ones:
//             fold    acc[r] = identity, then acc[r] op= x[r][k] per repeat
//             finish  res[r] = vcadd/vcmax/vcmin(acc[r])
//             spread  bc[r] = res[r] in a 32-byte block (vbrcb)
//             apply   x[r] op= bc[r] (stride-0 block), or op= scale row
//     MTE3  Y rows (or res: one value per row); buf[s] (res[s]) free
//
// f16 and bf16 tensors come into a 16-bit staging half (rows of half the f32
// stride, so element e of the stage is element e of the buffer) and are
// widened by one vcvt per tile; the results are narrowed back into the
// stage (or a 16-bit result stage) before MTE3. The arithmetic is f32.
//
// The tile count's remainder runs as one last tile of fewer rows on the
// core whose turn it is. Rows are contiguous in GM, so a tile is one DMA
// of n bursts (byte-granular when a row is not whole 32-byte blocks).
//
//===----------------------------------------------------------------------===//

#include "pagoda/Codegen/Rows.h"

#include "pagoda/Sim/Numerics.h"

#include "VectorWriter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace pagoda::codegen {

namespace {

constexpr uint64_t kRepeatBytes = 256;
constexpr uint64_t kLanes = kRepeatBytes / 4; ///< f32 lanes per repeat

enum Reg : unsigned {
  kX = 1,
  kY = 2,
  kCore = 3,
  kTile = 4,
  kTiles = 5,
  kBuf = 6, ///< this tile's row buffer (toggled)
  kBufFlip = 7,
  kRes = 8, ///< this tile's per-row results (toggled for the reductions)
  kResFlip = 9,
  kSrc = 10,
  kDst = 11,
  kA = 12,
  kB = 13,
  kC = 14,
  kTmp = 15,
  kTmp2 = 16,
  kScalar = 17,
  kScale = 18,
  kBias = 19,
  kD = 20,
  kStage = 21, ///< f16: this tile's 16-bit rows (half of kBuf's offset)
  kResStage = 22,
  kAff = 23, ///< per-row affine: this tile's scales, then its biases (toggled)
};

/// UB bytes of a tile of `t` rows.
struct Layout {
  uint64_t stride = 0; ///< bytes of one row in UB (whole repeats)
  uint64_t buf = 0, exps = 0, acc = 0, res = 0, bc = 0, scale = 0, bias = 0, end = 0;
  uint64_t bufBytes = 0, resBytes = 0;
  /// f16 tensors: two 16-bit stages of rows and of results.
  uint64_t stage = 0, stageBytes = 0, resStage = 0, resStageBytes = 0;
  /// Per-row affine: two sets of (the tile's scales, its biases), each
  /// `affBytes` (whole blocks: vbrcb reads eight values a block).
  uint64_t aff = 0, affBytes = 0;
};

Layout layoutOf(const RowKernel &k, uint64_t t) {
  Layout l;
  l.stride = roundUp(k.cols * 4, kRepeatBytes);
  l.bufBytes = t * l.stride;
  l.resBytes = roundUp(t * 4, kRepeatBytes);
  uint64_t at = 2 * l.bufBytes;
  auto take = [&](uint64_t bytes) {
    uint64_t a = at;
    at += bytes;
    return a;
  };
  if (k.type != isa::DType::F32) {
    l.stageBytes = l.bufBytes / 2;
    l.stage = take(2 * l.stageBytes);
    if (reducesRows(k.op)) {
      l.resStageBytes = ceilDiv(t, kLanes) * kRepeatBytes / 2;
      l.resStage = take(2 * l.resStageBytes);
    }
  }
  l.buf = 0;
  l.exps = k.op == RowOp::LogSoftmax ? take(l.bufBytes) : at;
  l.acc = take(t * kRepeatBytes);
  l.res = take(2 * l.resBytes);
  l.bc = take(ceilDiv(t, 8) * kRepeatBytes);
  l.scale = k.scale ? take(l.stride) : at;
  l.bias = k.bias ? take(l.stride) : at;
  if (k.rowAffine) {
    l.affBytes = roundUp(t * 4, 32);
    l.aff = take(4 * l.affBytes);
  }
  l.end = at;
  return l;
}

class Emitter : VectorWriter {
public:
  Emitter(const RowKernel &k, const RowPlan &p, const Layout &l, const target::TargetDesc &t)
      : VectorWriter(t), k_(k), p_(p), l_(l), nrep_(l.stride / kRepeatBytes),
        full_(k.cols / kLanes), tail_(k.cols % kLanes),
        rowBytes_(k.cols * (k.type == isa::DType::F32 ? 4 : 2)), maxRep_(t.vectorMaxRepeat),
        half_(k.type != isa::DType::F32) {}

  std::string run() {
    static const char *names[] = {"sum",     "mean",        "max",       "min",
                                  "softmax", "log_softmax", "layer_norm"};
    header(k_.name);
    comment("{} over the last axis of X[{}][{}], {}: {}", names[int(k_.op)], k_.rows, k_.cols,
            half_ ? isa::dtypeName(k_.type) + std::string(" computed in f32") : "f32",
            p_.describe());
    unsigned arg = 0;
    line("ldarg x{}, {}", kX, arg++);
    if (k_.scale || k_.rowAffine)
      line("ldarg x{}, {}", kScale, arg++);
    if (k_.bias || k_.rowAffine)
      line("ldarg x{}, {}", kBias, arg++);
    line("ldarg x{}, {}", kY, arg);
    coreIndex(kCore, kTmp);
    if (k_.scale || k_.bias) {
      comment("scale and bias rows, once");
      for (auto [ub, gm, on] :
           {std::tuple{l_.scale, kScale, k_.scale}, std::tuple{l_.bias, kBias, k_.bias}}) {
        if (!on)
          continue;
        loadRow(half_ ? l_.stage : ub, gm);
        if (half_) { // widened into place
          line("barrier all");
          line("movi x{}, {}", kC, ub);
          line("movi x{}, {}", kD, l_.stage);
          convert(kC, isa::DType::F32, kD, k_.type, nrep_, kA, kTmp2);
          line("barrier all"); // the stage is read before the next row comes in
        }
      }
      line("barrier all");
    }
    line("movi x{}, {}", kBuf, l_.buf);
    line("movi x{}, {}", kBufFlip, l_.buf ^ (l_.buf + l_.bufBytes));
    line("movi x{}, {}", kRes, l_.res);
    line("movi x{}, {}", kResFlip, reduces() ? l_.res ^ (l_.res + l_.resBytes) : 0);
    if (half_) {
      line("movi x{}, {}", kStage, l_.stage);
      line("movi x{}, {}", kResStage, l_.resStage);
    }
    if (k_.rowAffine)
      line("movi x{}, {}", kAff, l_.aff);
    creditedTiles(flags(), {kCore, kTile, kTiles, kTmp}, k_.rows / p_.tileRows, p_.tileRows,
                  k_.rows % p_.tileRows, p_.vectorCores, [&](uint64_t n) { tile(n); });
    return take();
  }

private:
  bool reduces() const { return reducesRows(k_.op); }

  /// Row buffer free (to MTE2) and, for the reductions, results free (to V).
  std::vector<const char *> flags() const {
    if (reduces())
      return {"v, mte2, 0", "mte3, v, 0"};
    return {"mte3, mte2, 0"};
  }
  /// `cols` values from GM (address in `gm`) to UB at `ub`.
  void loadRow(uint64_t ub, unsigned gm) {
    line("movi x{}, {}", kA, ub);
    if (rowBytes_ % 32 == 0)
      line("dma_gm_ub x{}, x{}, len={}", kA, gm, rowBytes_ / 32);
    else
      line("dmapad_gm_ub x{}, x{}, lenb={}", kA, gm, rowBytes_);
  }

  void tile(uint64_t n) {
    comment("a tile of {} rows", n);
    const unsigned size = half_ ? 2 : 4;
    // GM addresses: X + tile * T * C * size; Y likewise (reductions: T * size).
    line("movi x{}, {}", kTmp, p_.tileRows * rowBytes_);
    line("mul x{}, x{}, x{}", kSrc, kTile, kTmp);
    line("add x{}, x{}, x{}", kDst, kSrc, kY);
    line("add x{0}, x{0}, x{1}", kSrc, kX);
    if (reduces()) {
      line("movi x{}, {}", kTmp, p_.tileRows * size);
      line("mul x{}, x{}, x{}", kDst, kTile, kTmp);
      line("add x{0}, x{0}, x{1}", kDst, kY);
    }
    // Rows in UB: the f32 buffer, or its 16-bit stage (half the stride).
    const unsigned rows = half_ ? kStage : kBuf;
    const uint64_t stride = half_ ? l_.stride / 2 : l_.stride;
    const uint64_t gapBlocks = (stride - roundUp(rowBytes_, 32)) / 32;
    // MTE2: the rows in.
    line("waitf {}, mte2, 0", reduces() ? "v" : "mte3");
    if (rowBytes_ % 32 == 0)
      line("dma_gm_ub x{}, x{}, nburst={}, len={}, dgap={}", rows, kSrc, n, rowBytes_ / 32,
           gapBlocks);
    else
      line("dmapad_gm_ub x{}, x{}, nburst={}, lenb={}, ubgap={}", rows, kSrc, n, rowBytes_,
           gapBlocks);
    if (k_.rowAffine) { // the tile's scales and biases beside its rows
      line("movi x{}, {}", kTmp, p_.tileRows * 4);
      line("mul x{}, x{}, x{}", kA, kTile, kTmp);
      for (auto [gm, at] : {std::pair{kScale, uint64_t(0)}, std::pair{kBias, l_.affBytes}}) {
        line("add x{}, x{}, x{}", kB, kA, gm);
        line("addi x{}, x{}, {}", kC, kAff, at);
        line("dmapad_gm_ub x{}, x{}, lenb={}", kC, kB, n * 4);
      }
    }
    line("setf mte2, v, 0");
    // V: the op.
    line("waitf mte2, v, 0");
    if (reduces())
      line("waitf mte3, v, 0");
    line("barrier v"); // the previous tile's work on acc, res and bc
    if (half_) {
      convert(kBuf, isa::DType::F32, kStage, k_.type, n * nrep_, kA, kTmp2);
      line("barrier v");
    }
    compute(n);
    if (half_) { // narrowed for the store
      line("barrier v");
      if (reduces())
        convert(kResStage, k_.type, kRes, isa::DType::F32, ceilDiv(n, kLanes), kA, kTmp2);
      else
        convert(kStage, k_.type, kBuf, isa::DType::F32, n * nrep_, kA, kTmp2);
    }
    if (reduces())
      line("setf v, mte2, 0");
    line("setf v, mte3, 0");
    // MTE3: the results out.
    line("waitf v, mte3, 0");
    if (reduces()) {
      line("dmapad_ub_gm x{}, x{}, lenb={}", kDst, half_ ? kResStage : kRes, n * size);
      line("setf mte3, v, 0");
      line("xor x{0}, x{0}, x{1}", kRes, kResFlip);
      if (half_)
        toggle(kResStage, l_.resStage, l_.resStageBytes, kTmp);
    } else {
      if (rowBytes_ % 32 == 0)
        line("dma_ub_gm x{}, x{}, nburst={}, len={}, sgap={}", kDst, rows, n, rowBytes_ / 32,
             gapBlocks);
      else
        line("dmapad_ub_gm x{}, x{}, nburst={}, lenb={}, ubgap={}", kDst, rows, n, rowBytes_,
             gapBlocks);
      line("setf mte3, mte2, 0");
    }
    line("xor x{0}, x{0}, x{1}", kBuf, kBufFlip);
    if (half_)
      toggle(kStage, l_.stage, l_.stageBytes, kTmp);
    if (k_.rowAffine)
      toggle(kAff, l_.aff, 2 * l_.affBytes, kTmp);
  }

  static uint32_t bits(float f) { return num::floatBits(f); }

  void compute(uint64_t n) {
    const float inf = std::numeric_limits<float>::infinity();
    switch (k_.op) {
    case RowOp::Sum:
    case RowOp::Mean:
      reduceRows(n, "vadd", "vcadd", 0.0f, kBuf);
      if (k_.op == RowOp::Mean)
        resScalar(n, "vmuls", 1.0f / float(k_.cols));
      break;
    case RowOp::Max:
      reduceRows(n, "vmax", "vcmax", -inf, kBuf);
      break;
    case RowOp::Min:
      reduceRows(n, "vmin", "vcmin", inf, kBuf);
      break;
    case RowOp::Softmax:
    case RowOp::LogSoftmax: {
      const bool log = k_.op == RowOp::LogSoftmax;
      reduceRows(n, "vmax", "vcmax", -inf, kBuf);
      spread(n);
      applyPerRow(n, "vsub");
      line("barrier v");
      // e = exp(x - max): in place for softmax, beside x for log-softmax.
      line("movi x{}, {}", kC, l_.exps);
      wholeTile(n, "vexp", log ? kC : kBuf, kBuf);
      reduceRows(n, "vadd", "vcadd", 0.0f, log ? kC : kBuf);
      if (log) {
        line("vln.f32 x{0}, x{0}, rep={1}", kRes, ceilDiv(n * 4, kRepeatBytes));
        line("barrier v");
      }
      spread(n);
      applyPerRow(n, log ? "vsub" : "vdiv");
      break;
    }
    case RowOp::LayerNorm:
      reduceRows(n, "vadd", "vcadd", 0.0f, kBuf);
      resScalar(n, "vmuls", 1.0f / float(k_.cols));
      spread(n);
      applyPerRow(n, "vsub");
      line("barrier v");
      reduceRows(n, "vmla", "vcadd", 0.0f, kBuf);
      resScalar(n, "vmuls", 1.0f / float(k_.cols));
      resScalar(n, "vadds", k_.epsilon);
      line("vsqrt.f32 x{0}, x{0}, rep={1}", kRes, ceilDiv(n * 4, kRepeatBytes));
      line("barrier v");
      spread(n);
      applyPerRow(n, "vdiv");
      if (k_.rowAffine) { // x * scale[r] + bias[r], each spread to blocks
        for (auto [at, op] : {std::pair{uint64_t(0), "vmul"}, std::pair{l_.affBytes, "vadd"}}) {
          line("barrier v");
          line("addi x{}, x{}, {}", kD, kAff, at);
          spread(n, kD);
          applyPerRow(n, op);
        }
      }
      if (k_.scale) {
        line("barrier v");
        applyRow(n, "vmul", l_.scale);
      }
      if (k_.bias) {
        line("barrier v");
        applyRow(n, "vadd", l_.bias);
      }
      break;
    }
  }

  /// res[r] = reduce(acc[r]) after acc[r] = identity folded with every
  /// element of row r of the buffer in `src` (`vmla`: acc += x * x).
  void reduceRows(uint64_t n, const char *fold, const char *finish, float identity, unsigned src) {
    line("movi x{}, {}", kB, l_.acc);
    line("movi x{}, {:#x}", kScalar, bits(identity));
    line("vdup.f32 x{}, x{}, rep={}", kB, kScalar, n);
    const bool mla = std::string(fold) == "vmla";
    auto foldOp = [&](unsigned acc, unsigned x, uint64_t rep, const std::string &strides) {
      const std::string more = strides.empty() ? "" : ", " + strides;
      if (mla)
        line("vmla.f32 x{}, x{}, x{}, rep={}{}", acc, x, x, rep, more);
      else
        line("{}.f32 x{}, x{}, x{}, rep={}{}", fold, acc, acc, x, rep, more);
    };
    const uint64_t srs = l_.stride / 32;
    if (!p_.perRow) {
      // One instruction per repeat position, a repeat per row.
      for (uint64_t k = 0; k < nrep_; ++k) {
        const bool masked = k == full_;
        if (masked)
          setMask(tail_, kTmp, kTmp2);
        line("addi x{}, x{}, {}", kA, src, k * kRepeatBytes);
        line("barrier v");
        foldOp(kB, kA, n,
               mla ? fmt::format("drs=8, s0rs={0}, s1rs={0}", srs)
                   : fmt::format("drs=8, s0rs=8, s1rs={}", srs));
        if (masked)
          setMask(kLanes, kTmp, kTmp2);
      }
    } else {
      // One instruction per row and run of full repeats (acc at stride 0);
      // rows fold into different accumulators, a row's runs into one.
      line("barrier v");
      for (uint64_t k0 = 0; k0 < full_; k0 += maxRep_) {
        if (k0)
          line("barrier v");
        for (uint64_t r = 0; r < n; ++r) {
          line("addi x{}, x{}, {}", kA, src, r * l_.stride + k0 * kRepeatBytes);
          line("movi x{}, {}", kD, l_.acc + r * kRepeatBytes);
          foldOp(kD, kA, std::min(maxRep_, full_ - k0),
                 mla ? "drs=0, s0rs=8, s1rs=8" : "drs=0, s0rs=0, s1rs=8");
        }
      }
      if (tail_) {
        setMask(tail_, kTmp, kTmp2);
        line("barrier v");
        for (uint64_t r = 0; r < n; ++r) {
          line("addi x{}, x{}, {}", kA, src, r * l_.stride + full_ * kRepeatBytes);
          line("movi x{}, {}", kD, l_.acc + r * kRepeatBytes);
          foldOp(kD, kA, 1, "");
        }
        setMask(kLanes, kTmp, kTmp2);
      }
    }
    line("barrier v");
    line("{}.f32 x{}, x{}, rep={}", finish, kRes, kB, n);
    line("barrier v");
  }

  /// res[r] = res[r] op x for every row.
  void resScalar(uint64_t n, const char *op, float x) {
    line("movi x{}, {:#x}", kScalar, bits(x));
    line("{0}.f32 x{1}, x{1}, x{2}, rep={3}", op, kRes, kScalar, ceilDiv(n * 4, kRepeatBytes));
    line("barrier v");
  }

  /// bc[r] = src[r] (res unless given) in each lane of a 32-byte block.
  void spread(uint64_t n, unsigned src = kRes) {
    line("movi x{}, {}", kC, l_.bc);
    line("vbrcb.f32 x{}, x{}, rep={}", kC, src, ceilDiv(n, 8));
    line("barrier v");
  }

  /// x[r][c] = x[r][c] op bc[r], over whole repeats (the lanes past the row
  /// only touch padding).
  void applyPerRow(uint64_t n, const char *op) {
    const uint64_t srs = l_.stride / 32;
    if (!p_.perRow) {
      line("movi x{}, {}", kC, l_.bc);
      for (uint64_t k = 0; k < nrep_; ++k) {
        line("addi x{}, x{}, {}", kA, kBuf, k * kRepeatBytes);
        line("{0}.f32 x{1}, x{1}, x{2}, rep={3}, drs={4}, s0rs={4}, s1bs=0, s1rs=1", op, kA, kC, n,
             srs);
      }
      return;
    }
    for (uint64_t r = 0; r < n; ++r)
      for (uint64_t k0 = 0; k0 < nrep_; k0 += maxRep_) {
        line("addi x{}, x{}, {}", kA, kBuf, r * l_.stride + k0 * kRepeatBytes);
        line("movi x{}, {}", kC, l_.bc + r * 32);
        line("{0}.f32 x{1}, x{1}, x{2}, rep={3}, s1bs=0, s1rs=0", op, kA, kC,
             std::min(maxRep_, nrep_ - k0));
      }
  }

  /// x[r][c] = x[r][c] op row[c] (the scale or bias row at UB `row`).
  void applyRow(uint64_t n, const char *op, uint64_t row) {
    const uint64_t srs = l_.stride / 32;
    if (!p_.perRow) {
      for (uint64_t k = 0; k < nrep_; ++k) {
        line("addi x{}, x{}, {}", kA, kBuf, k * kRepeatBytes);
        line("movi x{}, {}", kC, row + k * kRepeatBytes);
        line("{0}.f32 x{1}, x{1}, x{2}, rep={3}, drs={4}, s0rs={4}, s1rs=0", op, kA, kC, n, srs);
      }
      return;
    }
    for (uint64_t r = 0; r < n; ++r)
      for (uint64_t k0 = 0; k0 < nrep_; k0 += maxRep_) {
        line("addi x{}, x{}, {}", kA, kBuf, r * l_.stride + k0 * kRepeatBytes);
        line("movi x{}, {}", kC, row + k0 * kRepeatBytes);
        line("{0}.f32 x{1}, x{1}, x{2}, rep={3}", op, kA, kC, std::min(maxRep_, nrep_ - k0));
      }
  }

  /// dst = op(src) over the tile's n rows (whole repeats).
  void wholeTile(uint64_t n, const char *op, unsigned dst, unsigned src) {
    const uint64_t reps = n * nrep_;
    for (uint64_t r0 = 0; r0 < reps; r0 += maxRep_) {
      line("addi x{}, x{}, {}", kA, dst, r0 * kRepeatBytes);
      line("addi x{}, x{}, {}", kTmp, src, r0 * kRepeatBytes);
      line("{}.f32 x{}, x{}, rep={}", op, kA, kTmp, std::min(maxRep_, reps - r0));
    }
    line("barrier v");
  }

  const RowKernel &k_;
  const RowPlan &p_;
  const Layout &l_;
  uint64_t nrep_, full_, tail_, rowBytes_, maxRep_;
  bool half_; ///< 16-bit tensors (f16 or bf16)
};

/// Vector instructions (and repeats) of one tile of `t` rows: the cost
/// model's count, which follows what the emitter writes.
double vectorCycles(const RowKernel &k, const target::TargetDesc &tg, uint64_t t, bool perRow) {
  const uint64_t nrep = roundUp(k.cols * 4, kRepeatBytes) / kRepeatBytes;
  auto instr = [&](uint64_t rep) {
    return std::max<double>(tg.vectorMinCycles,
                            double(rep * kRepeatBytes) / double(tg.vectorBytesPerCycle));
  };
  // A fold is serial (each instruction accumulates into what the last wrote).
  const double fold =
      perRow ? double(t) * instr(k.cols / kLanes) + (k.cols % kLanes ? t : 0) * instr(1)
             : double(nrep) * instr(t);
  const double apply = perRow ? double(t) * instr(nrep) : double(nrep) * instr(t);
  const double small = 4 * instr(1);
  switch (k.op) {
  case RowOp::Sum:
  case RowOp::Mean:
  case RowOp::Max:
  case RowOp::Min:
    return fold + small;
  case RowOp::Softmax:
  case RowOp::LogSoftmax:
    return 2 * fold + 2 * apply + instr(t * nrep) + 3 * small;
  case RowOp::LayerNorm:
    return 2 * fold + (2 + k.scale + k.bias + 2 * k.rowAffine) * apply +
           (6 + 2 * k.rowAffine) * small;
  }
  return fold;
}

} // namespace

std::string RowPlan::describe() const {
  return fmt::format("{} tiles of {} rows{}, on {} vector cores", tiles, tileRows,
                     perRow ? " (an instruction per row)" : "", vectorCores);
}

Result<RowPlan> planRows(const RowKernel &k, const target::TargetDesc &t, unsigned rank) {
  auto fail = [&](const std::string &why) {
    return Error(fmt::format("row kernel '{}': {}", k.name, why));
  };
  if (k.type != isa::DType::F32 && k.type != isa::DType::F16 && k.type != isa::DType::BF16)
    return fail(fmt::format("element type {} (f32, f16 and bf16 tensors are generated, computed "
                            "in f32)",
                            isa::dtypeName(k.type)));
  const unsigned size = k.type == isa::DType::F32 ? 4 : 2;
  if (!k.rows || !k.cols)
    return fail("an empty dimension");
  if ((k.scale || k.bias || k.rowAffine) && k.op != RowOp::LayerNorm)
    return fail("scale and bias rows belong to layer normalization");
  if (k.rowAffine && (k.scale || k.bias))
    return fail("a scale and bias per row or per column, not both");
  if (!t.hasPath(target::Path::GmToUb) || !t.hasPath(target::Path::UbToGm) || t.eventIds < 1 ||
      !t.vectorMaxRepeat)
    return fail(t.name + " lacks a GM<->UB path, event ids or vector repeats");
  const VectorCores vc(t);
  const uint64_t ub = t.buffer(target::MemSpace::UB).sizeBytes;
  const auto &load = *t.path(target::Path::GmToUb);
  const auto &store = *t.path(target::Path::UbToGm);
  const uint64_t stride = roundUp(k.cols * 4, kRepeatBytes);
  const uint64_t maxT = std::min<uint64_t>({k.rows, t.vectorMaxRepeat, 0xFFFF});
  PlanChoice<RowPlan> choice;
  RowPlan plan;
  for (uint64_t rows = 1; rows <= maxT; ++rows) {
    if (layoutOf(k, rows).end > ub)
      break;
    // A repeat stride spans at most 255 blocks; else an instruction per row.
    const bool perRow = stride / 32 > 255 || (stride / kRepeatBytes > rows);
    const uint64_t tiles = ceilDiv(k.rows, rows);
    const uint64_t cores = std::min<uint64_t>(vc.available, tiles);
    const double share = t.hbmBytesPerCycle() / double(cores);
    const double in = double(rows * k.cols * size) / std::min(double(load.bytesPerCycle), share);
    const double out = double(reducesRows(k.op) ? rows * size : rows * k.cols * size) /
                       std::min(double(store.bytesPerCycle), share);
    // f16: a widening and a narrowing vcvt over the tile.
    const double compute = vectorCycles(k, t, rows, perRow) +
                           (size == 2 ? 2 * double(rows * (stride / kRepeatBytes)) *
                                            double(kRepeatBytes) / t.vectorBytesPerCycle
                                      : 0.0);
    const double cycles = pingPongCycles(ceilDiv(tiles, cores), in, out, compute, load, store);
    plan.tileRows = rows;
    plan.tiles = tiles;
    plan.perRow = perRow;
    plan.vectorCores = vc.launched(cores);
    plan.blockDim = vc.blockDim(cores);
    choice.offer(cycles, plan);
  }
  return choice.result(
      rank, t,
      fail(fmt::format("a row of {} values does not fit twice in the {} B unified buffer", k.cols,
                       ub)),
      "row", k.name);
}

Result<GeneratedRows> generateRows(const RowKernel &k, const target::TargetDesc &t, unsigned rank) {
  Result<RowPlan> plan = planRows(k, t, rank);
  if (!plan)
    return plan.error();
  GeneratedRows g;
  g.plan = *plan;
  const Layout l = layoutOf(k, plan->tileRows);
  const uint64_t t8 = ceilDiv(plan->tileRows, 8);
  g.buffers = {
      {"rows 0", target::MemSpace::UB, l.buf, l.bufBytes},
      {"rows 1", target::MemSpace::UB, l.buf + l.bufBytes, l.bufBytes},
      {"exponentials", target::MemSpace::UB, l.exps, k.op == RowOp::LogSoftmax ? l.bufBytes : 0},
      {"accumulators", target::MemSpace::UB, l.acc, plan->tileRows * kRepeatBytes},
      {"results 0", target::MemSpace::UB, l.res, l.resBytes},
      {"results 1", target::MemSpace::UB, l.res + l.resBytes, l.resBytes},
      {"spread", target::MemSpace::UB, l.bc, t8 * kRepeatBytes},
      {"scale", target::MemSpace::UB, l.scale, k.scale ? l.stride : 0},
      {"bias", target::MemSpace::UB, l.bias, k.bias ? l.stride : 0},
      {"row scales and biases 0", target::MemSpace::UB, l.aff, 2 * l.affBytes},
      {"row scales and biases 1", target::MemSpace::UB, l.aff + 2 * l.affBytes, 2 * l.affBytes},
      {"16-bit rows 0", target::MemSpace::UB, l.stage, l.stageBytes},
      {"16-bit rows 1", target::MemSpace::UB, l.stage + l.stageBytes, l.stageBytes},
      {"16-bit results 0", target::MemSpace::UB, l.resStage, l.resStageBytes},
      {"16-bit results 1", target::MemSpace::UB, l.resStage + l.resStageBytes, l.resStageBytes}};
  if (std::optional<Error> e = verifyBuffers("row", k.name, g.buffers, t))
    return *e;
  const uint64_t size = k.type == isa::DType::F32 ? 4 : 2;
  g.argBytes = {k.rows * k.cols * size};
  g.argBytes.insert(g.argBytes.end(), unsigned(k.scale) + unsigned(k.bias), k.cols * size);
  if (k.rowAffine)
    g.argBytes.insert(g.argBytes.end(), 2, k.rows * 4);
  g.argBytes.push_back(reducesRows(k.op) ? k.rows * size : k.rows * k.cols * size);
  g.assembly = Emitter(k, g.plan, l, t).run();
  Result<isa::Program> program = assembleKernel("row", k.name, g.assembly);
  if (!program)
    return program.error();
  g.program = std::move(*program);
  return g;
}

namespace {

/// The kernel's fold of one row: lane-wise in repeat order, then a pairwise
/// tree over the lanes (NaN-propagating max and min).
float foldRow(const float *x, uint64_t cols, float identity, bool square, RowOp op) {
  auto combine = [&](float a, float b) {
    if (op == RowOp::Max || op == RowOp::Min) {
      if (std::isnan(a) || std::isnan(b))
        return std::numeric_limits<float>::quiet_NaN();
      return op == RowOp::Max ? std::max(a, b) : std::min(a, b);
    }
    return a + b;
  };
  std::vector<float> acc(kLanes, identity);
  for (uint64_t c = 0; c < cols; ++c) {
    float &a = acc[c % kLanes];
    a = square ? std::fma(x[c], x[c], a) : combine(a, x[c]);
  }
  while (acc.size() > 1) {
    std::vector<float> next;
    for (size_t i = 0; i + 1 < acc.size(); i += 2)
      next.push_back(combine(acc[i], acc[i + 1]));
    acc.swap(next);
  }
  return acc[0];
}

} // namespace

std::vector<float> evaluateRows(const RowKernel &k, const std::vector<float> &x,
                                const std::vector<float> &scale, const std::vector<float> &bias) {
  const float inf = std::numeric_limits<float>::infinity();
  const bool reduce = reducesRows(k.op);
  std::vector<float> y(reduce ? k.rows : k.rows * k.cols);
  std::vector<float> row(k.cols);
  for (uint64_t r = 0; r < k.rows; ++r) {
    const float *in = &x[r * k.cols];
    float *out = reduce ? nullptr : &y[r * k.cols];
    switch (k.op) {
    case RowOp::Sum:
    case RowOp::Mean:
      y[r] = foldRow(in, k.cols, 0.0f, false, RowOp::Sum);
      if (k.op == RowOp::Mean)
        y[r] = y[r] * (1.0f / float(k.cols));
      break;
    case RowOp::Max:
      y[r] = foldRow(in, k.cols, -inf, false, RowOp::Max);
      break;
    case RowOp::Min:
      y[r] = foldRow(in, k.cols, inf, false, RowOp::Min);
      break;
    case RowOp::Softmax:
    case RowOp::LogSoftmax: {
      const float m = foldRow(in, k.cols, -inf, false, RowOp::Max);
      for (uint64_t c = 0; c < k.cols; ++c)
        out[c] = in[c] - m;
      for (uint64_t c = 0; c < k.cols; ++c)
        row[c] = float(std::exp(double(out[c])));
      float s = foldRow(row.data(), k.cols, 0.0f, false, RowOp::Sum);
      if (k.op == RowOp::LogSoftmax) {
        s = float(std::log(double(s)));
        for (uint64_t c = 0; c < k.cols; ++c)
          out[c] = out[c] - s;
      } else {
        for (uint64_t c = 0; c < k.cols; ++c)
          out[c] = row[c] / s;
      }
      break;
    }
    case RowOp::LayerNorm: {
      const float inv = 1.0f / float(k.cols);
      const float mean = foldRow(in, k.cols, 0.0f, false, RowOp::Sum) * inv;
      for (uint64_t c = 0; c < k.cols; ++c)
        out[c] = in[c] - mean;
      const float var = foldRow(out, k.cols, 0.0f, true, RowOp::Sum) * inv;
      const float dev = float(std::sqrt(double(var + k.epsilon)));
      for (uint64_t c = 0; c < k.cols; ++c) {
        out[c] = out[c] / dev;
        if (k.scale)
          out[c] = out[c] * scale[c];
        if (k.bias)
          out[c] = out[c] + bias[c];
        if (k.rowAffine)
          out[c] = out[c] * scale[r] + bias[r]; // two roundings: vmul, then vadd
      }
      break;
    }
    }
  }
  // 16-bit tensors: the f32 results narrowed once.
  if (k.type == isa::DType::F16)
    for (float &v : y)
      v = num::f16ToF32(num::f32ToF16(v));
  if (k.type == isa::DType::BF16)
    for (float &v : y)
      v = num::bf16ToF32(num::f32ToBf16(v));
  return y;
}

} // namespace pagoda::codegen
