//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// Reads and writes the NumPy array format (versions 1.0-3.0, C order,
// little-endian) for `pagoda run`. dtypes are named by their numpy `descr`
// ("<f4", "|b1", ...); bf16, which numpy lacks, is stored as "<V2" raw bits.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_SUPPORT_NPY_H
#define PAGODA_SUPPORT_NPY_H

#include "pagoda/Support/Result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pagoda {

struct NpyArray {
  std::string descr; ///< numpy dtype, e.g. "<f4"
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;
};

/// Parses .npy bytes; `source` names the file in errors.
Result<NpyArray> parseNpy(const uint8_t *bytes, size_t size, const std::string &source);
Result<NpyArray> readNpy(const std::string &path);
std::vector<uint8_t> serializeNpy(const NpyArray &array);
Result<bool> writeNpy(const std::string &path, const NpyArray &array);

} // namespace pagoda

#endif // PAGODA_SUPPORT_NPY_H
