//===- TargetsCommand.cpp - `pagoda targets` ------------------------------===//
//
// Lists the modeled chips, prints one as JSON, or validates a user's own
// description and prints it normalized.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "pagoda/Target/Presets.h"
#include "pagoda/Target/TargetJSON.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>

using namespace pagoda;
using namespace pagoda::target;

namespace {

struct TargetsOptions {
  bool json = false;
  std::string showName;
  std::string checkFile;
};

std::string formatBytes(uint64_t bytes) {
  if (bytes >= (uint64_t(1) << 30) && bytes % (uint64_t(1) << 30) == 0)
    return fmt::format("{} GiB", bytes >> 30);
  if (bytes >= (uint64_t(1) << 20) && bytes % (uint64_t(1) << 20) == 0)
    return fmt::format("{} MiB", bytes >> 20);
  if (bytes >= 1024 && bytes % 1024 == 0)
    return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} B", bytes);
}

std::string cores(const TargetDesc &t) {
  if (t.organization == CoreOrganization::Coupled)
    return fmt::format("{} coupled", t.aiCores);
  return fmt::format("{}/{} split", t.aiCores, t.totalVectorCores());
}

int listTargets(bool json) {
  std::vector<TargetDesc> all;
  for (const std::string &name : presetNames())
    all.push_back(*getPreset(name));
  if (json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const TargetDesc &t : all) {
      nlohmann::ordered_json peaks = nlohmann::ordered_json::object();
      for (unsigned i = 0; i < kNumCubeTypes; ++i)
        if (t.cubeShapes[i])
          peaks[cubeTypeName(static_cast<CubeType>(i))] =
              t.peakFlops(static_cast<CubeType>(i)) / 1e12;
      out.push_back({{"name", t.name},
                     {"description", t.description},
                     {"organization", organizationName(t.organization)},
                     {"ai_cores", t.aiCores},
                     {"vector_cores", t.totalVectorCores()},
                     {"clock_ghz", t.clockGHz},
                     {"peak_tflops", peaks},
                     {"hbm_bytes", t.hbmBytes},
                     {"hbm_gb_per_s", t.hbmGBps},
                     {"l2_bytes", t.l2Bytes},
                     {"ridge_flops_per_byte", t.ridgeFlopsPerByte()}});
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  fmt::print("{:<14} {:<13} {:>8} {:>13} {:>8} {:>10} {:>8} {:>12}\n", "NAME", "AI CORES", "CLOCK",
             "FP16 PEAK", "HBM", "HBM BW", "L2", "RIDGE");
  for (const TargetDesc &t : all)
    fmt::print("{:<14} {:<13} {:>4.2f} GHz {:>6.1f} TFLOPS {:>8} {:>5.1f} TB/s {:>8} "
               "{:>5.0f} flop/B\n",
               t.name, cores(t), t.clockGHz, t.peakFlops(CubeType::F16) / 1e12,
               formatBytes(t.hbmBytes), t.hbmGBps / 1000, formatBytes(t.l2Bytes),
               t.ridgeFlopsPerByte());
  fmt::print("\nRIDGE: fp16 flops per HBM byte a kernel needs to be compute-bound.\n"
             "`pagoda targets show NAME` prints a full description as JSON.\n");
  return 0;
}

int printTarget(const Result<TargetDesc> &desc) {
  if (!desc)
    return driver::reportError(desc.error().str());
  fmt::print("{}", toJSON(*desc));
  return 0;
}

} // namespace

void pagoda::driver::addTargetsCommand(CLI::App &app, CommandFn &run) {
  auto opts = std::make_shared<TargetsOptions>();
  CLI::App *targets = app.add_subcommand("targets", "List the modeled chips");
  targets->add_flag("--json", opts->json, "Machine-readable output");
  targets->callback([&run, opts, targets] {
    if (targets->get_subcommands().empty())
      run = [opts] { return listTargets(opts->json); };
  });

  CLI::App *show = targets->add_subcommand("show", "Print one chip's description as JSON");
  show->add_option("name", opts->showName, "Preset name (or a .json file)")->required();
  show->callback(
      [&run, opts] { run = [opts] { return printTarget(resolveTarget(opts->showName)); }; });

  CLI::App *check = targets->add_subcommand(
      "check", "Validate a target description file and print it normalized");
  check->add_option("file", opts->checkFile, "Target description (JSON)")->required();
  check->callback(
      [&run, opts] { run = [opts] { return printTarget(loadTargetFile(opts->checkFile)); }; });
}
