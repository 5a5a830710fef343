//===- GenericToGraph.cpp - Raise linalg.generic to graph ops -------------===//
//
// torch-mlir lowers every elementwise aten op, and the reductions of sum,
// mean, max and softmax, to linalg.generic. A generic is raised by working
// in its loop space: each operand becomes a tensor of the loop rank (its
// dimensions permuted into loop order, a dimension it does not index kept
// as 1), the body's scalar ops become the graph's broadcasting elementwise
// ops on those tensors, and the yielded value is mapped back through the
// output's indexing map. A body that folds its value into the output with
// add/mul/max/min over reduction loops becomes the matching graph reduction.
//
//===----------------------------------------------------------------------===//

#include "GenericToGraph.h"

#include "../RaiseToGraph.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;
namespace g = pagoda::graph;

namespace pagoda {
namespace {

enum class Combiner { Add, Mul, Max, Min };

class GenericRaiser {
public:
  GenericRaiser(OpBuilder &b, linalg::GenericOp op, std::string &reason)
      : b_(b), op_(op), loc_(op.getLoc()), reason_(reason) {}

  Value raise() {
    if (op_.getNumDpsInits() != 1 || op_->getNumResults() != 1)
      return why("only generics with one result are raised");
    for (Value v : op_->getOperands()) {
      auto t = dyn_cast<RankedTensorType>(v.getType());
      if (!t || !t.hasStaticShape())
        return why("operands must be tensors of static shape");
    }
    loops_ = op_.getStaticLoopRanges();
    SmallVector<utils::IteratorType> iters = op_.getIteratorTypesArray();
    for (unsigned d = 0; d < iters.size(); ++d)
      if (iters[d] == utils::IteratorType::reduction)
        reduced_.push_back(d);
    Block &body = op_.getRegion().front();
    if (body.walk([](linalg::IndexOp) { return WalkResult::interrupt(); }).wasInterrupted())
      return why("the body uses linalg.index");

    OpOperand *init = op_.getDpsInitOperand(0);
    BlockArgument outArg = op_.getMatchingBlockArgument(init);
    for (OpOperand *in : op_.getDpsInputOperands())
      if (!op_.getMatchingBlockArgument(in).use_empty()) {
        Value v = toLoopSpace(in->get(), op_.getMatchingIndexingMap(in));
        if (!v)
          return Value();
        values_[op_.getMatchingBlockArgument(in)] = v;
      }

    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    Value yielded = yield.getValues()[0];
    AffineMap outMap = op_.getMatchingIndexingMap(init);

    if (reduced_.empty()) {
      if (!outArg.use_empty()) {
        Value v = toLoopSpace(init->get(), outMap);
        if (!v)
          return Value();
        values_[outArg] = v;
      }
      Value r = translate(yielded);
      if (!r)
        return Value();
      return fromLoopSpace(expandToLoops(r), outMap, init->get());
    }

    // A reduction: yield combine(f(inputs), out), `out` used only there.
    Operation *combine = yielded.getDefiningOp();
    std::optional<Combiner> kind = combine ? combinerOf(combine) : std::nullopt;
    if (!kind || combine->getNumOperands() != 2 || !outArg.hasOneUse() ||
        !llvm::is_contained(combine->getOperands(), Value(outArg)))
      return why("a reduction body must fold one value into the output with add, mul, max or "
                 "min");
    Value item = combine->getOperand(0) == outArg ? combine->getOperand(1) : combine->getOperand(0);
    // The output map names the kept loops (in order) and constant-0 unit
    // dimensions; anything else would permute the result.
    SmallVector<unsigned> outLoops;
    for (AffineExpr e : outMap.getResults()) {
      if (auto d = dyn_cast<AffineDimExpr>(e))
        outLoops.push_back(d.getPosition());
      else if (!isZero(e))
        return why("the output map is neither dimensions nor unit dimensions");
    }
    SmallVector<unsigned> expectLoops;
    for (unsigned d = 0; d < loops_.size(); ++d)
      if (!llvm::is_contained(reduced_, d))
        expectLoops.push_back(d);
    if (outLoops != expectLoops)
      return why("the output map permutes the kept dimensions");
    Value x = translate(item);
    if (!x)
      return Value();
    x = expandToLoops(x);
    auto xt = cast<RankedTensorType>(x.getType());
    SmallVector<int64_t> kept;
    for (unsigned d = 0; d < loops_.size(); ++d)
      if (!llvm::is_contained(reduced_, d))
        kept.push_back(loops_[d]);
    auto reducedType = RankedTensorType::get(kept, xt.getElementType());
    auto axes = b_.getDenseI64ArrayAttr(SmallVector<int64_t>(reduced_.begin(), reduced_.end()));
    auto keep = b_.getBoolAttr(false);
    Value r;
    switch (*kind) {
    case Combiner::Add:
      r = g::ReduceSumOp::create(b_, loc_, reducedType, x, axes, keep);
      break;
    case Combiner::Mul:
      r = g::ReduceProdOp::create(b_, loc_, reducedType, x, axes, keep);
      break;
    case Combiner::Max:
      r = g::ReduceMaxOp::create(b_, loc_, reducedType, x, axes, keep);
      break;
    case Combiner::Min:
      r = g::ReduceMinOp::create(b_, loc_, reducedType, x, axes, keep);
      break;
    }
    auto initType = cast<RankedTensorType>(init->get().getType());
    if (initType.getShape() != ArrayRef<int64_t>(kept))
      r = g::ReshapeOp::create(b_, loc_, initType, r);
    if (isIdentity(init->get(), *kind))
      return r;
    return combineWith(*kind, r, init->get());
  }

private:
  OpBuilder &b_;
  linalg::GenericOp op_;
  Location loc_;
  std::string &reason_;
  SmallVector<int64_t> loops_;
  SmallVector<unsigned> reduced_;
  DenseMap<Value, Value> values_; ///< body scalar -> loop-space tensor

