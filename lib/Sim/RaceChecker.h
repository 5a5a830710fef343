//===- RaceChecker.h - Happens-before race detection on scratchpads -*- C++ -*-===//
//
// Races are found from happens-before, not from timing: each pipe carries a
// vector clock over the pipes of its AI core group, advanced by flags and
// barriers (docs/sim-model.md). Every scratchpad keeps, per 32-byte block,
// the last write and the last read of each of its owner's pipes; an access
// that is not ordered after a conflicting earlier one is a race.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_LIB_SIM_RACECHECKER_H
#define PAGODA_LIB_SIM_RACECHECKER_H

#include "Machine.h"

#include <optional>

namespace pagoda::sim::detail {

/// The smallest race-tracking granule; each scratchpad tracks at its own
/// alignment (32 B for UB and L1, 512 B for L0A/L0B, 64 B for L0C), since
/// every operand there starts on that alignment.
inline constexpr unsigned kRaceBlock = 32;

/// Who is accessing: a clock component (slot * kPipes + pipe), the
/// instruction's sequence number on that pipe, and the accessor's clock.
struct Accessor {
  uint16_t component = 0;
  uint32_t seq = 0;
  const VClock *clock = nullptr;
};

/// The earlier access an access races with.
struct RaceHit {
  uint16_t component;
  uint32_t seq;
  bool earlierWrite;
  uint64_t blockAddress;
};

class RaceShadow {
public:
  void resize(uint64_t bytes, uint64_t granule) {
    granule_ = std::max<uint64_t>(granule, kRaceBlock);
    blocks_.resize((bytes + granule_ - 1) / granule_);
  }
  bool empty() const { return blocks_.empty(); }
  uint64_t granule() const { return granule_; }
  /// Forgets every access, keeping the storage (for the next launch).
  void reset() { std::fill(blocks_.begin(), blocks_.end(), Block{}); }

  /// Records an access of [address, address + size); returns the first
  /// earlier access it races with. `ownerSlot` is the buffer owner's slot
  /// (reads are always by the owner's pipes).
  std::optional<RaceHit> access(uint64_t address, uint64_t size, bool write, const Accessor &who,
                                unsigned ownerSlot);

private:
  struct Block {
    uint16_t writer = 0xFFFF;
    uint8_t readers = 0; ///< bit p: readSeq[p] is set
    uint32_t writeSeq = 0;
    std::array<uint32_t, kPipes> readSeq{};
  };
  std::vector<Block> blocks_;
  uint64_t granule_ = kRaceBlock;
};

} // namespace pagoda::sim::detail

#endif // PAGODA_LIB_SIM_RACECHECKER_H
