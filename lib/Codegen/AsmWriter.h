//===- AsmWriter.h - Building assembly text in the generators ---*- C++ -*-===//
//
// Instructions, comments and labels appended to one text; the kernel
// generators (Elementwise.cpp, Matmul.cpp) derive their emitters from it.
// Internal to lib/Codegen.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_LIB_CODEGEN_ASMWRITER_H
#define PAGODA_LIB_CODEGEN_ASMWRITER_H

#include "pagoda/ISA/Program.h"
#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pagoda::codegen {

inline uint64_t ceilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
inline uint64_t roundUp(uint64_t a, uint64_t b) { return ceilDiv(a, b) * b; }

/// The program of a generated kernel's text; an error names the kernel
/// (`what`: "matmul", "conv", ...) if it does not assemble (a generator bug).
inline Result<isa::Program> assembleKernel(const char *what, const std::string &name,
                                           const std::string &text) {
  Result<std::vector<isa::Program>> progs = isa::assemble(text, name + ".s");
  if (!progs)
    return Error(fmt::format("{} kernel '{}': generated code does not assemble: {}", what, name,
                             progs.error().str()));
  return std::move((*progs)[0]);
}

/// The error for a tiling-search rank past a planner's candidates.
inline Error noCandidate(const char *what, const std::string &name, unsigned rank, size_t count) {
  return Error(
      fmt::format("{} kernel '{}': no tiling candidate {} (it has {})", what, name, rank, count));
}

/// A planner's candidates and the cost model's cycles for each: the
/// cheapest is the plan (ties: the first offered), and tiling search
/// (`rank` > 0) asks for the next cheapest ones to simulate.
/// The target's launch overhead in cycles (every kernel's prediction
/// includes it).
inline double launchCycles(const target::TargetDesc &t) {
  return t.launchOverheadUs * 1e-6 * t.cyclesPerSecond();
}

template <typename Plan> class PlanChoice {
public:
  void offer(double cycles, const Plan &plan) { all_.push_back({cycles, plan}); }
  bool empty() const { return all_.empty(); }
  size_t size() const { return all_.size(); }
  /// The `rank`-th cheapest (its cycles in `cycles`); `preferred` (an index
  /// in offer order) is rank 0 when the planner prefers one over the
  /// cheapest. Nothing past the last candidate.
  std::optional<Plan> pick(unsigned rank, double &cycles, int preferred = -1) const {
    std::vector<size_t> order(all_.size());
    for (size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return all_[a].first < all_[b].first; });
    if (preferred >= 0) {
      order.erase(std::find(order.begin(), order.end(), size_t(preferred)));
      order.insert(order.begin(), size_t(preferred));
    }
    if (rank >= order.size())
      return std::nullopt;
    cycles = all_[order[rank]].first;
    return all_[order[rank]].second;
  }

  /// The plan of rank `rank` with its predicted cycles (the target's launch
  /// overhead added); `none` when no candidate was offered, the error for a
  /// rank past the last otherwise.
  Result<Plan> result(unsigned rank, const target::TargetDesc &t, Error none, const char *what,
                      const std::string &name) const {
    if (all_.empty())
      return none;
    double cycles = 0;
    std::optional<Plan> plan = pick(rank, cycles);
    if (!plan)
      return noCandidate(what, name, rank, all_.size());
    plan->predictedCycles = cycles + launchCycles(t);
    return *plan;
  }

private:
  std::vector<std::pair<double, Plan>> all_;
};

class AsmWriter {
protected:
  /// One instruction (indented).
  template <typename... Args> void line(fmt::format_string<Args...> f, Args &&...args) {
    out_ += "    ";
    out_ += fmt::format(f, std::forward<Args>(args)...);
    out_ += '\n';
  }
  template <typename... Args> void comment(fmt::format_string<Args...> f, Args &&...args) {
    out_ += "# ";
    out_ += fmt::format(f, std::forward<Args>(args)...);
    out_ += '\n';
  }
  void label(const std::string &name) { out_ += name + ":\n"; }
  /// The text so far, handed over.
  std::string take() { return std::move(out_); }

private:
  std::string out_;
};

} // namespace pagoda::codegen

#endif // PAGODA_LIB_CODEGEN_ASMWRITER_H