  Value why(const std::string &r) {
    if (reason_.empty())
      reason_ = r;
    return Value();
  }

  static bool isZero(AffineExpr e) {
    auto c = dyn_cast<AffineConstantExpr>(e);
    return c && c.getValue() == 0;
  }

  RankedTensorType loopType(ArrayRef<int64_t> shape, Type elt) {
    return RankedTensorType::get(shape, elt);
  }

  /// `v` indexed by `map` as a tensor of the loop rank: its dimensions in
  /// loop order, 1 for each loop it does not index.
  Value toLoopSpace(Value v, AffineMap map) {
    auto t = cast<RankedTensorType>(v.getType());
    SmallVector<unsigned> dims; // loop of each non-unit-constant dimension
    SmallVector<int64_t> squeezed;
    for (auto [i, e] : llvm::enumerate(map.getResults())) {
      if (auto d = dyn_cast<AffineDimExpr>(e)) {
        if (llvm::is_contained(dims, d.getPosition()))
          return why("an operand indexes one loop twice (a diagonal)");
        dims.push_back(d.getPosition());
        squeezed.push_back(t.getDimSize(i));
      } else if (!isZero(e) || t.getDimSize(i) != 1) {
        return why("an indexing map is not a projection of the loops");
      }
    }
    if (squeezed.size() != size_t(t.getRank()))
      v = g::ReshapeOp::create(b_, loc_, loopType(squeezed, t.getElementType()), v);
    // Permute into loop order.
    SmallVector<int64_t> perm(dims.size());
    std::iota(perm.begin(), perm.end(), 0);
    llvm::sort(perm, [&](int64_t a, int64_t c) { return dims[a] < dims[c]; });
    if (!llvm::is_sorted(dims))
      v = makeTranspose(b_, loc_, v, perm);
    SmallVector<int64_t> shape(loops_.size(), 1);
    for (unsigned d : dims)
      shape[d] = loops_[d];
    if (shape.size() != dims.size())
      v = g::ReshapeOp::create(b_, loc_, loopType(shape, t.getElementType()), v);
    return v;
  }

