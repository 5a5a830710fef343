//===- CRC32Test.cpp - CRC-32 against a bitwise reference ------------------===//

#include "pagoda/Support/CRC32.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

using namespace pagoda;

namespace {

/// The definition, one bit at a time.
uint32_t bitwise(const uint8_t *p, size_t n, uint32_t crc = 0) {
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int k = 0; k < 8; ++k)
      crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
  }
  return ~crc;
}

TEST(CRC32, KnownValues) {
  const char *check = "123456789";
  EXPECT_EQ(crc32(check, 9), 0xCBF43926u); // the standard check value
  EXPECT_EQ(crc32Portable(check, 9), 0xCBF43926u);
  EXPECT_EQ(crc32(check, 0), 0u);
  std::vector<uint8_t> zeros(4096, 0);
  EXPECT_EQ(crc32(zeros.data(), zeros.size()), bitwise(zeros.data(), zeros.size()));
}

TEST(CRC32, FastPathsMatchTheDefinitionAtEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::vector<uint8_t> data(5000);
  for (uint8_t &b : data)
    b = uint8_t(rng());
  for (size_t offset = 0; offset < 16; offset += 3)
    for (size_t n = 0; n + offset <= 1100; ++n) {
      uint32_t want = bitwise(data.data() + offset, n);
      ASSERT_EQ(crc32(data.data() + offset, n), want) << "offset " << offset << " size " << n;
      ASSERT_EQ(crc32Portable(data.data() + offset, n), want)
          << "offset " << offset << " size " << n;
    }
  // Long inputs, where the 64-byte folding loop runs many times.
  EXPECT_EQ(crc32(data.data() + 1, 4999), bitwise(data.data() + 1, 4999));
  // Continuing from a previous value equals checksumming the whole.
  for (size_t split : {0, 1, 63, 64, 257, 2500, 5000})
    EXPECT_EQ(crc32(data.data() + split, data.size() - split, crc32(data.data(), split)),
              bitwise(data.data(), data.size()))
        << "split at " << split;
}

} // namespace
