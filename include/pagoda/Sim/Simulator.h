//===- Simulator.h - The modeled NPU: exact results, honest timing -*- C++ -*-===//
//
// Runs a kernel's programs on the cores of a modeled chip. Two layers
// (docs/sim-model.md): a functional layer executes every core's instructions
// in pipe order and flag order, computing exact results and checking every
// access (bounds, alignment, races between pipes); a timing layer replays
// what ran through a discrete-event model of the pipes, the shared L2 and the
// HBM, with every rate and latency taken from the target description.
//
// Links neither MLIR nor LLVM.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_SIM_SIMULATOR_H
#define PAGODA_SIM_SIMULATOR_H

#include "pagoda/ISA/Program.h"
#include "pagoda/Sim/GlobalMemory.h"
#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace pagoda::sim {

struct SimOptions {
  /// Host threads executing cores (AI cores are spread over them); results
  /// are bit-identical for any count.
  unsigned threads = 1;
  /// Check reads and writes of scratchpads for races between pipes (off is
  /// faster; tests keep it on).
  bool checkRaces = true;
  /// An error after this many scalar instructions on one core (a program
  /// that never halts).
  uint64_t maxScalarSteps = 200'000'000;
  /// Record a Chrome/Perfetto trace of every instruction (see traceJSON).
  bool recordTrace = false;
  /// Skip the timing layer (functional results only).
  bool functionalOnly = false;
};

/// One kernel launch: a program per core kind, the number of AI cores
/// (block dim) and the 64-bit arguments `ldarg` reads.
struct KernelLaunch {
  std::string name;
  std::vector<isa::Program> programs;
  uint32_t blockDim = 1;
  std::vector<uint64_t> args;
};

/// Per pipe, summed over the cores that ran.
struct PipeStats {
  uint64_t instructions = 0;
  double busyCycles = 0; ///< occupancy: data moving or units computing
  double waitCycles = 0; ///< the pipe's next instruction blocked on a flag or barrier
};

struct KernelStats {
  std::string kernel;
  uint32_t blockDim = 0;
  uint32_t coresRun = 0;
  /// Makespan from launch to the last core finishing, launch overhead included.
  double cycles = 0;
  double seconds = 0;
  double launchOverheadCycles = 0;
  std::array<PipeStats, target::kNumPipes> pipes{};
  std::array<uint64_t, target::kNumPaths> pathBytes{};
  /// Multiply-add flops (2 per MAC) by isa::DType of the cube operands.
  std::array<double, isa::kNumDTypes> cubeFlops{};
  uint64_t l2HitBytes = 0;
  uint64_t l2MissBytes = 0;
  uint64_t hbmReadBytes = 0;
  uint64_t hbmWriteBytes = 0;
  uint64_t scalarInstructions = 0;
  /// Lower bounds on this chip: cube flops at peak, HBM bytes at bandwidth.
  double rooflineComputeCycles = 0;
  double rooflineMemoryCycles = 0;
  double rooflineCycles() const {
    return rooflineComputeCycles > rooflineMemoryCycles ? rooflineComputeCycles
                                                        : rooflineMemoryCycles;
  }
};

/// Runs kernels on one modeled device. L2 contents persist from one run to
/// the next, as on the device.
class Simulator {
public:
  Simulator(const target::TargetDesc &target, GlobalMemory &memory, SimOptions options = {});
  ~Simulator();
  Simulator(const Simulator &) = delete;
  Simulator &operator=(const Simulator &) = delete;

  /// Executes a launch. Errors name the kernel, core, pipe, instruction
  /// (index and text) and address; GM written before an error stays written.
  Result<KernelStats> run(const KernelLaunch &launch);

  /// The trace of the last run (recordTrace), in Chrome trace-event JSON.
  std::string traceJSON() const;

  const target::TargetDesc &target() const;

  /// Drops the L2 contents (e.g. to time a cold start).
  void flushL2();

private:
  struct Impl;
  Impl *impl_;
};

} // namespace pagoda::sim

#endif // PAGODA_SIM_SIMULATOR_H
