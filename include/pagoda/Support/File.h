//===- File.h - Whole-file reads and writes with clear errors ---*- C++ -*-===//
#ifndef PAGODA_SUPPORT_FILE_H
#define PAGODA_SUPPORT_FILE_H

#include "pagoda/Support/Result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pagoda {

/// The bytes of a file; the error names the path and the reason.
Result<std::vector<uint8_t>> readFile(const std::string &path);

/// Writes bytes to a file (replacing it); the error names the path.
Result<bool> writeFile(const std::string &path, const void *data, size_t size);

} // namespace pagoda

#endif // PAGODA_SUPPORT_FILE_H
