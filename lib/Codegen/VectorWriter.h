//===- VectorWriter.h - What the vector kernel generators share -*- C++ -*-===//
//
// The elementwise, depthwise, transpose and reduction generators run on the
// vector cores the same way: a program for `aiv` (or `coupled`) cores that
// finds its index among the launch's vector cores, counting "free" credits
// given at the start and taken back at the end, and lane masks for partial
// repeats. Internal to lib/Codegen.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_LIB_CODEGEN_VECTORWRITER_H
#define PAGODA_LIB_CODEGEN_VECTORWRITER_H

#include "AsmWriter.h"

#include "pagoda/ISA/ISA.h"
#include "pagoda/Target/TargetDesc.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace pagoda::codegen {

/// The vector cores a launch can use on a target.
struct VectorCores {
  explicit VectorCores(const target::TargetDesc &t)
      : coupled(t.organization == target::CoreOrganization::Coupled),
        perAi(coupled ? 1 : std::max<uint32_t>(1, t.vectorCoresPerAiCore)),
        available(t.aiCores * perAi) {}
  /// AI cores to launch for `cores` vector cores, and the vector cores
  /// that launch runs.
  uint32_t blockDim(uint64_t cores) const { return uint32_t(ceilDiv(cores, perAi)); }
  uint32_t launched(uint64_t cores) const { return blockDim(cores) * perAi; }

  bool coupled;
  uint32_t perAi, available;
};

/// Cycles of `perCore` tiles through two buffers (load, compute, store):
/// each tile as slow as its slowest stage, and a buffer's round trip (both
/// DMA latencies and the three stages) spread over the two tiles in flight.
inline double pingPongCycles(uint64_t perCore, double in, double out, double compute,
                             const target::PathSpec &load, const target::PathSpec &store) {
  const double trip = double(load.latencyCycles + store.latencyCycles) + in + out + compute;
  return double(perCore) * std::max({in, out, compute, trip / 2}) + trip / 2;
}

class VectorWriter : protected AsmWriter {
protected:
  explicit VectorWriter(const target::TargetDesc &t) : t_(t), cores_(t) {}

  /// The kernel's first lines: `.kernel NAME` and the core kind.
  void header(const std::string &name) {
    line(".kernel {}", name);
    line(".core {}", cores_.coupled ? "coupled" : "aiv");
  }

  /// reg = this vector core's index in the launch (AI core x vector cores
  /// per AI core + sub-core); `tmp` is clobbered.
  void coreIndex(unsigned reg, unsigned tmp) {
    line("coreid x{}", reg);
    if (cores_.coupled)
      return;
    line("muli x{0}, x{0}, {1}", reg, t_.vectorCoresPerAiCore);
    line("subid x{}", tmp);
    line("add x{0}, x{0}, x{1}", reg, tmp);
  }

  /// Two credits on each flag ("src, dst, event"; an array or vector of
  /// them): both buffers free.
  template <typename Flags> void credit(const Flags &flags) {
    for (int i = 0; i < 2; ++i)
      for (const char *f : flags)
        line("setf {}", f);
  }
  /// The credits back at the end, so nothing is in flight at halt.
  template <typename Flags> void takeBack(const Flags &flags) {
    for (int i = 0; i < 2; ++i)
      for (const char *f : flags)
        line("waitf {}", f);
  }

