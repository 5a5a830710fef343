//===- File.cpp - Whole-file reads and writes with clear errors -----------===//

#include "pagoda/Support/File.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pagoda {

Result<std::vector<uint8_t>> readFile(const std::string &path) {
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return Error(path + ": cannot open: " + std::strerror(errno));
  std::vector<uint8_t> data;
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0)
    data.insert(data.end(), buf, buf + n);
  bool bad = std::ferror(f);
  std::fclose(f);
  if (bad)
    return Error(path + ": read error");
  return data;
}

Result<bool> writeFile(const std::string &path, const void *data, size_t size) {
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (!f)
    return Error(path + ": cannot create: " + std::strerror(errno));
  bool ok = std::fwrite(data, 1, size, f) == size;
  ok &= std::fclose(f) == 0;
  if (!ok)
    return Error(path + ": write error");
  return true;
}

} // namespace pagoda
