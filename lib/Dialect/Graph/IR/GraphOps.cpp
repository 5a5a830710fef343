//===- GraphOps.cpp - Verifiers and folders of the graph dialect ----------===//

#include "pagoda/Dialect/Graph/IR/GraphOps.h"

#include "mlir/Dialect/CommonFolders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace pagoda::graph {

static std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += ShapedType::isDynamic(shape[i]) ? std::string("?") : std::to_string(shape[i]);
  }
  return s + "]";
}

FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Align from the right, padding the shorter shape with 1s.
    int64_t a = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t b = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (a == 1) {
      out[i] = b;
    } else if (b == 1) {
      out[i] = a;
    } else if (ShapedType::isDynamic(a)) {
      out[i] = b; // a dynamic dim must equal b (or be 1, then b wins too)
    } else if (ShapedType::isDynamic(b) || a == b) {
      out[i] = a;
    } else {
      return failure();
    }
  }
  return out;
}

LogicalResult verifyCompatibleShape(Operation *op, StringRef what, ArrayRef<int64_t> expected,
                                    ArrayRef<int64_t> actual) {
  bool ok = expected.size() == actual.size();
  for (size_t i = 0; ok && i < expected.size(); ++i)
    if (!ShapedType::isDynamic(expected[i]) && !ShapedType::isDynamic(actual[i]) &&
        expected[i] != actual[i])
      ok = false;
  if (ok)
    return success();
  return op->emitOpError() << what << " has shape " << shapeStr(actual)
                           << " but the operands imply " << shapeStr(expected);
}

LogicalResult OpTrait::verifyBroadcastElementwise(Operation *op) {
  auto lhs = cast<RankedTensorType>(op->getOperand(0).getType());
  auto rhs = cast<RankedTensorType>(op->getOperand(1).getType());
  auto out = cast<RankedTensorType>(op->getResult(0).getType());
  if (lhs.getElementType() != rhs.getElementType() || lhs.getElementType() != out.getElementType())
    return op->emitOpError() << "requires one element type, got " << lhs.getElementType() << ", "
                             << rhs.getElementType() << " -> " << out.getElementType();
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(lhs.getShape(), rhs.getShape());
  if (failed(shape))
    return op->emitOpError() << "operand shapes " << shapeStr(lhs.getShape()) << " and "
                             << shapeStr(rhs.getShape()) << " do not broadcast";
  return verifyCompatibleShape(op, "result", *shape, out.getShape());
}

LogicalResult OpTrait::verifyBroadcastCompare(Operation *op) {
  auto lhs = cast<RankedTensorType>(op->getOperand(0).getType());
  auto rhs = cast<RankedTensorType>(op->getOperand(1).getType());
  auto out = cast<RankedTensorType>(op->getResult(0).getType());
  if (lhs.getElementType() != rhs.getElementType())
    return op->emitOpError() << "compares different element types " << lhs.getElementType()
                             << " and " << rhs.getElementType();
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(lhs.getShape(), rhs.getShape());
  if (failed(shape))
    return op->emitOpError() << "operand shapes " << shapeStr(lhs.getShape()) << " and "
                             << shapeStr(rhs.getShape()) << " do not broadcast";
  return verifyCompatibleShape(op, "result", *shape, out.getShape());
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getOutput().getType());
  if (in.getElementType() != out.getElementType())
    return emitOpError() << "changes the element type from " << in.getElementType() << " to "
                         << out.getElementType();
  if (in.hasStaticShape() && out.hasStaticShape() && in.getNumElements() != out.getNumElements())
    return emitOpError() << "reshapes " << in.getNumElements() << " elements "
                         << shapeStr(in.getShape()) << " into " << out.getNumElements() << " "
                         << shapeStr(out.getShape());
  return success();
}

