//===- Conv.cpp - Cube kernels for 2-D convolutions -----------------------===//
//
// The program of each cube core (docs/codegen.md):
//
//   for tile t = coreid, coreid + blockdim, ...  (image, ohc output rows, nt channels)
//     branch on the tile's band class (top, middle, bottom rows of the image)
//     [bias: MTE2 GM->L1, MTE1 L1->BT]
//     for L1 step over channel blocks (c1s at a time):
//       MTE2  wait L1[s%2] free; nd2nz each channel block of the input band
//             (rows = band rows x W, cols = C0, source stride C) and the
//             weight columns of those blocks
//       for L0 step over the step's img2col columns (kext at a time):
//         MTE1  setfm (band shape, pads); load3d img2col rows into L0A,
//               load2d the weight fractals into L0B
//         M     mmad per pass (f32: hi.hi, hi.lo, lo.hi)
//     FIX   fix_l0c_gm channels-last into Y (bias, ReLU, dtype)
//
// The input band of an M tile is the rows its windows read, clipped to the
// image; the clipped part becomes load3d padding. Tiles whose bands have the
// same shape form a class with its own straight code (nd2nz row counts and
// setfm fields are immediates); a middle class covers most tiles.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Codegen/Conv.h"

#include "pagoda/Sim/Numerics.h"

#include "CubeWriter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace pagoda::codegen {

namespace {

unsigned elemSize(isa::DType t) { return isa::dtypeBits(t) / 8; }
unsigned partsOf(const ConvKernel &k) { return k.input == isa::DType::F32 ? 2 : 1; }
uint64_t spanOf(uint64_t kernel, uint64_t dil) { return dil * (kernel - 1) + 1; }

/// Consecutive M tiles (of one image) whose input bands have one shape.
struct BandClass {
  uint64_t tmLo = 0, tmHi = 0; ///< M tile range, inclusive
  uint64_t rowsOut = 0;        ///< output rows of each tile
  uint64_t rowsIn = 0;         ///< input rows loaded
  uint64_t padT = 0, padB = 0; ///< band padding seen by load3d
  int64_t offset = 0;          ///< first input row minus ohStart * strideH
  bool same(const BandClass &o) const {
    return rowsOut == o.rowsOut && rowsIn == o.rowsIn && padT == o.padT && padB == o.padB &&
           offset == o.offset;
  }
};

/// The band classes of M tiles of `ohc` output rows, or nothing when a
/// tile's windows read no input row (all padding).
std::optional<std::vector<BandClass>> bandClasses(const ConvKernel &k, uint64_t ohc) {
  const uint64_t oh = k.outH(), tm = ceilDiv(oh, ohc);
  const int64_t spanH = int64_t(spanOf(k.kh, k.dilH)), sh = int64_t(k.strideH);
  std::vector<BandClass> out;
  for (uint64_t t = 0; t < tm; ++t) {
    BandClass b;
    b.tmLo = b.tmHi = t;
    const int64_t ohStart = int64_t(t * ohc);
    b.rowsOut = std::min(ohc, oh - t * ohc);
    const int64_t wanted = ohStart * sh - int64_t(k.padT);
    const int64_t need = int64_t(b.rowsOut - 1) * sh + spanH;
    const int64_t start = std::max<int64_t>(0, wanted);
    const int64_t end = std::min<int64_t>(int64_t(k.h), wanted + need);
    if (end <= start)
      return std::nullopt;
    b.rowsIn = uint64_t(end - start);
    b.padT = uint64_t(start - wanted);
    b.padB = uint64_t(wanted + need - end);
    b.offset = start - ohStart * sh;
    if (!out.empty() && out.back().same(b))
      out.back().tmHi = t;
    else
      out.push_back(b);
  }
  return out;
}

enum ConvReg : unsigned {
  kX = 1,      ///< x1, x2: input band parts at the current channel block
  kW = 3,      ///< x3, x4: weight parts at the current K column
  kTm = 27,    ///< M tile within the image
  kTn = 28,    ///< N tile
  kImg = 29,   ///< image
  kGroup = 30, ///< grouped convs: the N tile's group's first channel, in bytes
};

/// Buffer sizes of the chosen plan (bytes).
struct Layout {
  uint64_t fmBytes = 0; ///< one part's feature map in an L1 half
  uint64_t wBytes = 0;  ///< one part's weight columns in an L1 half
  uint64_t l1Half = 0, l0Half = 0, l0cHalf = 0, btHalf = 0;
  uint64_t mtPad = 0;  ///< largest M tile, padded to 16
  uint64_t rowsIn = 0; ///< largest band
};

class Emitter : CubeWriter {
public:
  Emitter(const ConvKernel &k, const ConvPlan &p, const Layout &l,
          const std::vector<BandClass> &classes)
      : CubeWriter(k.input, k.output, k.bias, k.relu, k.scale), k_(k), p_(p), l_(l),
        classes_(classes), size_(elemSize(k.input)), c0_(k.c0()), c1_(ceilDiv(k.c, k.c0())),
        window_(k.kh * k.kw), kAll_(k.packedK()) {}

