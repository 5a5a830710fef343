//===- File.cpp - Whole-file reads and writes with clear errors -----------===//

#include "pagoda/Support/File.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace pagoda {

Result<std::vector<uint8_t>> readFile(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Error(path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  std::vector<uint8_t> data;
  // Regular files are read straight into a buffer of their size; pipes and
  // devices in chunks.
  // (one spare byte: the read that sees the end needs room to try).
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
    data.reserve(size_t(st.st_size) + 1);
  for (;;) {
    if (data.size() == data.capacity())
      data.reserve(std::max<size_t>(data.capacity() * 2, 1 << 16));
    size_t at = data.size();
    data.resize(data.capacity());
    ssize_t n = ::read(fd, data.data() + at, data.size() - at);
    if (n < 0 && errno == EINTR) {
      data.resize(at);
      continue;
    }
    if (n <= 0) {
      data.resize(at);
      int err = errno;
      ::close(fd);
      if (n < 0)
        return Error(path + ": read error: " + std::strerror(err));
      return data;
    }
    data.resize(at + size_t(n));
  }
}

Result<MappedFile> MappedFile::open(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Error(path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  MappedFile f;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    void *p = ::mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p != MAP_FAILED) {
      ::close(fd);
      f.data_ = static_cast<const uint8_t *>(p);
      f.size_ = size_t(st.st_size);
      f.mapped_ = true;
      return f;
    }
  }
  ::close(fd);
  Result<std::vector<uint8_t>> bytes = readFile(path);
  if (!bytes)
    return bytes.error();
  f.copy_ = std::move(*bytes);
  f.data_ = f.copy_.data();
  f.size_ = f.copy_.size();
  return f;
}

MappedFile::MappedFile(MappedFile &&o) noexcept { *this = std::move(o); }

MappedFile &MappedFile::operator=(MappedFile &&o) noexcept {
  if (this != &o) {
    unmap();
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
    mapped_ = std::exchange(o.mapped_, false);
    copy_ = std::move(o.copy_);
    if (!mapped_)
      data_ = copy_.data();
  }
  return *this;
}

MappedFile::~MappedFile() { unmap(); }

void MappedFile::unmap() {
  if (mapped_)
    ::munmap(const_cast<uint8_t *>(data_), size_);
  mapped_ = false;
  data_ = nullptr;
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