LogicalResult TransposeOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getOutput().getType());
  ArrayRef<int64_t> perm = getPerm();
  if (int64_t(perm.size()) != in.getRank())
    return emitOpError() << "perm has " << perm.size() << " entries for rank " << in.getRank();
  SmallVector<bool> seen(perm.size());
  SmallVector<int64_t> expected;
  for (int64_t p : perm) {
    if (p < 0 || p >= in.getRank() || seen[p])
      return emitOpError() << "perm is not a permutation of [0, " << in.getRank() << ")";
    seen[p] = true;
    expected.push_back(in.getDimSize(p));
  }
  if (in.getElementType() != out.getElementType())
    return emitOpError() << "changes the element type";
  return verifyCompatibleShape(*this, "result", expected, out.getShape());
}

//===----------------------------------------------------------------------===//
// Folders
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult ReluOp::fold(FoldAdaptor) {
  // relu is idempotent: relu(relu(x)) == relu(x).
  if (auto inner = getInput().getDefiningOp<ReluOp>())
    return inner.getResult();
  return {};
}

/// True when `v` is a splat constant equal to `identity` for every element,
/// bit for bit (so -0.0 and +0.0 differ).
static bool isSplatOf(Value v, double floatIdentity, int64_t intIdentity) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.isSplat())
    return false;
  Type elt = attr.getElementType();
  if (auto ft = dyn_cast<FloatType>(elt)) {
    APFloat want(floatIdentity);
    bool lostInfo = false;
    want.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lostInfo);
    return attr.getSplatValue<APFloat>().bitwiseIsEqual(want);
  }
  if (isa<IntegerType>(elt))
    return attr.getSplatValue<APInt>().getSExtValue() == intIdentity;
  return false;
}

/// Folds `x op identity` (either side for commutative ops) to x when the
/// result type equals x's type, i.e. when broadcasting does not grow x.
static OpFoldResult foldIdentityOperand(Operation *op, double floatIdentity, int64_t intIdentity) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  Type resultType = op->getResult(0).getType();
  if (rhs.getType() == resultType && isSplatOf(lhs, floatIdentity, intIdentity))
    return rhs;
  if (lhs.getType() == resultType && isSplatOf(rhs, floatIdentity, intIdentity))
    return lhs;
  return {};
}

/// Folds `lhs op rhs` on two constants of the result's type (no
/// broadcasting), in the element type's own arithmetic.
template <typename FloatFn, typename IntFn>
static Attribute foldConstants(Operation *op, ArrayRef<Attribute> operands, FloatFn floatFn,
                               IntFn intFn) {
  Type resultType = op->getResult(0).getType();
  if (op->getOperand(0).getType() != resultType || op->getOperand(1).getType() != resultType)
    return {};
  if (isa<FloatType>(getElementTypeOrSelf(resultType)))
    return constFoldBinaryOp<FloatAttr>(operands, resultType, floatFn);
  return constFoldBinaryOp<IntegerAttr>(operands, resultType, intFn);
}

// x + (-0.0) == x exactly for every float x (x + (+0.0) is not: -0 + +0 = +0).
OpFoldResult AddOp::fold(FoldAdaptor a) {
  if (OpFoldResult r = foldIdentityOperand(*this, -0.0, 0))
    return r;
  return foldConstants(
      *this, a.getOperands(), [](const APFloat &x, const APFloat &y) { return x + y; },
      [](const APInt &x, const APInt &y) { return x + y; });
}

OpFoldResult MulOp::fold(FoldAdaptor a) {
  if (OpFoldResult r = foldIdentityOperand(*this, 1.0, 1))
    return r;
  return foldConstants(
      *this, a.getOperands(), [](const APFloat &x, const APFloat &y) { return x * y; },
      [](const APInt &x, const APInt &y) { return x * y; });
}

