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
  const uint64_t first = address / granule_;
  const uint64_t last = (address + size - 1) / granule_;
  const unsigned ownerBase = ownerSlot * kPipes;
  std::optional<RaceHit> hit;
  for (uint64_t b = first; b <= last; ++b) {
    Block &block = blocks_[b];
    if (!hit && block.writer != 0xFFFF && !ordered(block.writer, block.writeSeq))
      hit = RaceHit{block.writer, block.writeSeq, true, b * granule_};
    if (write) {
      if (block.readers) {
        for (unsigned p = 0; p < kPipes && !hit; ++p)
          if (((block.readers >> p) & 1) && !ordered(uint16_t(ownerBase + p), block.readSeq[p]))
            hit = RaceHit{uint16_t(ownerBase + p), block.readSeq[p], false, b * granule_};
        block.readers = 0;
      }
      block.writer = who.component;
      block.writeSeq = who.seq;
    } else {
      unsigned pipe = who.component - ownerBase;
      if (pipe < kPipes) {
        block.readSeq[pipe] = who.seq;
        block.readers |= uint8_t(1u << pipe);
      }
    }
  }
  return hit;
}

} // namespace pagoda::sim::detail
