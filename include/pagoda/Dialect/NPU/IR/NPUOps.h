//===- NPUOps.h - Operations of the npu dialect -----------------*- C++ -*-===//
#ifndef PAGODA_DIALECT_NPU_IR_NPUOPS_H
#define PAGODA_DIALECT_NPU_IR_NPUOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "pagoda/Dialect/NPU/IR/NPUDialect.h"
#include "pagoda/Target/TargetDesc.h"

namespace pagoda::npu {

/// The target library's name for a dialect memory space or pipe; the two
/// enums are declared in the same order.
target::MemSpace toTarget(MemorySpace space);
target::Pipe toTarget(Pipe pipe);
Pipe fromTarget(target::Pipe pipe);

/// The cube type of an mmad's A/B element type, if the dialect supports it.
std::optional<target::CubeType> getCubeType(mlir::Type elementType);

} // namespace pagoda::npu

#define GET_OP_CLASSES
#include "pagoda/Dialect/NPU/IR/NPUOps.h.inc"

#endif // PAGODA_DIALECT_NPU_IR_NPUOPS_H