// x - (+0.0) == x for every float x (including -0.0); only the rhs side.
OpFoldResult SubOp::fold(FoldAdaptor a) {
  if (getLhs().getType() == getType() && isSplatOf(getRhs(), 0.0, 0))
    return getLhs();
  return foldConstants(
      *this, a.getOperands(), [](const APFloat &x, const APFloat &y) { return x - y; },
      [](const APInt &x, const APInt &y) { return x - y; });
}

// x / 1 == x; constant floats divide (integer division is left alone: its
// rounding and division by zero are ONNX's to define, not the folder's).
OpFoldResult DivOp::fold(FoldAdaptor a) {
  if (getLhs().getType() == getType() && isSplatOf(getRhs(), 1.0, 1))
    return getLhs();
  if (!isa<FloatType>(getElementTypeOrSelf(getType())))
    return {};
  return foldConstants(
      *this, a.getOperands(), [](const APFloat &x, const APFloat &y) { return x / y; },
      [](const APInt &x, const APInt &) { return x; });
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  return getInput().getType() == getType() ? getInput() : Value();
}

// reshape(x) to x's own type is x; reshape(reshape(x)) is one reshape; a
// constant reshapes at compile time.
OpFoldResult ReshapeOp::fold(FoldAdaptor a) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  if (auto c = dyn_cast_or_null<DenseElementsAttr>(a.getInput()))
    return c.reshape(cast<ShapedType>(getType()));
  return {};
}

// An identity permutation is no transpose; two transposes compose into one
// (or none); a splat constant transposes to itself.
OpFoldResult TransposeOp::fold(FoldAdaptor a) {
  ArrayRef<int64_t> perm = getPerm();
  auto isIdentity = [](ArrayRef<int64_t> p) {
    for (size_t i = 0; i < p.size(); ++i)
      if (p[i] != int64_t(i))
        return false;
    return true;
  };
  if (isIdentity(perm) && getInput().getType() == getType())
    return getInput();
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    // out[i] = mid[perm[i]] = in[innerPerm[perm[i]]].
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(inner.getPerm()[size_t(p)]);
    if (isIdentity(composed) && inner.getInput().getType() == getType())
      return inner.getInput();
    getInputMutable().assign(inner.getInput());
    setPerm(composed);
    return getResult();
  }
  if (auto c = dyn_cast_or_null<SplatElementsAttr>(a.getInput()))
    return SplatElementsAttr::get(cast<ShapedType>(getType()), c.getSplatValue<Attribute>());
  return {};
}

//===----------------------------------------------------------------------===//
// MatMulOp
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::verify() {
  auto lhs = cast<RankedTensorType>(getLhs().getType());
  auto rhs = cast<RankedTensorType>(getRhs().getType());
  auto out = cast<RankedTensorType>(getOutput().getType());
  if (lhs.getRank() < 1 || rhs.getRank() < 1)
    return emitOpError("operands must have rank >= 1");
  if (lhs.getElementType() != rhs.getElementType() || lhs.getElementType() != out.getElementType())
    return emitOpError() << "requires one element type, got " << lhs.getElementType() << ", "
                         << rhs.getElementType() << " -> " << out.getElementType();

  // Promote rank-1 operands as numpy does: [K] x ... is [1, K]; ... x [K] is [K, 1].
  SmallVector<int64_t> a(lhs.getShape()), b(rhs.getShape());
  bool lhsVector = a.size() == 1, rhsVector = b.size() == 1;
  if (lhsVector)
    a.insert(a.begin(), 1);
  if (rhsVector)
    b.push_back(1);
  int64_t k1 = a[a.size() - 1], k2 = b[b.size() - 2];
  if (!ShapedType::isDynamic(k1) && !ShapedType::isDynamic(k2) && k1 != k2)
    return emitOpError() << "contraction dimensions differ: lhs " << shapeStr(lhs.getShape())
                         << " has K = " << k1 << ", rhs " << shapeStr(rhs.getShape())
                         << " has K = " << k2;

  FailureOr<SmallVector<int64_t>> batch =
      broadcastShapes(ArrayRef<int64_t>(a).drop_back(2), ArrayRef<int64_t>(b).drop_back(2));
  if (failed(batch))
    return emitOpError() << "batch dimensions of " << shapeStr(lhs.getShape()) << " and "
                         << shapeStr(rhs.getShape()) << " do not broadcast";
  SmallVector<int64_t> expected = *batch;
  if (!lhsVector)
    expected.push_back(a[a.size() - 2]);
  if (!rhsVector)
    expected.push_back(b.back());
  return verifyCompatibleShape(*this, "result", expected, out.getShape());
}