  /// Broadcasts a loop-space value to the whole loop space.
  Value expandToLoops(Value v) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getShape() == ArrayRef<int64_t>(loops_))
      return v;
    if (t.getRank() != int64_t(loops_.size()))
      v = g::ReshapeOp::create(
          b_, loc_, loopType(SmallVector<int64_t>(loops_.size(), 1), t.getElementType()), v);
    return g::ExpandOp::create(b_, loc_, loopType(loops_, t.getElementType()), v);
  }

  /// The loop-space result written through the output's map.
  Value fromLoopSpace(Value v, AffineMap outMap, Value init) {
    SmallVector<int64_t> perm;
    for (AffineExpr e : outMap.getResults()) {
      auto d = dyn_cast<AffineDimExpr>(e);
      if (!d)
        return why("the output map is not a permutation of the loops");
      perm.push_back(d.getPosition());
    }
    if (perm.size() != loops_.size() || !isPermutationVector(perm))
      return why("the output map is not a permutation of the loops");
    if (!llvm::is_sorted(perm))
      v = makeTranspose(b_, loc_, v, perm);
    auto want = cast<RankedTensorType>(init.getType());
    if (cast<RankedTensorType>(v.getType()).getElementType() != want.getElementType())
      return why("the yielded type differs from the output's");
    return v;
  }

  std::optional<Combiner> combinerOf(Operation *op) {
    if (isa<arith::AddFOp, arith::AddIOp>(op))
      return Combiner::Add;
    if (isa<arith::MulFOp, arith::MulIOp>(op))
      return Combiner::Mul;
    if (isa<arith::MaximumFOp, arith::MaxSIOp>(op))
      return Combiner::Max;
    if (isa<arith::MinimumFOp, arith::MinSIOp>(op))
      return Combiner::Min;
    return std::nullopt;
  }

  /// Whether `init` is the combiner's identity, so folding it in changes
  /// nothing.
  bool isIdentity(Value init, Combiner kind) {
    std::optional<double> v = g::getSplatValue(init);
    if (!v)
      return false;
    switch (kind) {
    case Combiner::Add:
      return *v == 0.0;
    case Combiner::Mul:
      return *v == 1.0;
    case Combiner::Max:
      return std::isinf(*v) && *v < 0;
    case Combiner::Min:
      return std::isinf(*v) && *v > 0;
    }
    return false;
  }

  Value combineWith(Combiner kind, Value a, Value c) {
    Type t = a.getType();
    switch (kind) {
    case Combiner::Add:
      return g::AddOp::create(b_, loc_, t, a, c);
    case Combiner::Mul:
      return g::MulOp::create(b_, loc_, t, a, c);
    case Combiner::Max:
      return g::MaxOp::create(b_, loc_, t, a, c);
    case Combiner::Min:
      return g::MinOp::create(b_, loc_, t, a, c);
    }
    return Value();
  }

  /// The shape two loop-space operands broadcast to, with element type `elt`.
  Type broadcastType(ValueRange operands, Type elt) {
    SmallVector<int64_t> shape;
    for (Value v : operands)
      shape = *g::broadcastShapes(shape, cast<RankedTensorType>(v.getType()).getShape());
    return RankedTensorType::get(shape, elt);
  }

  /// The loop-space tensor of a body scalar.
  Value translate(Value scalar) {
    if (Value v = values_.lookup(scalar))
      return v;
    Attribute c;
    if (matchPattern(scalar, m_Constant(&c)) && isa<IntegerAttr, FloatAttr>(c)) {
      auto type = RankedTensorType::get({}, scalar.getType());
      Value v = g::ConstantOp::create(b_, loc_, DenseElementsAttr::get(type, ArrayRef{c}));
      return values_[scalar] = v;
    }
    Operation *def = scalar.getDefiningOp();
    if (!def || def->getParentOp() != op_.getOperation())
      return why("the body reads a value from outside that is not a constant");
    SmallVector<Value> in;
    for (Value operand : def->getOperands()) {
      Value v = translate(operand);
      if (!v)
        return Value();
      in.push_back(v);
    }
    Value r = translateOp(def, in);
    if (!r)
      return why("no graph op for " + def->getName().getStringRef().str() + " in the body");
    return values_[scalar] = r;
  }