  std::string run() {
    line(".kernel {}", k_.name);
    line(".core aic");
    comment("Y[{}x{}x{}x{}] = conv(X[{}x{}x{}x{}], W {}x{}, pads {},{},{},{}, strides {}x{}, "
            "dilations {}x{}){}{}, {}{}: {}",
            k_.batch, k_.outH(), k_.outW(), k_.m, k_.batch, k_.h, k_.w, k_.c, k_.kh, k_.kw, k_.padT,
            k_.padL, k_.padB, k_.padR, k_.strideH, k_.strideW, k_.dilH, k_.dilW,
            k_.bias ? " + bias" : "", k_.relu ? ", relu" : "", dt_,
            parts_ == 2 ? " in three hf32 passes" : "", p_.describe());
    if (k_.padValue) { // windows outside the image read the zero point
      line("movi x{}, {}", kTmp, uint64_t(k_.padValue) & 0xFF);
      line("setpad x{}", kTmp);
    } else {
      line("setpad x0"); // windows outside the image read zeros
    }
    prologue(p_.tiles, {l_.l1Half, l_.l0Half, l_.l0cHalf, l_.btHalf});
    const uint64_t tilesM = ceilDiv(k_.outH(), p_.ohc), tilesN = ceilDiv(k_.m, p_.nt);
    line("movi x{}, {}", kTmp, tilesM * tilesN);
    line("divu x{}, x{}, x{}", kImg, kTile, kTmp);
    line("remu x{}, x{}, x{}", kTn, kTile, kTmp);
    line("movi x{}, {}", kTmp, tilesN);
    line("divu x{}, x{}, x{}", kTm, kTn, kTmp);
    line("remu x{0}, x{0}, x{1}", kTn, kTmp);
    // Pointers: weights and bias of the N tile, the output tile, and the
    // input rows at ohStart * strideH (each class adds its offset).
    mulImm(kTmp, kTn, p_.nt * kAll_ * size_);
    for (unsigned p = 0; p < parts_; ++p)
      line("add x{}, x{}, x{}", kW + p, kArg + 2 + p, kTmp);
    if (k_.bias) {
      mulImm(kBias, kTn, p_.nt * 4);
      line("add x{0}, x{0}, x{1}", kBias, kArg + 4);
    }
    const unsigned outSize = elemSize(k_.output);
    const uint64_t ow = k_.outW(), rowBytes = k_.w * k_.xChannels() * size_;
    mulImm(kOut, kImg, k_.outH() * ow * k_.m * outSize);
    mulImm(kTmp, kTm, p_.ohc * ow * k_.m * outSize);
    line("add x{0}, x{0}, x{1}", kOut, kTmp);
    mulImm(kTmp, kTn, p_.nt * outSize);
    line("add x{0}, x{0}, x{1}", kOut, kTmp);
    line("add x{0}, x{0}, x{1}", kOut, kArg + 5);
    mulImm(kTmp, kImg, k_.h * rowBytes);
    mulImm(kTmp2, kTm, p_.ohc * k_.strideH * rowBytes);
    line("add x{0}, x{0}, x{1}", kTmp, kTmp2);
    if (k_.groups > 1) { // the N tile's group's channels: + (tn / tiles a group) * c
      line("movi x{}, {}", kGroup, k_.m / k_.groups / p_.nt);
      line("divu x{0}, x{1}, x{0}", kGroup, kTn);
      mulImm(kGroup, kGroup, k_.c * size_);
      line("add x{0}, x{0}, x{1}", kTmp, kGroup);
    }
    for (unsigned p = 0; p < parts_; ++p)
      line("add x{}, x{}, x{}", kX + p, kArg + p, kTmp);
    // Dispatch on the band class (ranges of M tiles in order).
    for (size_t c = 0; c + 1 < classes_.size(); ++c) {
      line("movi x{}, {}", kTmp, classes_[c].tmHi + 1);
      line("blt x{}, x{}, class{}", kTm, kTmp, c);
    }
    line("jmp class{}", classes_.size() - 1);
    const uint64_t nEdge = k_.m % p_.nt;
    for (size_t c = 0; c < classes_.size(); ++c) {
      const BandClass &b = classes_[c];
      label(fmt::format("class{}", c));
      comment("M tiles {}-{}: {} output rows from {} input rows, band pads {}/{}", b.tmLo, b.tmHi,
              b.rowsOut, b.rowsIn, b.padT, b.padB);
      if (b.offset) {
        line("movi x{}, {}", kTmp, b.offset * int64_t(rowBytes));
        for (unsigned p = 0; p < parts_; ++p)
          line("add x{0}, x{0}, x{1}", kX + p, kTmp);
      }
      const std::string tag = fmt::format("c{}", c);
      if (nEdge) {
        line("movi x{}, {}", kTmp, tilesN - 1);
        line("beq x{}, x{}, {}_nedge", kTn, kTmp, tag);
      }
      tileBody(tag + "_full", b, p_.nt);
      if (nEdge) {
        label(tag + "_nedge");
        tileBody(tag + "_edge", b, nEdge);
      }
    }
    epilogue();
    return take();
  }

private:
  void tileBody(const std::string &tag, const BandClass &b, uint64_t cols) {
    comment("tile of {} output rows x {} channels", b.rowsOut, cols);
    if (k_.bias)
      loadBias(cols, l_.l1Half);
    const uint64_t steps = ceilDiv(c1_, p_.c1s);
    const uint64_t rest = c1_ - (steps - 1) * p_.c1s;
    first_ = true;
    l1Step(b, cols, steps == 1 ? rest : p_.c1s, steps == 1);
    if (steps > 2) {
      line("movi x{}, {}", kKLoop, steps - 2);
      label(tag + "_kloop");
      l1Step(b, cols, p_.c1s, false);
      line("addi x{0}, x{0}, -1", kKLoop);
      line("bne x{}, x0, {}_kloop", kKLoop, tag);
    }
    if (steps > 1)
      l1Step(b, cols, rest, true);
    drain(b.rowsOut * k_.outW(), cols, k_.m);
  }

