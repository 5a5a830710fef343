//===- Passes.h - Conversions between levels --------------------*- C++ -*-===//
#ifndef PAGODA_CONVERSION_PASSES_H
#define PAGODA_CONVERSION_PASSES_H

#include "pagoda/Dialect/Graph/IR/GraphDialect.h"

#include "mlir/Pass/Pass.h"

namespace pagoda {

#define GEN_PASS_DECL
#include "pagoda/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "pagoda/Conversion/Passes.h.inc"

} // namespace pagoda

#endif // PAGODA_CONVERSION_PASSES_H
