//===- Passes.h - Passes on the npu dialect ---------------------*- C++ -*-===//
#ifndef PAGODA_DIALECT_NPU_TRANSFORMS_PASSES_H
#define PAGODA_DIALECT_NPU_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

#include <memory>

namespace pagoda::npu {

#define GEN_PASS_DECL
#include "pagoda/Dialect/NPU/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "pagoda/Dialect/NPU/Transforms/Passes.h.inc"

} // namespace pagoda::npu

#endif // PAGODA_DIALECT_NPU_TRANSFORMS_PASSES_H