  /// One L1 step of `blocks` channel blocks; `last` holds the final
  /// (possibly partial) block.
  void l1Step(const BandClass &b, uint64_t cols, uint64_t blocks, bool last) {
    const uint64_t colsPad = roundUp(cols, 16), stepK = blocks * window_ * c0_;
    const uint64_t positions = b.rowsIn * k_.w, drows = roundUp(positions, 16);
    const uint64_t partBytes = l_.fmBytes + l_.wBytes;
    // MTE2: the band's channel blocks as [blocks][rowsIn][W][C0], then the
    // weight columns of those blocks as nZ.
    line("waitf mte1, mte2, 0");
    for (unsigned p = 0; p < parts_; ++p) {
      for (uint64_t c = 0; c < blocks; ++c) {
        const uint64_t channels = last && c + 1 == blocks ? k_.c - (c1_ - 1) * c0_ : c0_;
        line("movi x{}, {}", kTmp, p * partBytes + c * positions * 32);
        line("add x{0}, x{0}, x{1}", kTmp, kL1);
        line("addi x{}, x{}, {}", kTmp2, kX + p, c * c0_ * size_);
        line("nd2nz_gm_l1.{} x{}, x{}, rows={}, cols={}, sstride={}, drows={}", dt_, kTmp, kTmp2,
             positions, channels, k_.xChannels(), drows);
      }
      line("movi x{}, {}", kTmp, p * partBytes + l_.fmBytes);
      line("add x{0}, x{0}, x{1}", kTmp, kL1);
      line("nd2nz_gm_l1.{} x{}, x{}, rows={}, cols={}, sstride={}, drows={}", dt_, kTmp, kW + p,
           cols, stepK, kAll_, colsPad);
    }
    line("setf mte2, mte1, 0");
    // MTE1 and M: L0 steps of kext img2col columns.
    line("waitf mte2, mte1, 0");
    const uint64_t fm0 = k_.w | (b.rowsIn << 16) | (blocks << 32);
    const uint64_t fm1 = k_.padL | (k_.padR << 8) | (b.padT << 16) | (b.padB << 24) |
                         (k_.strideW << 32) | (k_.strideH << 40) | (k_.dilW << 48) |
                         (k_.dilH << 56);
    line("movi x{}, {}", kTmp, fm0);
    line("movi x{}, {:#x}", kTmp2, fm1);
    line("setfm x{}, x{}", kTmp, kTmp2);
    const uint64_t mtPad = roundUp(b.rowsOut * k_.outW(), 16);
    for (uint64_t ks = 0; ks < stepK; ks += p_.kext) {
      const uint64_t kc = std::min(p_.kext, stepK - ks);
      const uint64_t aBytes = mtPad * kc * size_, bBytes = colsPad * kc * size_;
      line("waitf m, mte1, 0");
      for (unsigned p = 0; p < parts_; ++p) {
        line("movi x{}, {}", kTmp, p * partBytes);
        line("add x{0}, x{0}, x{1}", kTmp, kL1);
        line("movi x{}, {}", kTmp2, p * aBytes);
        line("add x{0}, x{0}, x{1}", kTmp2, kL0);
        line("load3d_l1_l0a.{} x{}, x{}, kw={}, kh={}, posk={}, kext={}, mext={}", dt_, kTmp2, kTmp,
             k_.kw, k_.kh, ks, kc, mtPad);
        line("movi x{}, {}", kTmp, p * partBytes + l_.fmBytes + (ks / c0_) * colsPad * 32);
        line("add x{0}, x{0}, x{1}", kTmp, kL1);
        line("movi x{}, {}", kTmp2, p * bBytes);
        line("add x{0}, x{0}, x{1}", kTmp2, kL0);
        line("load2d_l1_l0b.{} x{}, x{}, rep={}", dt_, kTmp2, kTmp, (kc / c0_) * (colsPad / 16));
      }
      if (ks + kc == stepK)
        line("setf mte1, mte2, 0"); // the L1 half is read
      line("setf mte1, m, 0");
      mmads(mtPad, kc, colsPad, aBytes, bBytes, first_);
      first_ = false;
      line("xor x{0}, x{0}, x{1}", kL0, kL0Flip);
    }
    line("xor x{0}, x{0}, x{1}", kL1, kL1Flip);
    for (unsigned p = 0; p < parts_; ++p) {
      line("addi x{0}, x{0}, {1}", kX + p, blocks * c0_ * size_);
      line("addi x{0}, x{0}, {1}", kW + p, stepK * size_);
    }
  }

