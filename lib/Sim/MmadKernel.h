//===- MmadKernel.h - The cube's arithmetic, vectorized ---------*- C++ -*-===//
#ifndef PAGODA_LIB_SIM_MMADKERNEL_H
#define PAGODA_LIB_SIM_MMADKERNEL_H

#include "pagoda/ISA/ISA.h"

#include <cstdint>

namespace pagoda::sim::detail {

/// C (+)= A x B as `mmad` defines it (docs/isa.md, "Cube"): A in zZ, B in nZ,
/// C in NZ (f32, or s32 for s8); each element accumulated over k in order
/// with f32 rounding. With `init`, C starts from the f32 bias row (or 0).
void mmadFunctional(isa::DType dt, const uint8_t *a, const uint8_t *b, uint8_t *c,
                    const uint8_t *bias, uint64_t m, uint64_t k, uint64_t n, bool init);

/// Whether mmadFunctional runs its AVX2+FMA path on this host.
bool mmadUsesAvx2();

} // namespace pagoda::sim::detail

#endif // PAGODA_LIB_SIM_MMADKERNEL_H
