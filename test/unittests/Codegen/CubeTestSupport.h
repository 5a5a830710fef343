//===- CubeTestSupport.h - Operand encoding for the cube kernel tests -*- C++ -*-===//
#ifndef PAGODA_TEST_CODEGEN_CUBETESTSUPPORT_H
#define PAGODA_TEST_CODEGEN_CUBETESTSUPPORT_H

#include "pagoda/ISA/ISA.h"
#include "pagoda/Sim/Numerics.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace pagoda::test {

/// Element bits (low `size` bytes of each value) as the bytes of a tensor.
inline std::vector<uint8_t> packBits(isa::DType t, const std::vector<uint32_t> &v) {
  unsigned size = isa::dtypeBits(t) / 8;
  std::vector<uint8_t> out(v.size() * size);
  for (size_t i = 0; i < v.size(); ++i)
    std::memcpy(&out[i * size], &v[i], size);
  return out;
}

/// A float rounded to `t` (f16, bf16; anything else as f32 bits).
inline uint32_t encodeFloat(isa::DType t, float f) {
  switch (t) {
  case isa::DType::F16:
    return num::f32ToF16(f);
  case isa::DType::BF16:
    return num::f32ToBf16(f);
  default:
    return num::floatBits(f);
  }
}

} // namespace pagoda::test

#endif // PAGODA_TEST_CODEGEN_CUBETESTSUPPORT_H
