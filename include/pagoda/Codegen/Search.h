//===- Search.h - Tiling search on the simulator ----------------*- C++ -*-===//
//
// `pagoda compile --tiling search` (docs/codegen.md, "Tiling search"): each
// planner offers its candidate tilings ranked by its cost model; the
// search generates the first few, runs each once on the simulator (the
// target's own timing, zero-filled arguments of the sizes the kernel reads
// and writes, race checks off) and keeps the fastest. `--tiling auto`
// takes rank 0, the cost model's choice.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_CODEGEN_SEARCH_H
#define PAGODA_CODEGEN_SEARCH_H

#include "pagoda/Codegen/Matmul.h"
#include "pagoda/ISA/Program.h"
#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pagoda::codegen {

/// What a search tried: simulated cycles per candidate in rank order.
struct TilingSearch {
  unsigned chosen = 0;
  std::vector<double> simulatedCycles;
  /// e.g. "searched 4 tilings on the simulator (61234, 60122, ...
  /// cycles), kept candidate 1".
  std::string describe() const;
};

/// Cycles of one launch of `program` on `blockDim` cores with zero-filled
/// arguments of `argBytes` bytes each, launch overhead included.
Result<double> simulateLaunch(const isa::Program &program, uint32_t blockDim,
                              const std::vector<uint64_t> &argBytes,
                              const target::TargetDesc &target);

/// Cycles on the simulator of the kernels a candidate needs after its own
/// (a K-split matmul's reduction); none for most generators.
template <typename Generated>
Result<double> followUpCycles(const Generated &, const target::TargetDesc &) {
  return 0.0;
}
Result<double> followUpCycles(const GeneratedMatmul &g, const target::TargetDesc &target);

/// The fastest on the simulator of the first `candidates` tilings:
/// `generate(rank)` builds candidate `rank` (an error past the planner's
/// last candidate ends the search; one for rank 0 is returned). Generated
/// is any generator's result (program, plan.blockDim, argBytes).
template <typename Generated>
Result<Generated> searchTiling(const std::function<Result<Generated>(unsigned)> &generate,
                               const target::TargetDesc &target, unsigned candidates,
                               TilingSearch &report) {
  Result<Generated> best = generate(0);
  if (!best)
    return best;
  report = {};
  for (unsigned rank = 0; rank < candidates; ++rank) {
    Result<Generated> g = rank ? generate(rank) : best;
    if (!g)
      break;
    Result<double> cycles = simulateLaunch(g->program, g->plan.blockDim, g->argBytes, target);
    if (!cycles)
      return cycles.error();
    Result<double> after = followUpCycles(*g, target);
    if (!after)
      return after.error();
    *cycles += *after;
    report.simulatedCycles.push_back(*cycles);
    if (*cycles < report.simulatedCycles[report.chosen]) {
      report.chosen = rank;
      best = std::move(g);
    }
  }
  return best;
}

} // namespace pagoda::codegen

#endif // PAGODA_CODEGEN_SEARCH_H
