//===- SimHarness.h - Running assembly on the simulator in tests -*- C++ -*-===//
#ifndef PAGODA_TEST_UNITTESTS_SIM_SIMHARNESS_H
#define PAGODA_TEST_UNITTESTS_SIM_SIMHARNESS_H

#include "pagoda/ISA/Program.h"
#include "pagoda/Sim/Simulator.h"
#include "pagoda/Target/Presets.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace pagoda::test {

/// A device of a preset target with helpers to place data in GM and run
/// assembly text.
class SimHarness {
public:
  explicit SimHarness(const std::string &targetName = "ascend-950pr", sim::SimOptions options = {})
      : SimHarness(*target::getPreset(targetName), options) {}
  /// A device of an edited target description.
  explicit SimHarness(target::TargetDesc target, sim::SimOptions options = {})
      : target_(std::move(target)), gm_(target_.hbmBytes),
        sim_(std::make_unique<sim::Simulator>(target_, gm_, options)) {}

  const target::TargetDesc &target() const { return target_; }
  sim::GlobalMemory &gm() { return gm_; }
  sim::Simulator &sim() { return *sim_; }

  /// Allocates GM holding `data`.
  template <typename T> uint64_t upload(const std::vector<T> &data) {
    Result<uint64_t> addr = gm_.allocate(data.size() * sizeof(T));
    EXPECT_TRUE(addr.ok());
    std::memcpy(gm_.translate(*addr, data.size() * sizeof(T)), data.data(),
                data.size() * sizeof(T));
    return *addr;
  }
  uint64_t alloc(uint64_t bytes) { return *gm_.allocate(bytes); }
  template <typename T> std::vector<T> download(uint64_t addr, size_t count) {
    std::vector<T> out(count);
    std::memcpy(out.data(), gm_.translate(addr, count * sizeof(T)), count * sizeof(T));
    return out;
  }

  /// Assembles `text` and runs every kernel in it (one launch).
  Result<sim::KernelStats> run(const std::string &text, std::vector<uint64_t> args,
                               uint32_t blockDim = 1) {
    Result<std::vector<isa::Program>> progs = isa::assemble(text, "test.s");
    if (!progs)
      return progs.error();
    sim::KernelLaunch launch;
    launch.name = (*progs)[0].kernel;
    launch.programs = std::move(*progs);
    launch.blockDim = blockDim;
    launch.args = std::move(args);
    return sim_->run(launch);
  }

private:
  target::TargetDesc target_;
  sim::GlobalMemory gm_;
  std::unique_ptr<sim::Simulator> sim_;
};

#define EXPECT_HAS(haystack, needle)                                                               \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

} // namespace pagoda::test

#endif // PAGODA_TEST_UNITTESTS_SIM_SIMHARNESS_H
