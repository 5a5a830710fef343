//===- GraphOps.h - Operations of the graph dialect -------------*- C++ -*-===//
#ifndef PAGODA_DIALECT_GRAPH_IR_GRAPHOPS_H
#define PAGODA_DIALECT_GRAPH_IR_GRAPHOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "pagoda/Dialect/Graph/IR/GraphDialect.h"

#include <optional>
#include <string>

namespace pagoda::graph {

/// Numpy-style broadcast of two shapes (dynamic dims as
/// ShapedType::kDynamic). Fails when two static dims differ and neither is 1.
mlir::FailureOr<llvm::SmallVector<int64_t>> broadcastShapes(llvm::ArrayRef<int64_t> lhs,
                                                            llvm::ArrayRef<int64_t> rhs);

/// Checks that `actual` agrees with `expected` (same rank; equal where both
/// dims are static). On mismatch, emits an error on `op` naming `what`.
mlir::LogicalResult verifyCompatibleShape(mlir::Operation *op, llvm::StringRef what,
                                          llvm::ArrayRef<int64_t> expected,
                                          llvm::ArrayRef<int64_t> actual);

/// The value of a splat constant (float or integer) as a double, if `v` is
/// one.
std::optional<double> getSplatValue(mlir::Value v);

/// Ops computed element by element with numpy broadcasting (arithmetic,
/// comparisons, logic, activations, casts): what a vector kernel can chain
/// and what commutes with a permutation of dimensions.
bool isElementwise(mlir::Operation *op);

namespace OpTrait {
/// Two tensor operands and one result that broadcast numpy-style, all with
/// the same element type.
template <typename ConcreteType>
class BroadcastElementwise : public mlir::OpTrait::TraitBase<ConcreteType, BroadcastElementwise> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op);
};
mlir::LogicalResult verifyBroadcastElementwise(mlir::Operation *op);
template <typename ConcreteType>
mlir::LogicalResult BroadcastElementwise<ConcreteType>::verifyTrait(mlir::Operation *op) {
  return verifyBroadcastElementwise(op);
}

/// Two tensor operands of one element type that broadcast numpy-style to an
/// i1 result.
template <typename ConcreteType>
class BroadcastCompare : public mlir::OpTrait::TraitBase<ConcreteType, BroadcastCompare> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op);
};
mlir::LogicalResult verifyBroadcastCompare(mlir::Operation *op);
template <typename ConcreteType>
mlir::LogicalResult BroadcastCompare<ConcreteType>::verifyTrait(mlir::Operation *op) {
  return verifyBroadcastCompare(op);
}
} // namespace OpTrait

} // namespace pagoda::graph

#define GET_OP_CLASSES
#include "pagoda/Dialect/Graph/IR/GraphOps.h.inc"

namespace pagoda::graph {

/// Follows graph.reshape ops (views outside kernel groups) back to the
/// tensor they view.
mlir::Value viewRoot(mlir::Value v);

/// The source nodes of a kernel group: the location names of its ops
/// (constants and the yield left out) in order, or the group's own when
/// none has one. A fused location gives its first name.
llvm::SmallVector<std::string> sourceNodes(GroupOp group);

} // namespace pagoda::graph

#endif // PAGODA_DIALECT_GRAPH_IR_GRAPHOPS_H