//===----------------------------------------------------------------------===//
// ConvOp
//===----------------------------------------------------------------------===//

LogicalResult ConvOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto weight = cast<RankedTensorType>(getWeight().getType());
  auto out = cast<RankedTensorType>(getOutput().getType());
  if (input.getRank() < 3)
    return emitOpError() << "input must have rank >= 3 ([N, C, spatial...]), got rank "
                         << input.getRank();
  if (weight.getRank() != input.getRank())
    return emitOpError() << "weight rank " << weight.getRank() << " differs from input rank "
                         << input.getRank();
  Type elt = input.getElementType();
  if (weight.getElementType() != elt || out.getElementType() != elt)
    return emitOpError() << "requires one element type, got input " << elt << ", weight "
                         << weight.getElementType() << ", result " << out.getElementType();

  const int64_t n = input.getRank() - 2;
  ArrayRef<int64_t> strides = getStrides(), pads = getPads(), dilations = getDilations();
  if (int64_t(strides.size()) != n)
    return emitOpError() << "expects " << n << " strides, got " << strides.size();
  if (int64_t(dilations.size()) != n)
    return emitOpError() << "expects " << n << " dilations, got " << dilations.size();
  if (int64_t(pads.size()) != 2 * n)
    return emitOpError() << "expects " << 2 * n << " pads (begins then ends), got " << pads.size();
  for (int64_t i = 0; i < n; ++i) {
    if (strides[i] < 1)
      return emitOpError() << "stride " << i << " must be >= 1, got " << strides[i];
    if (dilations[i] < 1)
      return emitOpError() << "dilation " << i << " must be >= 1, got " << dilations[i];
  }
  for (int64_t p : pads)
    if (p < 0)
      return emitOpError() << "pads must be >= 0, got " << p;
  const int64_t group = getGroup();
  if (group < 1)
    return emitOpError() << "group must be >= 1, got " << group;

  const int64_t channels = input.getDimSize(1);
  const int64_t outChannels = weight.getDimSize(0);
  const int64_t weightChannels = weight.getDimSize(1);
  if (!ShapedType::isDynamic(channels) && !ShapedType::isDynamic(weightChannels) &&
      channels != weightChannels * group)
    return emitOpError() << "input has " << channels << " channels but weight expects "
                         << weightChannels << " x group " << group << " = "
                         << weightChannels * group;
  if (!ShapedType::isDynamic(outChannels) && outChannels % group != 0)
    return emitOpError() << "output channels " << outChannels << " are not divisible by group "
                         << group;

  if (Value bias = getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getElementType() != elt)
      return emitOpError() << "bias element type " << biasType.getElementType() << " differs from "
                           << elt;
    if (failed(verifyCompatibleShape(*this, "bias", {outChannels}, biasType.getShape())))
      return failure();
  }

  SmallVector<int64_t> expected = {input.getDimSize(0), outChannels};
  for (int64_t i = 0; i < n; ++i) {
    int64_t size = input.getDimSize(2 + i), kernel = weight.getDimSize(2 + i);
    if (ShapedType::isDynamic(size) || ShapedType::isDynamic(kernel)) {
      expected.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t span = (kernel - 1) * dilations[i] + 1;
    int64_t padded = size + pads[i] + pads[n + i];
    if (padded < span)
      return emitOpError() << "spatial dimension " << i << ": kernel extent " << span
                           << " exceeds padded input " << padded;
    expected.push_back((padded - span) / strides[i] + 1);
  }
  return verifyCompatibleShape(*this, "result", expected, out.getShape());
}

