//===- LifetimePlanner.cpp - Offsets for buffers with lifetimes -----------===//

#include "pagoda/Support/LifetimePlanner.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace pagoda {

namespace {

uint64_t roundUp(uint64_t v, uint64_t align) { return (v + align - 1) & ~(align - 1); }

bool overlapsInTime(const LiveBuffer &a, const LiveBuffer &b) {
  return a.first <= b.last && b.first <= a.last;
}

} // namespace

LifetimePlan planBySize(const std::vector<LiveBuffer> &buffers, uint64_t align) {
  LifetimePlan plan;
  plan.offsets.assign(buffers.size(), 0);
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest first; ties by earlier start, then index: a total order, so
  // plans are deterministic. (Not stable_sort: libstdc++ 12's uses
  // get_temporary_buffer, which clang's fuzzer build rejects as deprecated.)
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (buffers[a].size != buffers[b].size)
      return buffers[a].size > buffers[b].size;
    if (buffers[a].first != buffers[b].first)
      return buffers[a].first < buffers[b].first;
    return a < b;
  });
  std::vector<size_t> placed;
  std::vector<std::pair<uint64_t, uint64_t>> busy; // [begin, end) of conflicting placed buffers
  for (size_t i : order) {
    uint64_t size = roundUp(buffers[i].size, align);
    busy.clear();
    for (size_t j : placed)
      if (overlapsInTime(buffers[i], buffers[j]))
        busy.push_back({plan.offsets[j], plan.offsets[j] + roundUp(buffers[j].size, align)});
    std::sort(busy.begin(), busy.end());
    // The lowest gap that fits.
    uint64_t offset = 0;
    for (const auto &[begin, end] : busy) {
      if (offset + size <= begin)
        break;
      offset = std::max(offset, end);
    }
    plan.offsets[i] = offset;
    plan.peak = std::max(plan.peak, offset + size);
    placed.push_back(i);
  }
  plan.lowerBound = liveLowerBound(buffers, align);
  return plan;
}

uint64_t liveLowerBound(const std::vector<LiveBuffer> &buffers, uint64_t align) {
  // Sweep: +size at first, -size after last.
  std::map<uint64_t, int64_t> delta;
  for (const LiveBuffer &b : buffers) {
    int64_t size = int64_t(roundUp(b.size, align));
    delta[b.first] += size;
    delta[uint64_t(b.last) + 1] -= size;
  }
  int64_t live = 0, best = 0;
  for (const auto &[step, d] : delta) {
    live += d;
    best = std::max(best, live);
  }
  return uint64_t(best);
}

std::vector<std::string> verifyPlan(const std::vector<LiveBuffer> &buffers,
                                    const LifetimePlan &plan, uint64_t align) {
  std::vector<std::string> problems;
  if (plan.offsets.size() != buffers.size()) {
    problems.push_back("the plan has " + std::to_string(plan.offsets.size()) + " offsets for " +
                       std::to_string(buffers.size()) + " buffers");
    return problems;
  }
  for (size_t i = 0; i < buffers.size(); ++i) {
    uint64_t end = plan.offsets[i] + buffers[i].size;
    if (plan.offsets[i] % align != 0)
      problems.push_back("buffer " + std::to_string(i) + " at " + std::to_string(plan.offsets[i]) +
                         " is not aligned to " + std::to_string(align));
    if (end > plan.peak)
      problems.push_back("buffer " + std::to_string(i) + " ends at " + std::to_string(end) +
                         ", past the peak " + std::to_string(plan.peak));
    for (size_t j = 0; j < i; ++j) {
      if (!overlapsInTime(buffers[i], buffers[j]) || buffers[i].size == 0 || buffers[j].size == 0)
        continue;
      uint64_t jEnd = plan.offsets[j] + buffers[j].size;
      if (plan.offsets[i] < jEnd && plan.offsets[j] < end)
        problems.push_back("buffers " + std::to_string(j) + " and " + std::to_string(i) +
                           " are live together and overlap at [" +
                           std::to_string(std::max(plan.offsets[i], plan.offsets[j])) + ", " +
                           std::to_string(std::min(end, jEnd)) + ")");
    }
  }
  return problems;
}

} // namespace pagoda