  const ConvKernel &k_;
  const ConvPlan &p_;
  const Layout &l_;
  const std::vector<BandClass> &classes_;
  unsigned size_;
  uint64_t c0_;
  uint64_t c1_, window_, kAll_;
  bool first_ = true;
};

/// The buffers of a plan; zero sizes when they do not fit.
Layout layoutOf(const ConvKernel &k, const ConvPlan &p, const std::vector<BandClass> &classes,
                const target::TargetDesc &t) {
  Layout l;
  const unsigned size = elemSize(k.input), parts = partsOf(k);
  for (const BandClass &b : classes) {
    l.mtPad = std::max(l.mtPad, roundUp(b.rowsOut * k.outW(), 16));
    l.rowsIn = std::max(l.rowsIn, b.rowsIn);
  }
  const uint64_t ntPad = roundUp(p.nt, 16);
  l.fmBytes = p.c1s * l.rowsIn * k.w * 32;
  l.wBytes = ntPad * p.c1s * k.kh * k.kw * k.c0() * size;
  l.l1Half = roundUp(parts * (l.fmBytes + l.wBytes), 512);
  const uint64_t l0Align = std::max(t.buffer(target::MemSpace::L0A).alignBytes,
                                    t.buffer(target::MemSpace::L0B).alignBytes);
  l.l0Half = roundUp(parts * std::max(l.mtPad, ntPad) * p.kext * size, l0Align);
  l.l0cHalf = roundUp(l.mtPad * ntPad * 4, t.buffer(target::MemSpace::L0C).alignBytes);
  l.btHalf = k.bias ? roundUp(ntPad * 4, 64) : 0;
  return l;
}

} // namespace

