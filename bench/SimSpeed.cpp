//===- SimSpeed.cpp - How fast the simulator itself runs ------------------===//
//
// Host seconds per simulated TFLOP of f16 `mmad` work and per simulated GB
// of GM->UB copies, with 1 and 2 host threads, on every AI core of a
// target. Prints a Markdown table for docs/benchmarks.md. Wall time is
// measured here and only here: no test asserts it.
//
//===----------------------------------------------------------------------===//

#include "pagoda/ISA/Program.h"
#include "pagoda/Sim/Simulator.h"
#include "pagoda/Target/Presets.h"
#include "pagoda/Target/TargetJSON.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <vector>
#include <cstdio>
#include <string>

using namespace pagoda;

namespace {

struct Measured {
  double seconds;
  double work;
};

Measured measure(const target::TargetDesc &t, const std::string &text, uint64_t gmBytes,
                 double work, unsigned threads, bool races) {
  sim::GlobalMemory gm(t.hbmBytes);
  sim::KernelLaunch launch;
  launch.name = "speed";
  launch.programs = *isa::assemble(text, "speed.s");
  launch.blockDim = t.aiCores;
  if (gmBytes)
    launch.args.push_back(*gm.allocate(gmBytes));
  sim::SimOptions opts;
  opts.threads = threads;
  opts.checkRaces = races;
  sim::Simulator s(t, gm, opts);
  // A first launch touches the scratchpads' host memory; then the median of
  // five, as a model runs kernel after kernel on one simulator (the host is
  // shared, so single runs are noisy).
  Result<sim::KernelStats> r = s.run(launch);
  std::vector<double> times;
  for (int i = 0; i < 5 && r; ++i) {
    auto start = std::chrono::steady_clock::now();
    r = s.run(launch);
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  if (!r) {
    std::fprintf(stderr, "pagoda-sim-speed: %s\n", r.error().str().c_str());
    std::exit(1);
  }
  std::sort(times.begin(), times.end());
  return {times[times.size() / 2], work};
}

} // namespace

int main(int argc, char **argv) {
  std::string name = argc > 1 ? argv[1] : target::kDefaultTarget;
  Result<target::TargetDesc> t = target::resolveTarget(name);
  if (!t) {
    std::fprintf(stderr, "pagoda-sim-speed: %s\n", t.error().str().c_str());
    return 1;
  }
  const bool split = t->organization == target::CoreOrganization::Split;
  // Cube: each AI core runs 32 accumulating 128x256x128 f16 mmads.
  std::string cube = fmt::format(".kernel speed\n.core {}\n", split ? "aic" : "coupled");
  for (int i = 0; i < 32; ++i)
    cube += "    mmad.f16 x0, x0, x0, m=128, k=256, n=128\n";
  cube += "    halt\n";
  const double cubeFlops = double(t->aiCores) * 32 * 2.0 * 128 * 256 * 128;
  // Copies: each vector core (or coupled core) moves 8 MiB GM -> UB in 32 KiB
  // bursts from its own GM slice.
  const uint64_t perCore = 8u << 20;
  const unsigned cores = split ? t->aiCores * t->vectorCoresPerAiCore : t->aiCores;
  std::string copy = fmt::format(".kernel speed\n.core {}\n    ldarg x2, 0\n",
                                 split ? "aiv" : "coupled");
  copy += split ? "    coreid x3\n    muli x3, x3, 2\n    subid x4\n    add x3, x3, x4\n"
                : "    coreid x3\n";
  copy += fmt::format("    muli x3, x3, {}\n    add x2, x2, x3\n", perCore);
  // Seven 32 KiB UB slots in turn; a barrier before a slot is reused keeps
  // the program race-free.
  for (uint64_t i = 0; i * 32768 < perCore; ++i) {
    if (i % 7 == 0 && i)
      copy += "    barrier mte2\n";
    copy += fmt::format("    movi x5, {}\n    dma_gm_ub x5, x2, len=1024\n    addi x2, x2, 32768\n",
                        (i % 7) * 32768);
  }
  copy += "    halt\n";
  const double copyBytes = double(perCore) * cores;

  fmt::print("Simulator speed on {} ({} AI cores), median of 5 launches:\n\n", t->name,
             t->aiCores);
  fmt::print("| work | host threads | race check | host s per simulated TFLOP or GB | "
             "simulated GFLOP/s or GB/s per host second |\n|---|---|---|---|---|\n");
  for (unsigned threads : {1u, 2u}) {
    Measured m = measure(*t, cube, 0, cubeFlops, threads, true);
    fmt::print("| f16 mmad, {:.1f} GFLOP | {} | on | {:.2f} s/TFLOP | {:.1f} GFLOP/s |\n",
               cubeFlops / 1e9, threads, m.seconds / (m.work / 1e12), m.work / 1e9 / m.seconds);
  }
  for (unsigned threads : {1u, 2u}) {
    Measured m = measure(*t, copy, perCore * cores, copyBytes, threads, true);
    fmt::print("| GM->UB copies, {:.2f} GB | {} | on | {:.2f} s/GB | {:.2f} GB/s |\n",
               copyBytes / 1e9, threads, m.seconds / (m.work / 1e9), m.work / 1e9 / m.seconds);
  }
  return 0;
}
