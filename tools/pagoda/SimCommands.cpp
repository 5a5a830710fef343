//===- SimCommands.cpp - `pagoda microbench` ------------------------------===//
//
// Measures each unit of a target on the simulator against the rate its
// description promises (lib/Sim/Microbench).
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "pagoda/ISA/Program.h"
#include "pagoda/Sim/Microbench.h"
#include "pagoda/Sim/Simulator.h"
#include "pagoda/Support/File.h"
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

struct SimRunOptions {
  std::string input;
  std::string target = target::kDefaultTarget;
  uint32_t blockDim = 1;
  std::vector<uint64_t> buffers;
  std::vector<int64_t> args;
  std::string trace;
  bool json = false;
  bool noRaceCheck = false;
  unsigned threads = 1;
};

/// Loads assembly (.s) or a code file (anything else).
Result<std::vector<isa::Program>> loadPrograms(const std::string &path) {
  Result<std::vector<uint8_t>> bytes = readFile(path);
  if (!bytes)
    return bytes.error();
  if (path.size() > 2 && path.compare(path.size() - 2, 2, ".s") == 0)
    return isa::assemble(
        std::string_view(reinterpret_cast<const char *>(bytes->data()), bytes->size()), path);
  return isa::readCodeFile(bytes->data(), bytes->size(), path);
}

int runSim(const SimRunOptions &o) {
  Result<target::TargetDesc> t = target::resolveTarget(o.target);
  if (!t)
    return driver::reportError(t.error().str());
  Result<std::vector<isa::Program>> programs = loadPrograms(o.input);
  if (!programs)
    return driver::reportError(programs.error().str());
  sim::GlobalMemory gm(t->hbmBytes);
  sim::KernelLaunch launch;
  launch.name = (*programs)[0].kernel;
  for (isa::Program &p : *programs)
    if (p.kernel == launch.name)
      launch.programs.push_back(std::move(p));
  launch.blockDim = o.blockDim;
  // Buffers first (zero-filled GM), then scalar arguments.
  for (uint64_t bytes : o.buffers) {
    Result<uint64_t> addr = gm.allocate(bytes);
    if (!addr)
      return driver::reportError(addr.error().str());
    launch.args.push_back(*addr);
  }
  for (int64_t a : o.args)
    launch.args.push_back(uint64_t(a));
  sim::SimOptions opts;
  opts.checkRaces = !o.noRaceCheck;
  opts.recordTrace = !o.trace.empty();
  opts.threads = o.threads;
  sim::Simulator simulator(*t, gm, opts);
  Result<sim::KernelStats> stats = simulator.run(launch);
  if (!stats)
    return driver::reportError(stats.error().str());
  if (!o.trace.empty()) {
    std::string json = simulator.traceJSON();
    Result<bool> written = writeFile(o.trace, json.data(), json.size());
    if (!written)
      return driver::reportError(written.error().str());
  }
  const sim::KernelStats &k = *stats;
  if (o.json) {
    nlohmann::ordered_json out = {{"kernel", k.kernel},
                                  {"target", t->name},
                                  {"block_dim", k.blockDim},
                                  {"cores", k.coresRun},
                                  {"cycles", k.cycles},
                                  {"seconds", k.seconds},
                                  {"launch_overhead_cycles", k.launchOverheadCycles},
                                  {"roofline_cycles", k.rooflineCycles()},
                                  {"l2_hit_bytes", k.l2HitBytes},
                                  {"l2_miss_bytes", k.l2MissBytes},
                                  {"hbm_read_bytes", k.hbmReadBytes},
                                  {"hbm_write_bytes", k.hbmWriteBytes}};
    nlohmann::ordered_json pipes = nlohmann::ordered_json::object();
    for (unsigned p = 0; p < target::kNumPipes; ++p)
      pipes[target::pipeName(target::Pipe(p))] = {{"instructions", k.pipes[p].instructions},
                                                  {"busy_cycles", k.pipes[p].busyCycles},
                                                  {"wait_cycles", k.pipes[p].waitCycles}};
    out["pipes"] = pipes;
    nlohmann::ordered_json paths = nlohmann::ordered_json::object();
    for (unsigned p = 0; p < target::kNumPaths; ++p)
      if (k.pathBytes[p])
        paths[target::pathInfo(target::Path(p)).name] = k.pathBytes[p];
    out["path_bytes"] = paths;
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  fmt::print("kernel {} on {}: {} cores, {:.0f} cycles = {:.3f} us (launch overhead {:.0f} "
             "cycles)\n",
             k.kernel, t->name, k.coresRun, k.cycles, k.seconds * 1e6, k.launchOverheadCycles);
  fmt::print("roofline {:.0f} cycles (compute {:.0f}, HBM {:.0f}); L2 hits {} B, misses {} B; "
             "HBM read {} B, written {} B\n",
             k.rooflineCycles(), k.rooflineComputeCycles, k.rooflineMemoryCycles, k.l2HitBytes,
             k.l2MissBytes, k.hbmReadBytes, k.hbmWriteBytes);
  fmt::print("{:<6} {:>12} {:>14} {:>14}\n", "PIPE", "INSTRUCTIONS", "BUSY CYCLES", "WAIT CYCLES");
  for (unsigned p = 0; p < target::kNumPipes; ++p)
    if (k.pipes[p].instructions)
      fmt::print("{:<6} {:>12} {:>14.0f} {:>14.0f}\n", target::pipeName(target::Pipe(p)),
                 k.pipes[p].instructions, k.pipes[p].busyCycles, k.pipes[p].waitCycles);
  return 0;
}

} // namespace

void pagoda::driver::addSimCommands(CLI::App &app, CommandFn &run) {
  auto so = std::make_shared<SimRunOptions>();
  CLI::App *simCmd = app.add_subcommand(
      "sim", "Run a kernel (assembly or code file) on the simulator and print its profile");
  simCmd->add_option("input", so->input, "Kernel: .s assembly or a code file")->required();
  simCmd->add_option("--target", so->target, "Preset name or target JSON file")
      ->capture_default_str();
  simCmd->add_option("--block-dim", so->blockDim, "AI cores to launch on")->capture_default_str();
  simCmd->add_option("--buffer", so->buffers,
                     "Allocate a zero-filled GM buffer of this many bytes as the next argument");
  simCmd->add_option("--arg", so->args, "A scalar argument (after the buffers)");
  simCmd->add_option("--trace", so->trace, "Write a Chrome/Perfetto trace (JSON)");
  simCmd->add_flag("--json", so->json, "Machine-readable statistics");
  simCmd->add_flag("--no-race-check", so->noRaceCheck, "Skip race checking (faster)");
  simCmd->add_option("--sim-threads", so->threads, "Host threads for the simulator")
      ->capture_default_str();
  simCmd->callback([&run, so] { run = [so] { return runSim(*so); }; });

  auto opts = std::make_shared<MicrobenchOptions>();
  CLI::App *mb = app.add_subcommand(
      "microbench", "Measure each unit of a target on the simulator against its rated speed");
  mb->add_option("--target", opts->target, "Preset name or target JSON file")
      ->capture_default_str();
  mb->add_flag("--json", opts->json, "Machine-readable output (fields achieved, target, ratio)");
  mb->callback([&run, opts] { run = [opts] { return runMicrobench(*opts); }; });
}
