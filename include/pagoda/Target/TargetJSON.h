//===- TargetJSON.h - Target descriptions as JSON ---------------*- C++ -*-===//
//
// Load and save TargetDesc as JSON so that a user can model their own chip.
// Loading is strict: malformed JSON, a wrong type, a missing or unknown field
// and an inconsistent description are all rejected with messages that name
// the field (schema: docs/targets.md).
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_TARGET_TARGETJSON_H
#define PAGODA_TARGET_TARGETJSON_H

#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <string>
#include <string_view>

namespace pagoda::target {

/// Parses and validates a description from JSON text. `source` names the
/// text in messages (usually a file path).
Result<TargetDesc> parseTargetJSON(std::string_view text, std::string_view source = "<json>");

/// Reads and parses a JSON file.
Result<TargetDesc> loadTargetFile(const std::string &path);

/// Serializes a description (every field, stable key order, 2-space indent).
std::string toJSON(const TargetDesc &desc);

/// Looks up a preset by name, or loads a file when `nameOrPath` ends in
/// ".json"; the error lists the available presets.
Result<TargetDesc> resolveTarget(const std::string &nameOrPath);

} // namespace pagoda::target

#endif // PAGODA_TARGET_TARGETJSON_H
