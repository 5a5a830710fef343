//===- Buffers.h - On-chip buffer placement of generated kernels -*- C++ -*-===//
//
// Every generator places its buffers itself (tiles, ping-pong halves,
// accumulators, tables) and lists them as BufferUse; verifyBuffers checks
// the list against the target before the kernel is emitted
// (docs/codegen.md, "On-chip buffers"): inside the space's capacity,
// aligned as the space requires, and no two buffers that are live at the
// same time overlapping. Buffers live for the whole kernel have the default
// live range; values that share a slot by lifetime (the elementwise
// generator's) give theirs in the generator's own steps.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_CODEGEN_BUFFERS_H
#define PAGODA_CODEGEN_BUFFERS_H

#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pagoda::codegen {

inline constexpr uint64_t kWholeKernel = ~uint64_t(0);

struct BufferUse {
  std::string name;
  target::MemSpace space = target::MemSpace::UB;
  uint64_t offset = 0, bytes = 0;
  /// Live over steps [liveFrom, liveTo): written at liveFrom, last read at
  /// liveTo (a value read at step s and one written at s may share bytes:
  /// the vector unit reads each repeat before writing it).
  uint64_t liveFrom = 0, liveTo = kWholeKernel;
};

/// What is wrong with the placement, naming the kernel (`what` and `name`,
/// e.g. "matmul", "fc1") and the buffers; nothing when it is sound.
std::optional<Error> verifyBuffers(const char *what, const std::string &name,
                                   const std::vector<BufferUse> &buffers,
                                   const target::TargetDesc &target);

} // namespace pagoda::codegen

#endif // PAGODA_CODEGEN_BUFFERS_H
