//===- CRC32.h - CRC-32 checksums for pagoda's file formats -----*- C++ -*-===//
//
// The IEEE 802.3 CRC-32 (as zlib computes it), used to detect corruption in
// code files and artifacts.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_SUPPORT_CRC32_H
#define PAGODA_SUPPORT_CRC32_H

#include <cstddef>
#include <cstdint>

namespace pagoda {

/// CRC-32 of `size` bytes, continuing from `crc` (0 to start).
/// Uses carry-less multiplication where the CPU has it.
uint32_t crc32(const void *data, size_t size, uint32_t crc = 0);

/// The same function on table lookups only (for tests and benchmarks).
uint32_t crc32Portable(const void *data, size_t size, uint32_t crc = 0);

} // namespace pagoda

#endif // PAGODA_SUPPORT_CRC32_H