  static bool isBool(Operation *op) { return op->getResult(0).getType().isInteger(1); }

  template <typename G> Value bin(Operation *op, ArrayRef<Value> in) {
    return G::create(b_, loc_, broadcastType(in, op->getResult(0).getType()), in[0], in[1]);
  }
  template <typename G> Value un(Operation *op, ArrayRef<Value> in) {
    return G::create(b_, loc_, broadcastType(in, op->getResult(0).getType()), in[0]);
  }
  template <typename G> Value cmp(ArrayRef<Value> in, bool negate = false) {
    Type t = broadcastType(in, b_.getI1Type());
    Value r = G::create(b_, loc_, t, in[0], in[1]);
    return negate ? g::NotOp::create(b_, loc_, t, r) : r;
  }

  Value translateOp(Operation *op, ArrayRef<Value> in) {
    using P = arith::CmpFPredicate;
    using I = arith::CmpIPredicate;
    return TypeSwitch<Operation *, Value>(op)
        .Case<arith::AddFOp, arith::AddIOp>([&](auto) { return bin<g::AddOp>(op, in); })
        .Case<arith::SubFOp, arith::SubIOp>([&](auto) { return bin<g::SubOp>(op, in); })
        .Case<arith::MulFOp, arith::MulIOp>([&](auto) { return bin<g::MulOp>(op, in); })
        .Case<arith::DivFOp, arith::DivSIOp>([&](auto) { return bin<g::DivOp>(op, in); })
        .Case<arith::RemFOp, arith::RemSIOp>([&](auto) -> Value {
          // C remainder: the sign of the dividend (ONNX Mod with fmod).
          return g::ModOp::create(b_, loc_, broadcastType(in, op->getResult(0).getType()), in[0],
                                  in[1], b_.getBoolAttr(true));
        })
        // graph.max/min are numpy's maximum/minimum: NaN propagates as with
        // maximumf/minimumf; maxnumf and minnumf drop it, and are not raised.
        .Case<arith::MaximumFOp, arith::MaxSIOp>([&](auto) { return bin<g::MaxOp>(op, in); })
        .Case<arith::MinimumFOp, arith::MinSIOp>([&](auto) { return bin<g::MinOp>(op, in); })
        // The graph's and/or/xor are logical: i1 only, not bitwise.
        .Case<arith::AndIOp>([&](auto) { return isBool(op) ? bin<g::AndOp>(op, in) : Value(); })
        .Case<arith::OrIOp>([&](auto) { return isBool(op) ? bin<g::OrOp>(op, in) : Value(); })
        .Case<arith::XOrIOp>([&](auto) { return isBool(op) ? bin<g::XorOp>(op, in) : Value(); })
        .Case<math::PowFOp>([&](auto) { return bin<g::PowOp>(op, in); })
        .Case<arith::NegFOp>([&](auto) { return un<g::NegOp>(op, in); })
        .Case<math::ExpOp>([&](auto) { return un<g::ExpOp>(op, in); })
        .Case<math::LogOp>([&](auto) { return un<g::LogOp>(op, in); })
        .Case<math::SqrtOp>([&](auto) { return un<g::SqrtOp>(op, in); })
        .Case<math::RsqrtOp>([&](auto) -> Value {
          Value s = un<g::SqrtOp>(op, in);
          return g::ReciprocalOp::create(b_, loc_, s.getType(), s);
        })
        .Case<math::TanhOp>([&](auto) { return un<g::TanhOp>(op, in); })
        .Case<math::ErfOp>([&](auto) { return un<g::ErfOp>(op, in); })
        .Case<math::AbsFOp, math::AbsIOp>([&](auto) { return un<g::AbsOp>(op, in); })
        .Case<math::FloorOp>([&](auto) { return un<g::FloorOp>(op, in); })
        .Case<math::CeilOp>([&](auto) { return un<g::CeilOp>(op, in); })
        .Case<math::RoundEvenOp>([&](auto) { return un<g::RoundOp>(op, in); })
        .Case<math::SinOp>([&](auto) { return un<g::SinOp>(op, in); })
        .Case<math::CosOp>([&](auto) { return un<g::CosOp>(op, in); })
        .Case<math::TanOp>([&](auto) { return un<g::TanOp>(op, in); })
        .Case<math::FmaOp>([&](auto) -> Value {
          Value m = bin<g::MulOp>(op, in.take_front(2));
          return bin<g::AddOp>(op, {m, in[2]});
        })
        .Case<arith::SelectOp>([&](auto) -> Value {
          return g::WhereOp::create(b_, loc_, broadcastType(in, op->getResult(0).getType()), in[0],
                                    in[1], in[2]);
        })
        // The graph's cast saturates to integers and reads i1 as 0/1: trunci
        // (wraps) and sign-extending an i1 (-1) are not casts there.
        .Case<arith::ExtFOp, arith::TruncFOp>([&](auto) { return un<g::CastOp>(op, in); })
        .Case<arith::SIToFPOp, arith::ExtSIOp>([&](auto) -> Value {
          return op->getOperand(0).getType().isInteger(1) ? Value() : un<g::CastOp>(op, in);
        })
        .Case<arith::FPToSIOp>([&](auto) -> Value {
          // Toward zero; the graph's cast rounds to nearest even.
          Type ft = in[0].getType();
          Value zero = g::ConstantOp::create(
              b_, loc_,
              DenseElementsAttr::get(RankedTensorType::get({}, op->getOperand(0).getType()),
                                     b_.getFloatAttr(op->getOperand(0).getType(), 0.0)));
          Value neg = cmp<g::LessOp>({in[0], zero});
          Value up = g::CeilOp::create(b_, loc_, ft, in[0]);
          Value down = g::FloorOp::create(b_, loc_, ft, in[0]);
          Value t = g::WhereOp::create(b_, loc_, ft, neg, up, down);
          return un<g::CastOp>(op, {t});
        })
        .Case<arith::CmpFOp>([&](arith::CmpFOp c) -> Value {
          // The graph's comparisons are false on NaN (ONNX), so only the
          // ordered predicates and UNE (not OEQ) mean the same.
          switch (c.getPredicate()) {
          case P::OEQ:
            return cmp<g::EqualOp>(in);
          case P::UNE:
            return cmp<g::EqualOp>(in, true);
          case P::OGT:
            return cmp<g::GreaterOp>(in);
          case P::OGE:
            return cmp<g::GreaterEqualOp>(in);
          case P::OLT:
            return cmp<g::LessOp>(in);
          case P::OLE:
            return cmp<g::LessEqualOp>(in);
          default:
            return Value();
          }
        })
        .Case<arith::CmpIOp>([&](arith::CmpIOp c) -> Value {
          switch (c.getPredicate()) {
          case I::eq:
            return cmp<g::EqualOp>(in);
          case I::ne:
            return cmp<g::EqualOp>(in, true);
          case I::sgt:
            return cmp<g::GreaterOp>(in);
          case I::sge:
            return cmp<g::GreaterEqualOp>(in);
          case I::slt:
            return cmp<g::LessOp>(in);
          case I::sle:
            return cmp<g::LessEqualOp>(in);
          default:
            return Value(); // unsigned: the graph's integers are signed
          }
        })
        .Default([](Operation *) { return Value(); });
  }
};

} // namespace

Value raiseGeneric(OpBuilder &b, linalg::GenericOp op, std::string &reason) {
  // Everything built lands just before the generic: on failure, erase it
  // (newest first, so uses go before definitions) and leave the IR as it was.
  Operation *before = op->getPrevNode();
  Value r = GenericRaiser(b, op, reason).raise();
  if (!r)
    while (Operation *made = op->getPrevNode()) {
      if (made == before)
        break;
      made->erase();
    }
  return r;
}

} // namespace pagoda
