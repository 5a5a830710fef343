//===- CubeWriter.h - What the cube kernel generators share -----*- C++ -*-===//
//
// The matmul and conv generators (Matmul.cpp, Conv.cpp) drive the cube the
// same way: a tile loop over the AI cores, two halves of L1, L0A/L0B, L0C
// and BT with counting "free" flags, the bias staged GM -> L1 -> BT, one
// mmad per hf32 pass, and the FixPipe drain. This base class emits those
// pieces over one register layout; each generator adds its own pointers
// (registers 1-4, 6 and 27-29). Internal to lib/Codegen.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_LIB_CODEGEN_CUBEWRITER_H
#define PAGODA_LIB_CODEGEN_CUBEWRITER_H

#include "AsmWriter.h"

#include "pagoda/Codegen/Buffers.h"

#include "pagoda/ISA/ISA.h"
#include "pagoda/Sim/Numerics.h"
#include "pagoda/Target/TargetDesc.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pagoda::codegen {

/// The target's cube mode for an input type (f16, bf16, f32, s8).
inline std::optional<target::CubeType> cubeTypeOf(isa::DType t) {
  switch (t) {
  case isa::DType::S8:
    return target::CubeType::S8;
  case isa::DType::F16:
    return target::CubeType::F16;
  case isa::DType::BF16:
    return target::CubeType::BF16;
  case isa::DType::F32:
    return target::CubeType::F32;
  default:
    return std::nullopt;
  }
}

/// An input element (its bits) as the cube reads it: s8, f16 and bf16
/// exactly, f32 rounded to 11 significant bits (the cube's f32 mode).
inline float cubeValue(isa::DType input, uint32_t bits) {
  switch (input) {
  case isa::DType::S8:
    return float(int8_t(uint8_t(bits)));
  case isa::DType::F16:
    return num::f16ToF32(uint16_t(bits));
  case isa::DType::BF16:
    return num::bf16ToF32(uint16_t(bits));
  default:
    return num::roundToHf32(num::bitsFloat(bits));
  }
}

/// What a cube kernel needs of its types and of the target (a cube mode
/// for the input, FixPipe's output types, the data paths, two event ids);
/// the problem, if any. s8 inputs accumulate in s32, which FixPipe writes
/// as it is (s32) or scaled (`quantized`: to f32, f16 or s8); their bias
/// row is int32 (it starts the s32 accumulation).
inline std::optional<std::string> cubeProblem(isa::DType input, isa::DType output, bool bias,
                                              const target::TargetDesc &t, bool quantized = false) {
  std::optional<target::CubeType> ct = cubeTypeOf(input);
  if (!ct)
    return fmt::format("input type {} (f16, bf16, f32 and s8 are generated)",
                       isa::dtypeName(input));
  if (!t.cube(*ct))
    return fmt::format("the {} cube has no {} mode", t.name, isa::dtypeName(input));
  if (input == isa::DType::S8) {
    if (quantized
            ? output != isa::DType::F32 && output != isa::DType::F16 && output != isa::DType::S8
            : output != isa::DType::S32)
      return fmt::format("output type {} of s8 products{}", isa::dtypeName(output),
                         quantized ? " (scaled: f32, f16 or s8)" : " (unscaled: s32)");
  } else if (quantized || (output != isa::DType::F32 && output != isa::DType::F16 &&
                           output != isa::DType::BF16)) {
    return fmt::format("output type {}{}", isa::dtypeName(output),
                       quantized ? " with a scale (s8 inputs only)" : "");
  }
  for (target::Path path :
       {target::Path::GmToL1, target::Path::L1ToL0A, target::Path::L1ToL0B, target::Path::L0cToGm})
    if (!t.hasPath(path))
      return t.name + " has no " + target::pathInfo(path).name + " path";
  if (bias && !t.hasPath(target::Path::L1ToBt))
    return t.name + " has no l1_to_bt path";
  if (t.eventIds < 2)
    return t.name + " has fewer than 2 event ids";
  return std::nullopt;
}

/// The buffer sizes, cube shape and data paths a cube kernel's planner
/// reads (after cubeProblem found nothing missing).
struct CubeTarget {
  CubeTarget(const target::TargetDesc &t, isa::DType input)
      : l1(t.buffer(target::MemSpace::L1).sizeBytes),
        l0a(t.buffer(target::MemSpace::L0A).sizeBytes),
        l0b(t.buffer(target::MemSpace::L0B).sizeBytes),
        l0c(t.buffer(target::MemSpace::L0C).sizeBytes),
        bt(t.buffer(target::MemSpace::BT).sizeBytes), cube(*t.cube(*cubeTypeOf(input))),
        load(*t.path(target::Path::GmToL1)), toA(*t.path(target::Path::L1ToL0A)),
        toB(*t.path(target::Path::L1ToL0B)), drain(*t.path(target::Path::L0cToGm)) {}
  uint64_t l1, l0a, l0b, l0c, bt;
  const target::CubeShape &cube;
  const target::PathSpec &load, &toA, &toB, &drain;
};

