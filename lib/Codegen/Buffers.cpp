//===- Buffers.cpp - On-chip buffer placement checks ----------------------===//

#include "pagoda/Codegen/Buffers.h"

#include <fmt/format.h>

namespace pagoda::codegen {

std::optional<Error> verifyBuffers(const char *what, const std::string &name,
                                   const std::vector<BufferUse> &buffers,
                                   const target::TargetDesc &t) {
  std::vector<std::string> problems;
  auto range = [](const BufferUse &b) {
    return fmt::format("{} [{}, {})", target::memSpaceName(b.space), b.offset, b.offset + b.bytes);
  };
  for (const BufferUse &b : buffers) {
    const target::BufferSpec &spec = t.buffer(b.space);
    if (b.offset + b.bytes > spec.sizeBytes || b.offset + b.bytes < b.offset)
      problems.push_back(fmt::format("buffer '{}' at {} is outside the {} B {}", b.name, range(b),
                                     spec.sizeBytes, target::memSpaceName(b.space)));
    if (spec.alignBytes && b.offset % spec.alignBytes)
      problems.push_back(fmt::format("buffer '{}' at {} is not {}-byte aligned", b.name, range(b),
                                     spec.alignBytes));
  }
  for (size_t i = 0; i < buffers.size(); ++i)
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      const BufferUse &a = buffers[i], &b = buffers[j];
      const bool bytes = a.space == b.space && a.bytes && b.bytes &&
                         a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes;
      const bool live = a.liveFrom < b.liveTo && b.liveFrom < a.liveTo;
      if (bytes && live)
        problems.push_back(fmt::format("buffers '{}' at {} and '{}' at {} overlap while both are "
                                       "live",
                                       a.name, range(a), b.name, range(b)));
    }
  if (problems.empty())
    return std::nullopt;
  for (std::string &p : problems)
    p = fmt::format("{} kernel '{}': {} (a generator bug)", what, name, p);
  return Error(std::move(problems));
}

} // namespace pagoda::codegen
