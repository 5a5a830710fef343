//===- RaceChecker.cpp - Happens-before race detection on scratchpads -----===//

#include "RaceChecker.h"

namespace pagoda::sim::detail {

std::optional<RaceHit> RaceShadow::access(uint64_t address, uint64_t size, bool write,
                                          const Accessor &who, unsigned ownerSlot) {
  if (size == 0)
    return std::nullopt;
  const VClock &clock = *who.clock;
  auto ordered = [&](uint16_t component, uint32_t seq) {
    if (component == who.component && seq == who.seq)
      return true; // the same instruction (e.g. an in-place vector op)
    return clock[component] >= seq;
  };
  const uint64_t first = address / kRaceBlock;
  const uint64_t last = (address + size - 1) / kRaceBlock;
  const unsigned ownerBase = ownerSlot * kPipes;
  std::optional<RaceHit> hit;
  for (uint64_t b = first; b <= last; ++b) {
    Block &block = blocks_[b];
    if (!hit && block.writer != 0xFFFF && !ordered(block.writer, block.writeSeq))
      hit = RaceHit{block.writer, block.writeSeq, true, b * kRaceBlock};
    if (write) {
      for (unsigned p = 0; p < kPipes && !hit; ++p)
        if (block.readSeq[p] && !ordered(uint16_t(ownerBase + p), block.readSeq[p]))
          hit = RaceHit{uint16_t(ownerBase + p), block.readSeq[p], false, b * kRaceBlock};
      block.writer = who.component;
      block.writeSeq = who.seq;
      block.readSeq.fill(0);
    } else {
      unsigned pipe = who.component - ownerBase;
      if (pipe < kPipes)
        block.readSeq[pipe] = who.seq;
    }
  }
  return hit;
}

} // namespace pagoda::sim::detail
