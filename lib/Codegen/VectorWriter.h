//===- VectorWriter.h - What the vector kernel generators share -*- C++ -*-===//
//
// The elementwise, depthwise, transpose and reduction generators run on the
// vector cores the same way: a program for `aiv` (or `coupled`) cores that
// finds its index among the launch's vector cores, counting "free" credits
// given at the start and taken back at the end, and lane masks for partial
// repeats. Internal to lib/Codegen.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_LIB_CODEGEN_VECTORWRITER_H
#define PAGODA_LIB_CODEGEN_VECTORWRITER_H

#include "AsmWriter.h"

#include "pagoda/Target/TargetDesc.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

namespace pagoda::codegen {

/// The vector cores a launch can use on a target.
struct VectorCores {
  explicit VectorCores(const target::TargetDesc &t)
      : coupled(t.organization == target::CoreOrganization::Coupled),
        perAi(coupled ? 1 : std::max<uint32_t>(1, t.vectorCoresPerAiCore)),
        available(t.aiCores * perAi) {}
  /// AI cores to launch for `cores` vector cores, and the vector cores
  /// that launch runs.
  uint32_t blockDim(uint64_t cores) const { return uint32_t(ceilDiv(cores, perAi)); }
  uint32_t launched(uint64_t cores) const { return blockDim(cores) * perAi; }

  bool coupled;
  uint32_t perAi, available;
};

class VectorWriter : protected AsmWriter {
protected:
  explicit VectorWriter(const target::TargetDesc &t) : t_(t), cores_(t) {}

  /// The kernel's first lines: `.kernel NAME` and the core kind.
  void header(const std::string &name) {
    line(".kernel {}", name);
    line(".core {}", cores_.coupled ? "coupled" : "aiv");
  }

  /// reg = this vector core's index in the launch (AI core x vector cores
  /// per AI core + sub-core); `tmp` is clobbered.
  void coreIndex(unsigned reg, unsigned tmp) {
    line("coreid x{}", reg);
    if (cores_.coupled)
      return;
    line("muli x{0}, x{0}, {1}", reg, t_.vectorCoresPerAiCore);
    line("subid x{}", tmp);
    line("add x{0}, x{0}, x{1}", reg, tmp);
  }

  /// Two credits on each flag ("src, dst, event"): both buffers free.
  template <size_t N> void credit(const char *const (&flags)[N]) {
    for (int i = 0; i < 2; ++i)
      for (const char *f : flags)
        line("setf {}", f);
  }
  /// The credits back at the end, so nothing is in flight at halt.
  template <size_t N> void takeBack(const char *const (&flags)[N]) {
    for (int i = 0; i < 2; ++i)
      for (const char *f : flags)
        line("waitf {}", f);
  }

  /// V: the first `lanes` lanes active (`a`, `b` are clobbered).
  void setMask(uint64_t lanes, unsigned a, unsigned b) {
    const uint64_t lo = lanes >= 64 ? ~uint64_t(0) : (uint64_t(1) << lanes) - 1;
    const uint64_t hi = lanes >= 128 ? ~uint64_t(0)
                        : lanes > 64 ? (uint64_t(1) << (lanes - 64)) - 1
                                     : 0;
    line("movi x{}, {:#x}", a, lo);
    line("movi x{}, {:#x}", b, hi);
    line("setmask x{}, x{}", a, b);
  }

  const target::TargetDesc &t_;
  VectorCores cores_;
};

} // namespace pagoda::codegen

#endif // PAGODA_LIB_CODEGEN_VECTORWRITER_H
