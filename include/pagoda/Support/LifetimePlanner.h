//===- LifetimePlanner.h - Offsets for buffers with lifetimes ---*- C++ -*-===//
//
// Packs buffers that live over step ranges into one address range so that
// two buffers alive at the same step never overlap: the problem of both the
// HBM activation arena (steps are kernels) and on-chip buffers (steps are
// instructions). Greedy by size, largest first at the lowest offset that
// fits (the heuristic TFLite and most inference compilers use; within a few
// percent of the lower bound on real networks).
//
// Links neither MLIR nor LLVM.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_SUPPORT_LIFETIMEPLANNER_H
#define PAGODA_SUPPORT_LIFETIMEPLANNER_H

#include <cstdint>
#include <string>
#include <vector>

namespace pagoda {

struct LiveBuffer {
  uint64_t size = 0;  ///< bytes
  uint32_t first = 0; ///< first step it is live at
  uint32_t last = 0;  ///< last step it is live at (inclusive, >= first)
};

struct LifetimePlan {
  std::vector<uint64_t> offsets; ///< per buffer, a multiple of the alignment
  uint64_t peak = 0;             ///< bytes the range must hold
  uint64_t lowerBound = 0;       ///< largest total of simultaneously live (aligned) buffers
};

/// Assigns offsets (multiples of `align`, a power of two) greedily by size.
LifetimePlan planBySize(const std::vector<LiveBuffer> &buffers, uint64_t align);

/// The largest total size, rounded up to `align` each, of buffers live at
/// one step: no plan can need less.
uint64_t liveLowerBound(const std::vector<LiveBuffer> &buffers, uint64_t align);

/// Checks a plan: one offset per buffer, aligned, no two buffers live at a
/// common step overlapping in address, all inside `peak`. One message per
/// problem; empty when the plan is valid.
std::vector<std::string> verifyPlan(const std::vector<LiveBuffer> &buffers,
                                    const LifetimePlan &plan, uint64_t align);

} // namespace pagoda

#endif // PAGODA_SUPPORT_LIFETIMEPLANNER_H
