//===- NPUDialect.h - The npu dialect ---------------------------*- C++ -*-===//
#ifndef PAGODA_DIALECT_NPU_IR_NPUDIALECT_H
#define PAGODA_DIALECT_NPU_IR_NPUDIALECT_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"

#include "pagoda/Dialect/NPU/IR/NPUDialect.h.inc"
#include "pagoda/Dialect/NPU/IR/NPUEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "pagoda/Dialect/NPU/IR/NPUAttrs.h.inc"

#include <optional>

namespace pagoda::npu {

/// The npu memory space of a memref, or nullopt if it has none.
std::optional<MemorySpace> getMemorySpace(mlir::MemRefType type);

} // namespace pagoda::npu

#endif // PAGODA_DIALECT_NPU_IR_NPUDIALECT_H
