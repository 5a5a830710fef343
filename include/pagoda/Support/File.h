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

/// A whole file, read-only: memory-mapped when it is a regular file (the
/// page cache's pages, no copy), else read into memory. The file must not
/// shrink while mapped.
class MappedFile {
public:
  static Result<MappedFile> open(const std::string &path);
  MappedFile(MappedFile &&o) noexcept;
  MappedFile &operator=(MappedFile &&o) noexcept;
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;
  ~MappedFile();

  const uint8_t *data() const { return data_; }
  size_t size() const { return size_; }

private:
  MappedFile() = default;
  /// Releases a mapping (not the copy, which the vector owns).
  void unmap();
  const uint8_t *data_ = nullptr;
  size_t size_ = 0;
  bool mapped_ = false;
  std::vector<uint8_t> copy_; ///< when not mapped
};

/// Writes bytes to a file (replacing it); the error names the path.
Result<bool> writeFile(const std::string &path, const void *data, size_t size);

} // namespace pagoda

#endif // PAGODA_SUPPORT_FILE_H
