//===- Bytes.h - Little-endian binary writing and checked reading -*- C++ -*-===//
//
// The building blocks of pagoda's file formats. ByteReader never reads out of
// bounds: a read past the end (or an implausible count) sets a sticky error
// naming the offset, and every later read returns zeros.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_SUPPORT_BYTES_H
#define PAGODA_SUPPORT_BYTES_H

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace pagoda {

class ByteWriter {
public:
  std::vector<uint8_t> bytes;

  void u8(uint8_t v) { bytes.push_back(v); }
  void u32(uint32_t v) { put(&v, 4); }
  void u64(uint64_t v) { put(&v, 8); }
  void i64(int64_t v) { put(&v, 8); }
  void f64(double v) { put(&v, 8); }
  void str(std::string_view s) {
    u32(uint32_t(s.size()));
    put(s.data(), s.size());
  }
  void put(const void *data, size_t n) {
    const auto *p = static_cast<const uint8_t *>(data);
    bytes.insert(bytes.end(), p, p + n);
  }
  /// Pads with zeros to a multiple of `align`.
  void alignTo(size_t align) {
    while (bytes.size() % align)
      bytes.push_back(0);
  }
  size_t size() const { return bytes.size(); }
};

class ByteReader {
public:
  ByteReader(const uint8_t *data, size_t size, size_t base = 0)
      : data_(data), size_(size), base_(base) {}

  bool ok() const { return error_.empty(); }
  const std::string &error() const { return error_; }
  size_t offset() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  bool atEnd() const { return pos_ == size_; }

  void fail(const std::string &what) {
    if (error_.empty())
      error_ = "offset " + hex(base_ + pos_) + ": " + what;
  }

  uint8_t u8() {
    uint8_t v = 0;
    get(&v, 1, "u8");
    return v;
  }
  uint32_t u32() {
    uint32_t v = 0;
    get(&v, 4, "u32");
    return v;
  }
  uint64_t u64() {
    uint64_t v = 0;
    get(&v, 8, "u64");
    return v;
  }
  int64_t i64() {
    int64_t v = 0;
    get(&v, 8, "i64");
    return v;
  }
  double f64() {
    double v = 0;
    get(&v, 8, "f64");
    return v;
  }
  std::string str(size_t maxBytes = 1 << 20) {
    uint32_t n = u32();
    if (!ok())
      return {};
    if (n > maxBytes || n > remaining()) {
      fail("string of " + std::to_string(n) + " bytes runs past the end or the limit");
      return {};
    }
    std::string s(reinterpret_cast<const char *>(data_ + pos_), n);
    pos_ += n;
    return s;
  }
  /// A count of items that each take at least `minBytes`: rejects counts
  /// the remaining bytes cannot hold (no huge allocations from bad files).
  uint32_t count(size_t minBytes, const char *what) {
    uint32_t n = u32();
    if (ok() && minBytes && n > remaining() / minBytes) {
      fail(std::string("count of ") + what + " (" + std::to_string(n) +
           ") does not fit the remaining " + std::to_string(remaining()) + " bytes");
      return 0;
    }
    return ok() ? n : 0;
  }
  const uint8_t *take(size_t n, const char *what) {
    if (!ok())
      return nullptr;
    if (n > remaining()) {
      fail(std::string(what) + ": " + std::to_string(n) + " bytes run past the end");
      return nullptr;
    }
    const uint8_t *p = data_ + pos_;
    pos_ += n;
    return p;
  }

  static std::string hex(size_t v) {
    static const char *digits = "0123456789abcdef";
    std::string s;
    do {
      s.insert(s.begin(), digits[v % 16]);
      v /= 16;
    } while (v);
    return "0x" + s;
  }

private:
  const uint8_t *data_;
  size_t size_;
  size_t base_;
  size_t pos_ = 0;
  std::string error_;

  void get(void *out, size_t n, const char *what) {
    if (!ok())
      return;
    if (n > remaining()) {
      fail(std::string("truncated: a ") + what + " runs past the end");
      return;
    }
    std::memcpy(out, data_ + pos_, n);
    pos_ += n;
  }
};

} // namespace pagoda

#endif // PAGODA_SUPPORT_BYTES_H