  /// Registers of roundRobinTiles.
  struct TileRegs {
    unsigned core, tile, tiles, tmp;
  };
  /// Tiles t = core, core + cores, ... of `tileRows` rows while t <
  /// fullTiles, then the row count's remainder (`rest` rows) as one last
  /// tile on the core whose turn it is; `body(n)` writes a tile of n rows,
  /// its index in `r.tile`. `prefix` keeps the labels of several loops in
  /// one kernel apart.
  void roundRobinTiles(const TileRegs &r, uint64_t fullTiles, uint64_t tileRows, uint64_t rest,
                       uint32_t cores, const std::function<void(uint64_t)> &body,
                       const std::string &prefix = "") {
    line("movi x{}, {}", r.tiles, fullTiles);
    line("add x{}, x{}, x0", r.tile, r.core);
    label(prefix + "tile_loop");
    line("bge x{}, x{}, {}tiles_done", r.tile, r.tiles, prefix);
    body(tileRows);
    line("movi x{}, {}", r.tmp, cores);
    line("add x{0}, x{0}, x{1}", r.tile, r.tmp);
    line("jmp {}tile_loop", prefix);
    label(prefix + "tiles_done");
    if (!rest)
      return;
    comment("the last {} rows, on the core whose turn it is", rest);
    line("movi x{}, {}", r.tmp, fullTiles % cores);
    line("bne x{}, x{}, {}rest_done", r.core, r.tmp, prefix);
    line("movi x{}, {}", r.tile, fullTiles);
    body(rest);
    label(prefix + "rest_done");
  }

  /// A kernel's whole tile loop: two credits on each of `flags`, the
  /// round-robin tiles, the credits taken back, halt.
  template <typename Flags>
  void creditedTiles(const Flags &flags, const TileRegs &r, uint64_t fullTiles, uint64_t tileRows,
                     uint64_t rest, uint32_t cores, const std::function<void(uint64_t)> &body) {
    credit(flags);
    roundRobinTiles(r, fullTiles, tileRows, rest, cores, body);
    takeBack(flags);
    line("halt");
  }

  /// `reps` repeats of 64 lanes converted from `from` (UB address in
  /// `src`) to `to` (in `dst`), each operand addressed with its own element
  /// size (a 16-bit side moves 4 blocks a repeat), at most
  /// `vector.max_repeat` repeats an instruction (`a` and `b` hold the
  /// addresses of each one).
  void convert(unsigned dst, isa::DType to, unsigned src, isa::DType from, uint64_t reps,
               unsigned a, unsigned b) {
    const unsigned toSize = isa::dtypeBits(to) / 8, fromSize = isa::dtypeBits(from) / 8;
    const uint64_t maxRep = t_.vectorMaxRepeat;
    for (uint64_t r0 = 0; r0 < reps; r0 += maxRep) {
      line("addi x{}, x{}, {}", a, dst, r0 * 64 * toSize);
      line("addi x{}, x{}, {}", b, src, r0 * 64 * fromSize);
      line("vcvt.{} x{}, x{}, from={}, rep={}, drs={}, srs={}", isa::dtypeName(to), a, b,
           isa::dtypeName(from), std::min(maxRep, reps - r0), toSize * 2, fromSize * 2);
    }
  }

  /// A transfer of `bytes` per row moves by whole-unit DMA when every row
  /// is whole 32-byte units at the target's DMA alignment (each row then
  /// starts aligned); otherwise byte-granular.
  bool wholeUnits(uint64_t bytes) const {
    return bytes % std::max<uint64_t>(32, t_.dmaMinAlignBytes) == 0;
  }

  /// reg = the other half of a two-half buffer at `base` (`tmp` clobbered).
  void toggle(unsigned reg, uint64_t base, uint64_t half, unsigned tmp) {
    line("movi x{}, {}", tmp, base ^ (base + half));
    line("xor x{0}, x{0}, x{1}", reg, tmp);
  }

  /// V: the first `lanes` lanes active (`a`, `b` are clobbered).
  void setMask(uint64_t lanes, unsigned a, unsigned b) {
    const uint64_t lo = lanes >= 64 ? ~uint64_t(0) : (uint64_t(1) << lanes) - 1;
    const uint64_t hi = lanes >= 128 ? ~uint64_t(0)
                        : lanes > 64 ? (uint64_t(1) << (lanes - 64)) - 1
                                     : 0;
    line("movi x{}, {:#x}", a, lo);
    line("movi x{}, {:#x}", b, hi);
    line("setmask x{}, x{}", a, b);
  }

  const target::TargetDesc &t_;
  VectorCores cores_;
};

} // namespace pagoda::codegen

#endif // PAGODA_LIB_CODEGEN_VECTORWRITER_H
