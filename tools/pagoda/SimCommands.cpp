//===- SimCommands.cpp - `pagoda microbench` ------------------------------===//
//
// Measures each unit of a target on the simulator against the rate its
// description promises (lib/Sim/Microbench).
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "pagoda/Sim/Microbench.h"
#include "pagoda/Target/Presets.h"
#include "pagoda/Target/TargetJSON.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>

using namespace pagoda;

namespace {

struct MicrobenchOptions {
  std::string target = target::kDefaultTarget;
  bool json = false;
};

int runMicrobench(const MicrobenchOptions &o) {
  Result<target::TargetDesc> t = target::resolveTarget(o.target);
  if (!t)
    return driver::reportError(t.error().str());
  Result<std::vector<sim::MicrobenchResult>> results = sim::runMicrobenchmarks(*t);
  if (!results)
    return driver::reportError(results.error().str());
  if (o.json) {
    nlohmann::ordered_json out = {{"target", t->name}, {"units", nlohmann::ordered_json::array()}};
    for (const sim::MicrobenchResult &r : *results)
      out["units"].push_back({{"unit", r.unit},
                              {"measure", r.measure},
                              {"achieved", r.achieved},
                              {"target", r.target},
                              {"ratio", r.ratio},
                              {"cycles", r.cycles},
                              {"host_seconds", r.hostSeconds}});
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  fmt::print("microbenchmarks on {} (simulated; launch overhead excluded)\n\n", t->name);
  fmt::print("{:<20} {:>12} {:>12} {:>7}  {}\n", "UNIT", "ACHIEVED", "TARGET", "RATIO", "MEASURE");
  for (const sim::MicrobenchResult &r : *results)
    fmt::print("{:<20} {:>12.1f} {:>12.1f} {:>7.3f}  {}\n", r.unit, r.achieved, r.target, r.ratio,
               r.measure);
  return 0;
}

} // namespace

void pagoda::driver::addSimCommands(CLI::App &app, CommandFn &run) {
  auto opts = std::make_shared<MicrobenchOptions>();
  CLI::App *mb = app.add_subcommand(
      "microbench", "Measure each unit of a target on the simulator against its rated speed");
  mb->add_option("--target", opts->target, "Preset name or target JSON file")
      ->capture_default_str();
  mb->add_flag("--json", opts->json, "Machine-readable output (fields achieved, target, ratio)");
  mb->callback([&run, opts] { run = [opts] { return runMicrobench(*opts); }; });
}
