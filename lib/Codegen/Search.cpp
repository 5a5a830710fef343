//===- Search.cpp - Tiling search on the simulator ------------------------===//

#include "pagoda/Codegen/Search.h"

#include "pagoda/Sim/Simulator.h"

#include <fmt/format.h>

namespace pagoda::codegen {

std::string TilingSearch::describe() const {
  std::string cycles;
  for (double c : simulatedCycles)
    cycles += fmt::format("{}{:.0f}", cycles.empty() ? "" : ", ", c);
  return fmt::format("searched {} tilings on the simulator ({} cycles), kept candidate {}",
                     simulatedCycles.size(), cycles, chosen);
}

Result<double> simulateLaunch(const isa::Program &program, uint32_t blockDim,
                              const std::vector<uint64_t> &argBytes,
                              const target::TargetDesc &target) {
  sim::GlobalMemory gm(target.hbmBytes);
  sim::SimOptions options;
  options.checkRaces = false;
  sim::Simulator simulator(target, gm, options);
  sim::KernelLaunch launch;
  launch.name = program.kernel;
  launch.programs = {program};
  launch.blockDim = blockDim;
  for (uint64_t bytes : argBytes) {
    Result<uint64_t> address = gm.allocate(std::max<uint64_t>(bytes, 1));
    if (!address)
      return address.error();
    launch.args.push_back(*address);
  }
  Result<sim::KernelStats> stats = simulator.run(launch);
  if (!stats)
    return Error("tiling search: kernel '" + program.kernel +
                 "' failed on the simulator: " + stats.error().str());
  return stats->cycles;
}

Result<double> followUpCycles(const GeneratedMatmul &g, const target::TargetDesc &target) {
  if (!g.reduction)
    return 0.0;
  Result<GeneratedKernel> r = generateElementwise(*g.reduction, target);
  if (!r)
    return r.error();
  return simulateLaunch(r->program, r->plan.blockDim, r->argBytes, target);
}

} // namespace pagoda::codegen
