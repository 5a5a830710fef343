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

/// `type` with its dimensions permuted: dimension i is type's perm[i].
inline mlir::RankedTensorType permutedType(mlir::Type type, llvm::ArrayRef<int64_t> perm) {
  auto t = mlir::cast<mlir::RankedTensorType>(type);
  llvm::SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(t.getDimSize(p));
  return mlir::RankedTensorType::get(shape, t.getElementType());
}

/// A graph.transpose of `v` by `perm`, its result type permuted.
inline mlir::Value makeTranspose(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                                 llvm::ArrayRef<int64_t> perm) {
  return graph::TransposeOp::create(b, loc, permutedType(v.getType(), perm), v,
                                    b.getDenseI64ArrayAttr(perm));
}

/// What the TOSA and linalg converters share: a builder positioned at the op
/// being converted, its location, and the reason a conversion failed.
class RaiseConverter {
public:
  explicit RaiseConverter(mlir::MLIRContext *ctx) : b_(ctx) {}

  /// Why the last conversion failed, when it was for a reason beyond "no
  /// conversion for this op".
  std::string reason;

protected:
  mlir::OpBuilder b_;
  mlir::Location loc_ = b_.getUnknownLoc();

  /// Starts converting `op`: new ops go before it, at its location.
  void begin(mlir::Operation *op) {
    b_.setInsertionPoint(op);
    loc_ = op->getLoc();
  }
  mlir::Value why(const char *r) {
    reason = r;
    return mlir::Value();
  }
  /// The graph op G on `o`'s first one or two operands, with o's result type.
  template <typename G> mlir::Value bin(mlir::Operation *o) {
    return G::create(b_, loc_, o->getResult(0).getType(), o->getOperand(0), o->getOperand(1));
  }
  template <typename G> mlir::Value un(mlir::Operation *o) {
    return G::create(b_, loc_, o->getResult(0).getType(), o->getOperand(0));
  }
  mlir::Value transpose(mlir::Value v, llvm::ArrayRef<int64_t> perm) {
    return makeTranspose(b_, loc_, v, perm);
  }
};

} // namespace pagoda

#endif // PAGODA_LIB_CONVERSION_RAISETOGRAPH_H
