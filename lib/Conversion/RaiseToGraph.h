//===- RaiseToGraph.h - Shared driver of the raising conversions -*- C++ -*-===//
//
// TOSA and linalg are raised to the graph dialect the same way: collect the
// ops to convert, convert each in program order, and report every op that
// could not be converted at its location, with the converter's reason.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_LIB_CONVERSION_RAISETOGRAPH_H
#define PAGODA_LIB_CONVERSION_RAISETOGRAPH_H

#include "pagoda/Dialect/Graph/IR/GraphOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Operation.h"

#include <string>

namespace pagoda {

/// `Converter` has `std::string reason` and `LogicalResult convert(Operation*)`.
/// Returns false if any op failed (after reporting each).
template <typename Converter>
bool raiseAll(llvm::ArrayRef<mlir::Operation *> ops, Converter &conv) {
  bool ok = true;
  for (mlir::Operation *op : ops) {
    conv.reason.clear();
    std::string name = op->getName().getStringRef().str();
    mlir::Location loc = op->getLoc();
    if (mlir::succeeded(conv.convert(op)))
      continue;
    ok = false;
    mlir::InFlightDiagnostic d = mlir::emitError(loc)
                                 << "cannot convert " << name << " to the graph dialect";
    if (!conv.reason.empty())
      d << ": " << conv.reason;
  }
  return ok;
}

/// A graph.transpose of `v` by `perm`, its result type permuted.
inline mlir::Value makeTranspose(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                                 llvm::ArrayRef<int64_t> perm) {
  auto t = mlir::cast<mlir::RankedTensorType>(v.getType());
  llvm::SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(t.getDimSize(p));
  return graph::TransposeOp::create(b, loc, mlir::RankedTensorType::get(shape, t.getElementType()),
                                    v, b.getDenseI64ArrayAttr(perm));
}

} // namespace pagoda

#endif // PAGODA_LIB_CONVERSION_RAISETOGRAPH_H
