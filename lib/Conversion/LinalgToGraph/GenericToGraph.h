//===- GenericToGraph.h - Raise linalg.generic to graph ops -----*- C++ -*-===//
#ifndef PAGODA_LIB_CONVERSION_LINALGTOGRAPH_GENERICTOGRAPH_H
#define PAGODA_LIB_CONVERSION_LINALGTOGRAPH_GENERICTOGRAPH_H

#include "pagoda/Dialect/Graph/IR/GraphOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

#include <string>

namespace pagoda {

/// Graph ops computing `op`'s result, built at the builder's insertion
/// point; null with `reason` set when the generic is not elementwise (with
/// broadcasts and permutations) or a reduction folding with add, mul, max
/// or min.
mlir::Value raiseGeneric(mlir::OpBuilder &b, mlir::linalg::GenericOp op, std::string &reason);

} // namespace pagoda

#endif // PAGODA_LIB_CONVERSION_LINALGTOGRAPH_GENERICTOGRAPH_H