uint64_t ConvKernel::outH() const {
  const uint64_t span = spanOf(kh, dilH);
  return h + padT + padB < span || !strideH ? 0 : (h + padT + padB - span) / strideH + 1;
}
uint64_t ConvKernel::outW() const {
  const uint64_t span = spanOf(kw, dilW);
  return w + padL + padR < span || !strideW ? 0 : (w + padL + padR - span) / strideW + 1;
}
uint64_t ConvKernel::c0() const { return 32 / elemSize(input); }
uint64_t ConvKernel::packedK() const { return ceilDiv(c, c0()) * kh * kw * c0(); }

unsigned convArgCount(const ConvKernel &k) {
  return (k.input == isa::DType::F32 ? 4 : 2) + (k.bias ? 1 : 0) + 1;
}

std::vector<float> packConvWeights(const ConvKernel &k, const float *weights) {
  const uint64_t c0 = k.c0(), kAll = k.packedK();
  std::vector<float> out(k.m * kAll, 0.0f);
  for (uint64_t o = 0; o < k.m; ++o)
    for (uint64_t ch = 0; ch < k.c; ++ch)
      for (uint64_t i = 0; i < k.kh; ++i)
        for (uint64_t j = 0; j < k.kw; ++j) {
          const uint64_t col = (((ch / c0) * k.kh + i) * k.kw + j) * c0 + ch % c0;
          out[o * kAll + col] = weights[((o * k.c + ch) * k.kh + i) * k.kw + j];
        }
  return out;
}

std::string ConvPlan::describe() const {
  return fmt::format("{} tiles of {} output rows x {} channels on {} AI cores, {} channel blocks "
                     "per L1 step, K in steps of {}, {} band classes",
                     tiles, ohc, nt, blockDim, c1s, kext, classes);
}