std::optional<double> getSplatValue(Value v) {
  DenseElementsAttr c;
  if (!matchPattern(v, m_Constant(&c)) || !c.isSplat())
    return std::nullopt;
  if (isa<FloatType>(c.getElementType()))
    return c.getSplatValue<APFloat>().convertToDouble();
  return double(c.getSplatValue<APInt>().getSExtValue());
}

bool isElementwise(Operation *op) {
  return isa<AddOp, SubOp, MulOp, DivOp, PowOp, MaxOp, MinOp, ModOp, AndOp, OrOp, XorOp, EqualOp,
             LessOp, LessEqualOp, GreaterOp, GreaterEqualOp, WhereOp, PReluOp, ReluOp, SigmoidOp,
             TanhOp, ExpOp, LogOp, SqrtOp, AbsOp, NegOp, ErfOp, ReciprocalOp, FloorOp, CeilOp,
             RoundOp, SignOp, SinOp, CosOp, TanOp, AsinOp, AcosOp, AtanOp, SinhOp, CoshOp, AsinhOp,
             AcoshOp, AtanhOp, SoftplusOp, SoftsignOp, HardSwishOp, NotOp, LeakyReluOp, EluOp,
             SeluOp, CeluOp, ThresholdedReluOp, ShrinkOp, HardSigmoidOp, GeluOp, ClipOp, CastOp,
             IsNaNOp, IsInfOp>(op);
}

//===----------------------------------------------------------------------===//
// Control flow
//===----------------------------------------------------------------------===//

LogicalResult IfOp::verify() {
  for (Region *r : {&getThenRegion(), &getElseRegion()}) {
    auto yield = dyn_cast<YieldOp>(r->front().getTerminator());
    if (!yield)
      return emitOpError("regions must end in graph.yield");
    if (yield.getValues().getTypes() != getResultTypes())
      return emitOpError() << (r == &getThenRegion() ? "then" : "else")
                           << " region yields types that differ from the results";
  }
  return success();
}

LogicalResult GroupOp::verify() {
  Block &body = getBody().front();
  if (body.getArgumentTypes() != getInputs().getTypes())
    return emitOpError("block arguments must match the inputs' types");
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield || yield.getValues().getTypes() != getResultTypes())
    return emitOpError("body must yield the results' types");
  return success();
}

LogicalResult LoopOp::verify() {
  Block &body = getBody().front();
  size_t carried = getInits().size();
  if (body.getNumArguments() != 2 + carried)
    return emitOpError() << "body takes " << body.getNumArguments()
                         << " arguments; expected iteration number, condition and " << carried
                         << " carried values";
  for (size_t i = 0; i < carried; ++i)
    if (body.getArgument(unsigned(2 + i)).getType() != getInits()[i].getType())
      return emitOpError() << "carried value " << i << " enters the body with another type";
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  int64_t scans = getNumScanOutputs();
  if (!yield || yield.getValues().size() != 1 + carried + size_t(scans))
    return emitOpError() << "body must yield the condition, " << carried << " carried values and "
                         << scans << " scan slices";
  if (getNumResults() != carried + size_t(scans))
    return emitOpError() << "has " << getNumResults() << " results; expected " << carried
                         << " carried values and " << scans << " scan outputs";
  for (size_t i = 0; i < carried; ++i)
    if (yield.getValues()[1 + i].getType() != getInits()[i].getType() ||
        getResult(unsigned(i)).getType() != getInits()[i].getType())
      return emitOpError() << "carried value " << i << " changes type across iterations";
  return success();
}

} // namespace pagoda::graph

#define GET_OP_CLASSES
#include "pagoda/Dialect/Graph/IR/GraphOps.cpp.inc"
