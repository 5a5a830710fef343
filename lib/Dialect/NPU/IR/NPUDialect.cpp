//===- NPUDialect.cpp - The npu dialect -----------------------------------===//

#include "pagoda/Dialect/NPU/IR/NPUDialect.h"
#include "pagoda/Dialect/NPU/IR/NPUOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace pagoda::npu;

#include "pagoda/Dialect/NPU/IR/NPUDialect.cpp.inc"
#include "pagoda/Dialect/NPU/IR/NPUEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "pagoda/Dialect/NPU/IR/NPUAttrs.cpp.inc"

void NPUDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "pagoda/Dialect/NPU/IR/NPUAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "pagoda/Dialect/NPU/IR/NPUOps.cpp.inc"
      >();
}

std::optional<MemorySpace> pagoda::npu::getMemorySpace(MemRefType type) {
  if (auto attr = dyn_cast_or_null<MemorySpaceAttr>(type.getMemorySpace()))
    return attr.getValue();
  return std::nullopt;
}