Result<ConvPlan> planConv(const ConvKernel &k, const target::TargetDesc &t, unsigned rank) {
  auto fail = [&](const std::string &why) {
    return Error(fmt::format("conv kernel '{}': {}", k.name, why));
  };
  if (std::optional<std::string> problem =
          cubeProblem(k.input, k.output, k.bias, t, k.scale.has_value()))
    return fail(*problem);
  if (k.padValue && (k.input != isa::DType::S8 || k.padValue < -128 || k.padValue > 127))
    return fail(fmt::format("a padding value of {} (s8 inputs pad with an s8 value)", k.padValue));
  if (!k.batch || !k.c || !k.h || !k.w || !k.m || !k.kh || !k.kw || !k.groups)
    return fail("an empty dimension");
  if (k.m % k.groups)
    return fail(fmt::format("{} output channels in {} groups", k.m, k.groups));
  if (!k.outH() || !k.outW())
    return fail("the window is larger than the padded input");
  if (k.kh > 255 || k.kw > 255 || k.padL > 255 || k.padR > 255 || k.padT > 255 || k.padB > 255 ||
      !k.strideH || k.strideH > 255 || !k.strideW || k.strideW > 255 || !k.dilH || k.dilH > 255 ||
      !k.dilW || k.dilW > 255)
    return fail("a window, pad, stride or dilation beyond the load3d fields (1-255)");
  if (k.w > 0xFFFF || k.m > 0xFFFFFF || k.c > 0xFFFFFF || k.packedK() > 0xFFFFFF)
    return fail("a dimension beyond the instruction fields");

  const unsigned size = elemSize(k.input), parts = partsOf(k), mmads = parts == 2 ? 3 : 1;
  const unsigned outSize = elemSize(k.output);
  const uint64_t c0 = k.c0(), c1 = ceilDiv(k.c, c0), window = k.kh * k.kw, kAll = k.packedK();
  const uint64_t oh = k.outH(), ow = k.outW();
  const CubeTarget ct(t, k.input);
  const uint64_t l1 = ct.l1, l0a = ct.l0a, l0b = ct.l0b, l0c = ct.l0c, bt = ct.bt;
  const target::CubeShape &cs = ct.cube;
  const target::PathSpec &load = ct.load, &toA = ct.toA, &toB = ct.toB, &drain = ct.drain;
  // Band starts move in whole input rows: GM sources stay aligned when a
  // row is, or when each image is one band and images are aligned.
  const uint64_t xc = k.xChannels(), mg = k.m / k.groups;
  const bool rowsAligned = (k.w * xc * size) % t.dmaMinAlignBytes == 0;
  const bool imagesAligned = k.batch == 1 || (k.h * k.w * xc * size) % t.dmaMinAlignBytes == 0;
  // A group's channels start where its loads can: c x size aligned.
  if (k.groups > 1 && (k.c * size) % t.dmaMinAlignBytes)
    return fail(fmt::format("groups of {} input channels ({} bytes) do not start {}-byte aligned",
                            k.c, k.c * size, t.dmaMinAlignBytes));
  // And its output channels where FixPipe can write them (an N tile, and
  // its bias, start a group's channels).
  if (k.groups > 1 && (mg * outSize) % t.dmaMinAlignBytes)
    return fail(fmt::format("groups of {} output channels ({} bytes) do not start {}-byte "
                            "aligned in Y",
                            mg, mg * outSize, t.dmaMinAlignBytes));

  const uint64_t align = t.dmaMinAlignBytes;
  std::vector<uint64_t> ohcs;
  for (uint64_t r = 1; r <= std::min<uint64_t>(oh, 64); ++r)
    ohcs.push_back(r);
  if (oh > 64)
    ohcs.push_back(oh);
  PlanChoice<ConvPlan> choice;
  ConvPlan plan;
  std::string why = "no tile fits the buffers of " + t.name;
  for (uint64_t ohc : ohcs) {
    const uint64_t tilesM = ceilDiv(oh, ohc);
    if (!rowsAligned && (!imagesAligned || tilesM > 1)) {
      why = fmt::format("input rows of {} bytes are not {}-byte aligned and {}", k.w * xc * size,
                        t.dmaMinAlignBytes,
                        imagesAligned ? "an image does not fit one tile" : "neither are images");
      continue;
    }
    // FixPipe's GM destination is aligned too: each M tile starts ohc
    // output rows (of all M channels) after the last.
    const uint64_t outRow = ow * k.m * outSize;
    if ((tilesM > 1 && (ohc * outRow) % align) || (k.batch > 1 && (oh * outRow) % align)) {
      why = fmt::format("output tiles of {} rows x {} bytes do not start {}-byte aligned", ohc,
                        outRow, align);
      continue;
    }
    std::optional<std::vector<BandClass>> classes = bandClasses(k, ohc);
    if (!classes) {
      why = "an output row whose window reads only padding";
      continue;
    }
    if (classes->size() > 8)
      continue;
    uint64_t mtPad = 0, rowsIn = 0;
    for (const BandClass &b : *classes) {
      mtPad = std::max(mtPad, roundUp(b.rowsOut * ow, 16));
      rowsIn = std::max(rowsIn, b.rowsIn);
    }
    if (mtPad > 0xFFFF || roundUp(rowsIn * k.w, 16) > 0xFFFF)
      continue;
    // N tiles: powers of two from 16; a group's channels when it has
    // fewer (an N tile stays inside one group).
    std::vector<uint64_t> nts;
    for (uint64_t nt = 16; nt <= std::min<uint64_t>(256, roundUp(k.m, 16)); nt *= 2)
      if (k.groups == 1 || mg % nt == 0)
        nts.push_back(nt);
    if (k.groups > 1 && mg < 16)
      nts.push_back(mg);
    for (uint64_t nt : nts) {
      if (mtPad * nt * 4 > l0c / 2 || (k.bias && roundUp(nt * 4, 64) * 2 > bt))
        continue;
      // FixPipe writes each N tile at nt channels from the last (16 s8
      // channels are half a block).
      if (nt < k.m && (nt * outSize) % align) {
        why = fmt::format("N tiles of {} channels ({} bytes) do not start {}-byte aligned in Y", nt,
                          nt * outSize, align);
        continue;
      }
      const uint64_t btHalf = k.bias ? roundUp(nt * 4, 64) : 0;
      if (2 * btHalf >= l1)
        continue;
      const uint64_t l1Half = (l1 - 2 * btHalf) / 2;
      // The most channel blocks whose band and weight columns fit an L1 half.
      const uint64_t perBlock = parts * (rowsIn * k.w * 32 + nt * window * c0 * size);
      uint64_t c1s = std::min<uint64_t>(c1, (l1Half - 511) / perBlock);
      c1s = std::min<uint64_t>(c1s, 0xFFFF / (window * c0));
      if (!c1s)
        continue;
      uint64_t kext = c1s * window * c0;
      kext = std::min(kext, (l0a / 2) / (parts * mtPad * size) / c0 * c0);
      kext = std::min(kext, (l0b / 2) / (parts * nt * size) / c0 * c0);
      if (kext < c0)
        continue;
      const uint64_t tiles = k.batch * tilesM * ceilDiv(k.m, nt);
      const uint64_t cores = std::min<uint64_t>(t.aiCores, tiles);
      const uint64_t perCore = ceilDiv(tiles, cores);
      const uint64_t l0Steps = ceilDiv(c1, c1s) * ceilDiv(c1s * window * c0, kext);
      // Per tile: its band and weights from HBM, img2col and weight
      // fractals through MTE1, the cube's fractal products; each stage
      // overlaps the others, so the slowest sets the pace.
      double bytes = double(parts) *
                     (double(c1 * c0 * size) * double(rowsIn * k.w) + double(nt * kAll * size));
      double loadCycles = bytes / std::min(load.bytesPerCycle, t.hbmBytesPerCycle() / cores) +
                          double(ceilDiv(c1, c1s)) * load.latencyCycles;
      double mte1 = parts * (double(mtPad * kAll * size) / toA.bytesPerCycle +
                             double(nt * kAll * size) / toB.bytesPerCycle);
      double cube = double(mmads) * double(ceilDiv(mtPad, cs.m)) * double(ceilDiv(nt, cs.n)) *
                        double(ceilDiv(kAll, cs.k)) +
                    double(l0Steps * mmads) * 4.0;
      double tileCycles = std::max({loadCycles, mte1, cube});
      double drainCycles = double(mtPad * nt * outSize) / drain.bytesPerCycle + drain.latencyCycles;
      double cycles = double(perCore) * std::max(tileCycles, drainCycles) + toA.latencyCycles +
                      t.cubeLatencyCycles + drainCycles;
      plan.blockDim = uint32_t(cores);
      plan.ohc = ohc;
      plan.nt = nt;
      plan.c1s = c1s;
      plan.kext = kext;
      plan.tiles = tiles;
      plan.classes = classes->size();
      choice.offer(cycles, plan);
    }
  }
  return choice.result(rank, t, fail(why), "conv", k.name);
}