/// Registers both cube generators use the same way.
enum CubeReg : unsigned {
  kBias = 5,    ///< bias of the current tile's columns
  kOut = 6,     ///< output tile
  kL1 = 7,      ///< L1 buffer of this step (toggled)
  kL0 = 8,      ///< L0A/L0B buffer of this step (toggled)
  kL0c = 9,     ///< L0C buffer of this tile (toggled)
  kBt0 = 10,    ///< BT buffer (and bias staging) of this tile (toggled)
  kL1Flip = 11, ///< xor masks
  kL0Flip = 12,
  kL0cFlip = 13,
  kBtFlip = 14,
  kTile = 15,  ///< tile index
  kTiles = 16, ///< number of tiles
  kStride = 17,
  kKLoop = 18,
  kTmp = 19,
  kTmp2 = 20,
  kArg = 21, ///< x21, x22: A parts; x23, x24: B parts; x25: bias; x26: output
};

/// Buffer halves (bytes) of a plan.
struct CubeHalves {
  uint64_t l1 = 0, l0 = 0, l0c = 0, bt = 0;
};

class CubeWriter : protected AsmWriter {
protected:
  CubeWriter(isa::DType input, isa::DType output, bool bias, bool relu,
             std::optional<float> scale = std::nullopt)
      : dt_(isa::dtypeName(input)), outDt_(isa::dtypeName(output)),
        parts_(input == isa::DType::F32 ? 2 : 1), bias_(bias), relu_(relu),
        integer_(input == isa::DType::S8), scale_(scale) {}

  /// Arguments into x21-x26 (and `extra` registers, the arguments between
  /// the bias and the output), the tile loop's registers, buffer toggles
  /// and the "free" credits; ends at the `tile_loop` label's check.
  void prologue(uint64_t tiles, const CubeHalves &h, const std::vector<unsigned> &extra = {}) {
    unsigned arg = 0;
    for (unsigned p = 0; p < parts_; ++p)
      line("ldarg x{}, {}", kArg + p, arg++);
    for (unsigned p = 0; p < parts_; ++p)
      line("ldarg x{}, {}", kArg + 2 + p, arg++);
    if (bias_)
      line("ldarg x{}, {}", kArg + 4, arg++);
    for (unsigned r : extra)
      line("ldarg x{}, {}", r, arg++);
    line("ldarg x{}, {}", kArg + 5, arg++);
    if (scale_) { // FixPipe's scale for every drain of this core
      line("movi x{}, {}", kTmp, num::floatBits(*scale_));
      line("setdeq x{}", kTmp);
    }
    line("coreid x{}", kTile);
    line("corenum x{}", kStride);
    line("movi x{}, {}", kTiles, tiles);
    for (unsigned r : {kL1, kL0, kL0c, kBt0})
      line("movi x{}, 0", r);
    line("movi x{}, {}", kL1Flip, h.l1);
    line("movi x{}, {}", kL0Flip, h.l0);
    line("movi x{}, {}", kL0cFlip, h.l0c);
    line("movi x{}, {}", kBtFlip, h.bt);
    // Every buffer has two halves: two "free" credits each.
    for (int i = 0; i < 2; ++i)
      for (const char *f : kFreeFlags)
        line("setf {}", f);
    label("tile_loop");
    line("bge x{}, x{}, tiles_done", kTile, kTiles);
  }

  /// The end of the program: the credits back, then halt.
  void epilogue() {
    label("tiles_done");
    for (int i = 0; i < 2; ++i)
      for (const char *f : kFreeFlags)
        line("waitf {}", f);
    line("halt");
  }

  /// dst = src * value (any 64-bit value).
  void mulImm(unsigned dst, unsigned src, uint64_t value) {
    line("movi x{}, {}", kTmp2, value);
    line("mul x{}, x{}, x{}", dst, src, kTmp2);
  }

  /// The tile's bias row (`cols` f32 values, int32 for s8 inputs, at x5):
  /// GM -> L1 staging after both L1 halves (`l1Half` each) -> BT.
  void loadBias(uint64_t cols, uint64_t l1Half) {
    const uint64_t blocks = ceilDiv(cols * 4, 32);
    line("waitf mte1, mte2, 1");
    line("movi x{}, {}", kTmp, 2 * l1Half);
    line("add x{0}, x{0}, x{1}", kTmp, kBt0);
    line("dma_gm_l1 x{}, x{}, len={}", kTmp, kBias, blocks);
    line("setf mte2, mte1, 1");
    line("waitf mte2, mte1, 1");
    line("waitf m, mte1, 1");
    line("dma_l1_bt x{}, x{}, len={}", kBt0, kTmp, blocks);
    line("setf mte1, mte2, 1");
  }

