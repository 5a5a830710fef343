//===- Presets.h - Built-in modeled chips -----------------------*- C++ -*-===//
//
// The named chips pagoda ships: ascend-910, ascend-910b2, ascend-950pr,
// ascend-950dt, ascend-960, ascend-970. Their numbers trace back to
// npu-facts.md; docs/targets.md explains how 960/970 were scaled.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_TARGET_PRESETS_H
#define PAGODA_TARGET_PRESETS_H

#include "pagoda/Target/TargetDesc.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pagoda::target {

/// Names of all presets, in release order.
const std::vector<std::string> &presetNames();

/// The preset with this name, or nullopt.
std::optional<TargetDesc> getPreset(std::string_view name);

/// The target used when a user names none.
inline constexpr const char *kDefaultTarget = "ascend-950pr";

} // namespace pagoda::target

#endif // PAGODA_TARGET_PRESETS_H