Result<GeneratedConv> generateConv(const ConvKernel &k, const target::TargetDesc &t,
                                   unsigned rank) {
  Result<ConvPlan> plan = planConv(k, t, rank);
  if (!plan)
    return plan.error();
  std::vector<BandClass> classes = *bandClasses(k, plan->ohc);
  Layout layout = layoutOf(k, *plan, classes, t);
  GeneratedConv g;
  g.plan = *plan;
  g.buffers = cubeBuffers(layout.l1Half, layout.l0Half, layout.l0cHalf, layout.btHalf);
  if (std::optional<Error> e = verifyBuffers("conv", k.name, g.buffers, t))
    return *e;
  const unsigned size = elemSize(k.input), parts = partsOf(k);
  g.argBytes.insert(g.argBytes.end(), parts, k.batch * k.h * k.w * k.xChannels() * size);
  g.argBytes.insert(g.argBytes.end(), parts, k.m * k.packedK() * size);
  if (k.bias)
    g.argBytes.push_back(roundUp(k.m, 8) * 4);
  g.argBytes.push_back(k.batch * k.outH() * k.outW() * k.m * elemSize(k.output));
  g.assembly = Emitter(k, g.plan, layout, classes).run();
  Result<isa::Program> program = assembleKernel("conv", k.name, g.assembly);
  if (!program)
    return program.error();
  g.program = std::move(*program);
  return g;
}

