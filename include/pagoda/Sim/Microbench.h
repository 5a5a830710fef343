//===- Microbench.h - One stream per unit, measured on the simulator -*- C++ -*-===//
//
// `pagoda microbench` and its test: for each unit of a target (each data
// path, the cube per dtype, the vector unit, FixPipe, and all cores reading
// from L2 and from HBM at once), a kernel that keeps that unit busy with a
// long stream, and the rate the simulator achieved against the rate the
// target description promises. The ratio must lie in [0.9, 1.0]: below is a
// model that wastes the unit, above is a model that is not honest.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_SIM_MICROBENCH_H
#define PAGODA_SIM_MICROBENCH_H

#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <string>
#include <vector>

namespace pagoda::sim {

struct MicrobenchResult {
  std::string unit;       ///< e.g. "mte2 gm->l1", "cube f16", "all cores from hbm"
  std::string measure;    ///< what the rate counts, e.g. "bytes/cycle per core"
  double achieved = 0;    ///< in `measure` units
  double target = 0;      ///< what the target description promises
  double ratio = 0;       ///< achieved / target
  double cycles = 0;      ///< simulated cycles of the stream (launch overhead excluded)
  double hostSeconds = 0; ///< wall time the simulator took
};

/// Runs every microbenchmark on `target`. Fails if a kernel fails.
Result<std::vector<MicrobenchResult>> runMicrobenchmarks(const target::TargetDesc &target);

} // namespace pagoda::sim

#endif // PAGODA_SIM_MICROBENCH_H