  /// M: one mmad per pass (f32: hi.hi, hi.lo, lo.hi) on the L0 half (part
  /// p of A at p * aBytes in L0A, of B at p * bBytes in L0B); the tile's
  /// first step starts the accumulator (from the bias). Then the L0 half
  /// goes back to MTE1.
  void mmads(uint64_t m, uint64_t k, uint64_t n, uint64_t aBytes, uint64_t bBytes, bool first) {
    line("waitf mte1, m, 0");
    if (first)
      line("waitf fix, m, 0");
    std::vector<std::pair<unsigned, unsigned>> passes = {{0, 0}};
    if (parts_ == 2)
      passes = {{0, 0}, {0, 1}, {1, 0}};
    bool init = first;
    for (auto [pa, pb] : passes) {
      line("movi x{}, {}", kTmp, pa * aBytes);
      line("add x{0}, x{0}, x{1}", kTmp, kL0);
      line("movi x{}, {}", kTmp2, pb * bBytes);
      line("add x{0}, x{0}, x{1}", kTmp2, kL0);
      std::string flags;
      if (init)
        flags = bias_ ? fmt::format(", init=1, hasbias=1, bias=x{}", kBt0) : ", init=1";
      line("mmad.{} x{}, x{}, x{}, m={}, k={}, n={}{}", dt_, kL0c, kTmp, kTmp2, m, k, n, flags);
      if (init && bias_)
        line("setf m, mte1, 1"); // the BT half is read
      init = false;
    }
    line("setf m, mte1, 0");
  }

  /// FIX: the accumulator's rows x cols into the output tile (x6, row
  /// stride `dstride` elements), ReLU and the conversion in FixPipe; then
  /// the next tile.
  void drain(uint64_t rows, uint64_t cols, uint64_t dstride) {
    line("setf m, fix, 0");
    line("waitf m, fix, 0");
    line("fix_l0c_gm.{} x{}, x{}, m={}, n={}, srows={}, dstride={}{}{}", outDt_, kOut, kL0c, rows,
         cols, roundUp(rows, 16), dstride, relu_ ? ", relu=1" : "",
         integer_ ? (scale_ ? ", from=s32, quant=scalar" : ", from=s32") : "");
    line("setf fix, m, 0");
    line("xor x{0}, x{0}, x{1}", kL0c, kL0cFlip);
    if (bias_)
      line("xor x{0}, x{0}, x{1}", kBt0, kBtFlip);
    line("add x{0}, x{0}, x{1}", kTile, kStride);
    line("jmp tile_loop");
  }

  std::string dt_, outDt_;
  unsigned parts_;
  bool bias_, relu_;
  bool integer_;               ///< s8 inputs: s32 accumulators
  std::optional<float> scale_; ///< s32 accumulators times this in FixPipe

private:
  /// The "buffer free" hand-offs, each credited twice at the start: L1
  /// halves (MTE1 -> MTE2), L0 halves (M -> MTE1), L0C halves (FIX -> M),
  /// bias staging (MTE1 -> MTE2, event 1) and BT halves (M -> MTE1, event 1).
  static constexpr const char *kFreeFlags[] = {"mte1, mte2, 0", "m, mte1, 0", "fix, m, 0",
                                               "mte1, mte2, 1", "m, mte1, 1"};
};

/// The cube kernels' buffers: two halves each of L1 (operands), L0A, L0B,
/// L0C and BT, and the bias staging in L1 after the operand halves.
inline std::vector<BufferUse> cubeBuffers(uint64_t l1Half, uint64_t l0Half, uint64_t l0cHalf,
                                          uint64_t btHalf) {
  std::vector<BufferUse> out;
  for (uint64_t h = 0; h < 2; ++h) {
    out.push_back({fmt::format("L1 operands {}", h), target::MemSpace::L1, h * l1Half, l1Half});
    out.push_back({fmt::format("L0A {}", h), target::MemSpace::L0A, h * l0Half, l0Half});
    out.push_back({fmt::format("L0B {}", h), target::MemSpace::L0B, h * l0Half, l0Half});
    out.push_back({fmt::format("L0C {}", h), target::MemSpace::L0C, h * l0cHalf, l0cHalf});
    if (btHalf) {
      out.push_back({fmt::format("bias staging {}", h), target::MemSpace::L1,
                     2 * l1Half + h * btHalf, btHalf});
      out.push_back({fmt::format("BT {}", h), target::MemSpace::BT, h * btHalf, btHalf});
    }
  }
  return out;
}

} // namespace pagoda::codegen

#endif // PAGODA_LIB_CODEGEN_CUBEWRITER_H