std::vector<float> evaluateConv(const ConvKernel &k, const std::vector<uint32_t> &x,
                                const std::vector<uint32_t> &w, const std::vector<uint32_t> &xLo,
                                const std::vector<uint32_t> &wLo, const std::vector<float> &bias,
                                const ConvPlan &plan) {
  auto value = [&](uint32_t v) { return cubeValue(k.input, v); };
  const uint64_t c0 = k.c0(), c1 = ceilDiv(k.c, c0), window = k.kh * k.kw, kAll = k.packedK();
  const uint64_t oh = k.outH(), ow = k.outW();
  std::vector<std::pair<const std::vector<uint32_t> *, const std::vector<uint32_t> *>> passes = {
      {&x, &w}};
  if (k.input == isa::DType::F32)
    passes = {{&x, &w}, {&x, &wLo}, {&xLo, &w}};
  // The L0 steps' column ranges, in order.
  std::vector<std::pair<uint64_t, uint64_t>> steps;
  for (uint64_t b = 0; b < c1; b += plan.c1s) {
    const uint64_t base = b * window * c0, stepK = std::min(plan.c1s, c1 - b) * window * c0;
    for (uint64_t ks = 0; ks < stepK; ks += plan.kext)
      steps.push_back({base + ks, base + std::min(stepK, ks + plan.kext)});
  }
  std::vector<float> y(k.batch * oh * ow * k.m);
  for (uint64_t img = 0; img < k.batch; ++img)
    for (uint64_t r = 0; r < oh; ++r)
      for (uint64_t q = 0; q < ow; ++q)
        for (uint64_t o = 0; o < k.m; ++o) {
          float acc = k.bias ? bias[o] : 0.0f;
          for (auto [lo, hi] : steps)
            for (auto [px, pw] : passes)
              for (uint64_t col = lo; col < hi; ++col) {
                const uint64_t cc = col % c0, win = (col / c0) % window, blk = col / c0 / window;
                const uint64_t i = win / k.kw, j = win % k.kw, ch = blk * c0 + cc;
                const int64_t row = int64_t(r * k.strideH + i * k.dilH) - int64_t(k.padT);
                const int64_t cl = int64_t(q * k.strideW + j * k.dilW) - int64_t(k.padL);
                float xv = 0.0f;
                const uint64_t xc = k.xChannels(), xch = o / (k.m / k.groups) * k.c + ch;
                if (ch < k.c && row >= 0 && row < int64_t(k.h) && cl >= 0 && cl < int64_t(k.w))
                  xv = value((*px)[((img * k.h + uint64_t(row)) * k.w + uint64_t(cl)) * xc + xch]);
                const float wv = value((*pw)[o * kAll + col]);
                acc = acc + xv * wv;
              }
          y[((img * oh + r) * ow + q) * k.m + o] =
              k.relu ? (acc > 0 || std::isnan(acc) ? acc : 0.0f) : acc;
        }
  return y;
}

} // namespace pagoda::codegen
