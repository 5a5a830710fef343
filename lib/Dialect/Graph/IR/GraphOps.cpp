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

/// An integer element as int64 (unsigned types zero-extended).
static int64_t intValue(const APInt &v, Type elt) {
  return elt.isUnsignedInteger() ? int64_t(v.getZExtValue()) : v.getSExtValue();
}

OpFoldResult DequantizeOp::fold(FoldAdaptor a) {
  auto x = dyn_cast_or_null<DenseElementsAttr>(a.getInput());
  auto scale = dyn_cast_or_null<DenseElementsAttr>(a.getScale());
  auto zero = dyn_cast_or_null<DenseElementsAttr>(a.getZeroPoint());
  auto rt = dyn_cast<RankedTensorType>(getType());
  if (!x || !scale || !zero || !rt || !rt.hasStaticShape() ||
      !isa<IntegerType>(x.getElementType()) || !isa<IntegerType>(zero.getElementType()) ||
      !isa<FloatType>(scale.getElementType()) || !isa<FloatType>(rt.getElementType()))
    return {};
  // Parameters per tensor, or per index along `axis`.
  ArrayRef<int64_t> shape = rt.getShape();
  uint64_t inner = 1, dim = 1;
  if (scale.getNumElements() > 1 || zero.getNumElements() > 1) {
    const int64_t axis = int64_t(getAxis());
    if (axis < 0 || axis >= rt.getRank())
      return {};
    dim = uint64_t(shape[size_t(axis)]);
    for (int64_t d = axis + 1; d < rt.getRank(); ++d)
      inner *= uint64_t(shape[size_t(d)]);
  }
  for (DenseElementsAttr p : {scale, zero})
    if (p.getNumElements() != 1 && uint64_t(p.getNumElements()) != dim)
      return {}; // malformed: the verifier and the host kernel say so
  auto param = [&](DenseElementsAttr p, uint64_t i) {
    return p.getNumElements() == 1 ? 0 : i / inner % dim;
  };
  SmallVector<float> scales;
  for (APFloat s : scale.getValues<APFloat>()) {
    bool lost = false;
    s.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
    scales.push_back(s.convertToFloat());
  }
  SmallVector<int64_t> zeros;
  for (const APInt &z : zero.getValues<APInt>())
    zeros.push_back(intValue(z, zero.getElementType()));
  const auto &semantics = cast<FloatType>(rt.getElementType()).getFloatSemantics();
  SmallVector<APFloat> out;
  out.reserve(size_t(rt.getNumElements()));
  uint64_t i = 0;
  for (const APInt &v : x.getValues<APInt>()) {
    const int64_t q = intValue(v, x.getElementType());
    APFloat f(float(q - zeros[param(zero, i)]) * scales[param(scale, i)]);
    bool lost = false;
    f.convert(semantics, APFloat::rmNearestTiesToEven, &lost);
    out.push_back(f);
    ++i;
  }
  return DenseElementsAttr::get(rt, out);
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

  const int64_t channels = input.getDimSize(getChannelDim());
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

  SmallVector<int64_t> expected = {input.getDimSize(0)};
  if (!getChannelsLast())
    expected.push_back(outChannels);
  for (int64_t i = 0; i < n; ++i) {
    int64_t size = input.getDimSize(getSpatialDim(i)), kernel = weight.getDimSize(2 + i);
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
  if (getChannelsLast())
    expected.push_back(outChannels);
  return verifyCompatibleShape(*this, "result", expected, out.getShape());
}

//===----------------------------------------------------------------------===//
// Shape functions of the data movement, normalization, reduction and pooling
// ops: each verifier computes the result shape its operands and attributes
// imply and compares it with the declared one, so graph IR from any source
// (importer, raising, hand-written) is checked the same way.
//===----------------------------------------------------------------------===//

namespace {

RankedTensorType rankedType(Value v) { return cast<RankedTensorType>(v.getType()); }

bool known(int64_t d) { return !ShapedType::isDynamic(d); }

/// `axis` must index a dimension of a rank-`rank` tensor (normalized: >= 0).
LogicalResult verifyAxis(Operation *op, StringRef what, int64_t axis, int64_t rank) {
  if (axis < 0 || axis >= rank)
    return op->emitOpError() << what << " " << axis << " is out of range for rank " << rank
                             << " (axes are normalized to [0, rank))";
  return success();
}

LogicalResult verifySameElementType(Operation *op, Type in, Type out) {
  if (getElementTypeOrSelf(in) != getElementTypeOrSelf(out))
    return op->emitOpError() << "changes the element type from " << getElementTypeOrSelf(in)
                             << " to " << getElementTypeOrSelf(out);
  return success();
}

/// The result's element type is the input's and its shape `expected`.
LogicalResult verifyResult(Operation *op, Type in, RankedTensorType out,
                           ArrayRef<int64_t> expected) {
  if (failed(verifySameElementType(op, in, out)))
    return failure();
  return verifyCompatibleShape(op, "result", expected, out.getShape());
}

/// The common case: the result has the input's type (shape and elements).
LogicalResult verifySameShape(Operation *op, Value in, Value out) {
  if (failed(verifySameElementType(op, in.getType(), out.getType())))
    return failure();
  return verifyCompatibleShape(op, "result", rankedType(in).getShape(), rankedType(out).getShape());
}

/// A per-channel parameter: rank 1 with `channels` entries.
LogicalResult verifyChannelParam(Operation *op, StringRef what, Value v, int64_t channels) {
  auto t = rankedType(v);
  if (t.getRank() != 1)
    return op->emitOpError() << what << " must have rank 1, got " << shapeStr(t.getShape());
  return verifyCompatibleShape(op, what, {channels}, t.getShape());
}

} // namespace

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  auto first = rankedType(getInputs().front());
  auto out = rankedType(getOutput());
  const int64_t axis = getAxis();
  if (failed(verifyAxis(*this, "axis", axis, first.getRank())))
    return failure();
  SmallVector<int64_t> expected(first.getShape());
  expected[axis] = 0;
  for (auto [i, v] : llvm::enumerate(getInputs())) {
    auto t = rankedType(v);
    if (t.getElementType() != first.getElementType())
      return emitOpError() << "input " << i << " has element type " << t.getElementType()
                           << ", input 0 " << first.getElementType();
    if (t.getRank() != first.getRank())
      return emitOpError() << "input " << i << " has rank " << t.getRank() << ", input 0 "
                           << first.getRank();
    for (int64_t d = 0; d < t.getRank(); ++d) {
      int64_t size = t.getDimSize(d);
      if (d == axis) {
        expected[d] = known(expected[d]) && known(size) ? expected[d] + size : ShapedType::kDynamic;
      } else if (known(size) && known(expected[d]) && size != expected[d]) {
        return emitOpError() << "input " << i << " " << shapeStr(t.getShape())
                             << " differs from input 0 " << shapeStr(first.getShape())
                             << " in dimension " << d << " (concatenating along " << axis << ")";
      }
    }
  }
  return verifyResult(*this, first, out, expected);
}

LogicalResult SliceOp::verify() {
  auto in = rankedType(getInput());
  auto out = rankedType(getOutput());
  ArrayRef<int64_t> starts = getStarts(), steps = getSteps();
  if (int64_t(starts.size()) != in.getRank() || int64_t(steps.size()) != in.getRank())
    return emitOpError() << "needs one start and one step per dimension (rank " << in.getRank()
                         << "), got " << starts.size() << " and " << steps.size();
  if (out.getRank() != in.getRank())
    return emitOpError() << "result rank " << out.getRank() << " differs from input rank "
                         << in.getRank();
  if (failed(verifySameElementType(*this, in, out)))
    return failure();
  for (int64_t d = 0; d < in.getRank(); ++d) {
    if (steps[d] == 0)
      return emitOpError() << "step " << d << " is 0";
    int64_t size = in.getDimSize(d), count = out.getDimSize(d);
    if (!known(size) || !known(count) || count == 0)
      continue;
    int64_t span, last;
    if (llvm::MulOverflow(count - 1, steps[d], span) || llvm::AddOverflow(starts[d], span, last))
      return emitOpError() << "dimension " << d << ": start " << starts[d] << " + " << count - 1
                           << " steps of " << steps[d] << " overflows";
    if (starts[d] < 0 || starts[d] >= size || last < 0 || last >= size)
      return emitOpError() << "dimension " << d << " reads elements " << starts[d] << " to " << last
                           << " (step " << steps[d] << ") of " << size;
  }
  return success();
}

LogicalResult GatherOp::verify() {
  auto data = rankedType(getData());
  auto indices = rankedType(getIndices());
  auto out = rankedType(getOutput());
  if (failed(verifyAxis(*this, "axis", getAxis(), data.getRank())) ||
      failed(verifySameElementType(*this, data, out)))
    return failure();
  SmallVector<int64_t> expected(data.getShape().take_front(getAxis()));
  llvm::append_range(expected, indices.getShape());
  llvm::append_range(expected, data.getShape().drop_front(getAxis() + 1));
  return verifyCompatibleShape(*this, "result", expected, out.getShape());
}

LogicalResult ExpandOp::verify() {
  auto in = rankedType(getInput());
  auto out = rankedType(getOutput());
  if (failed(verifySameElementType(*this, in, out)))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(in.getShape(), out.getShape());
  if (failed(shape))
    return emitOpError() << "input " << shapeStr(in.getShape()) << " does not broadcast to "
                         << shapeStr(out.getShape());
  return verifyCompatibleShape(*this, "result", *shape, out.getShape());
}

LogicalResult PadOp::verify() {
  auto in = rankedType(getInput());
  auto out = rankedType(getOutput());
  ArrayRef<int64_t> pads = getPads();
  if (int64_t(pads.size()) != 2 * in.getRank())
    return emitOpError() << "expects " << 2 * in.getRank() << " pads (begins then ends), got "
                         << pads.size();
  if (!llvm::is_contained({"constant", "reflect", "edge", "wrap"}, getMode()))
    return emitOpError() << "mode must be constant, reflect, edge or wrap, got '" << getMode()
                         << "'";
  if (failed(verifySameElementType(*this, in, out)))
    return failure();
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    int64_t size = in.getDimSize(d);
    int64_t padded = known(size) ? size + pads[d] + pads[in.getRank() + d] : ShapedType::kDynamic;
    if (known(padded) && padded < 0)
      return emitOpError() << "dimension " << d << " of " << size << " padded by " << pads[d]
                           << " and " << pads[in.getRank() + d] << " is negative";
    expected.push_back(padded);
  }
  return verifyCompatibleShape(*this, "result", expected, out.getShape());
}

LogicalResult TileOp::verify() {
  auto in = rankedType(getInput());
  auto out = rankedType(getOutput());
  ArrayRef<int64_t> repeats = getRepeats();
  if (int64_t(repeats.size()) != in.getRank())
    return emitOpError() << "expects " << in.getRank() << " repeats, got " << repeats.size();
  if (failed(verifySameElementType(*this, in, out)))
    return failure();
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    if (repeats[d] < 0)
      return emitOpError() << "repeat " << d << " is negative (" << repeats[d] << ")";
    int64_t size = in.getDimSize(d);
    int64_t tiled = ShapedType::kDynamic;
    if (known(size) && llvm::MulOverflow(size, repeats[d], tiled))
      return emitOpError() << "dimension " << d << " of " << size << " repeated " << repeats[d]
                           << " times overflows";
    expected.push_back(tiled);
  }
  return verifyCompatibleShape(*this, "result", expected, out.getShape());
}

LogicalResult GatherElementsOp::verify() {
  auto data = rankedType(getData());
  auto indices = rankedType(getIndices());
  if (indices.getRank() != data.getRank())
    return emitOpError() << "indices rank " << indices.getRank() << " differs from data rank "
                         << data.getRank();
  if (failed(verifyAxis(*this, "axis", getAxis(), data.getRank())) ||
      failed(verifySameElementType(*this, data, getOutput().getType())))
    return failure();
  return verifyCompatibleShape(*this, "result", indices.getShape(),
                               rankedType(getOutput()).getShape());
}

LogicalResult ScatterNDOp::verify() {
  auto data = rankedType(getData());
  auto indices = rankedType(getIndices());
  auto updates = rankedType(getUpdates());
  if (!llvm::is_contained({"none", "add", "mul", "max", "min"}, getReduction()))
    return emitOpError() << "reduction must be none, add, mul, max or min, got '" << getReduction()
                         << "'";
  if (indices.getRank() < 1)
    return emitOpError("indices must have rank >= 1");
  int64_t depth = indices.getShape().back();
  if (known(depth)) {
    if (depth > data.getRank())
      return emitOpError() << "index depth " << depth << " exceeds data rank " << data.getRank();
    // updates = indices[:-1] + data[depth:]
    SmallVector<int64_t> expected(indices.getShape().drop_back());
    llvm::append_range(expected, data.getShape().drop_front(depth));
    if (failed(verifyCompatibleShape(*this, "updates", expected, updates.getShape())))
      return failure();
  }
  if (updates.getElementType() != data.getElementType())
    return emitOpError() << "updates element type " << updates.getElementType()
                         << " differs from data " << data.getElementType();
  return verifySameShape(*this, getData(), getOutput());
}

LogicalResult GatherNDOp::verify() {
  auto data = rankedType(getData());
  auto indices = rankedType(getIndices());
  const int64_t b = int64_t(getBatchDims());
  if (indices.getRank() < 1 || b < 0 || b >= indices.getRank() || b >= data.getRank())
    return emitOpError() << "batch_dims " << b << " must be below the ranks of data ("
                         << data.getRank() << ") and indices (" << indices.getRank() << ")";
  const int64_t depth = indices.getShape().back();
  if (!known(depth))
    return success();
  if (depth < 1 || b + depth > data.getRank())
    return emitOpError() << "index depth " << depth << " with batch_dims " << b
                         << " exceeds data rank " << data.getRank();
  SmallVector<int64_t> expected(indices.getShape().drop_back());
  llvm::append_range(expected, data.getShape().drop_front(b + depth));
  if (failed(verifySameElementType(*this, data, getOutput().getType())))
    return failure();
  return verifyCompatibleShape(*this, "result", expected, rankedType(getOutput()).getShape());
}

LogicalResult ScatterElementsOp::verify() {
  auto data = rankedType(getData());
  auto indices = rankedType(getIndices());
  if (!llvm::is_contained({"none", "add", "mul", "max", "min"}, getReduction()))
    return emitOpError() << "reduction must be none, add, mul, max or min, got '" << getReduction()
                         << "'";
  if (indices.getRank() != data.getRank())
    return emitOpError() << "indices rank " << indices.getRank() << " differs from data rank "
                         << data.getRank();
  if (failed(verifyAxis(*this, "axis", getAxis(), data.getRank())) ||
      failed(verifyCompatibleShape(*this, "updates", indices.getShape(),
                                   rankedType(getUpdates()).getShape())))
    return failure();
  if (rankedType(getUpdates()).getElementType() != data.getElementType())
    return emitOpError() << "updates element type " << rankedType(getUpdates()).getElementType()
                         << " differs from data " << data.getElementType();
  return verifySameShape(*this, getData(), getOutput());
}

LogicalResult CumSumOp::verify() {
  if (failed(verifyAxis(*this, "axis", getAxis(), rankedType(getInput()).getRank())))
    return failure();
  return verifySameShape(*this, getInput(), getOutput());
}

/// What depth_to_space and space_to_depth both require: [N, C, H, W] in,
/// a positive blocksize.
static LogicalResult verifyBlockOp(Operation *op, RankedTensorType in, int64_t b) {
  if (in.getRank() != 4)
    return op->emitOpError() << "input must be [N, C, H, W], got " << shapeStr(in.getShape());
  if (b < 1)
    return op->emitOpError() << "blocksize must be >= 1, got " << b;
  return success();
}

LogicalResult DepthToSpaceOp::verify() {
  auto in = rankedType(getInput());
  auto out = rankedType(getOutput());
  int64_t b = getBlocksize();
  if (failed(verifyBlockOp(*this, in, b)))
    return failure();
  if (getMode() != "DCR" && getMode() != "CRD")
    return emitOpError() << "mode must be DCR or CRD, got '" << getMode() << "'";
  int64_t c = in.getDimSize(1);
  if (known(c) && b > c)
    return emitOpError() << "blocksize " << b << " exceeds the " << c << " channels";
  if (known(c) && c % (b * b) != 0)
    return emitOpError() << "channels " << c << " are not divisible by blocksize^2 = " << b * b;
  auto scale = [&](int64_t d, int64_t f) { return known(d) ? d * f : ShapedType::kDynamic; };
  SmallVector<int64_t> expected = {in.getDimSize(0), known(c) ? c / (b * b) : ShapedType::kDynamic,
                                   scale(in.getDimSize(2), b), scale(in.getDimSize(3), b)};
  return verifyResult(*this, in, out, expected);
}

LogicalResult SpaceToDepthOp::verify() {
  auto in = rankedType(getInput());
  auto out = rankedType(getOutput());
  int64_t b = getBlocksize();
  if (failed(verifyBlockOp(*this, in, b)))
    return failure();
  SmallVector<int64_t> expected = {in.getDimSize(0), ShapedType::kDynamic, ShapedType::kDynamic,
                                   ShapedType::kDynamic};
  for (int d : {2, 3}) {
    int64_t size = in.getDimSize(d);
    if (!known(size))
      continue;
    if (b > size)
      return emitOpError() << "blocksize " << b << " exceeds spatial dimension " << size;
    if (size % b != 0)
      return emitOpError() << "spatial dimension " << size << " is not divisible by blocksize "
                           << b;
    expected[d] = size / b;
  }
  // b <= H and b <= W here, so b * b fits; C * b * b may not.
  if (known(in.getDimSize(1)) && llvm::MulOverflow(in.getDimSize(1), b * b, expected[1]))
    return emitOpError() << "channels " << in.getDimSize(1) << " x blocksize^2 overflow";
  return verifyResult(*this, in, out, expected);
}

LogicalResult ResizeOp::verify() {
  auto in = rankedType(getInput());
  auto out = rankedType(getOutput());
  if (!llvm::is_contained({"nearest", "linear", "cubic"}, getMode()))
    return emitOpError() << "mode must be nearest, linear or cubic, got '" << getMode() << "'";
  if (in.getRank() != out.getRank())
    return emitOpError() << "result rank " << out.getRank() << " differs from input rank "
                         << in.getRank();
  if (std::optional<ArrayRef<double>> scales = getScales();
      scales && int64_t(scales->size()) != in.getRank())
    return emitOpError() << "expects " << in.getRank() << " scales, got " << scales->size();
  return verifySameElementType(*this, in, out);
}

LogicalResult TopKOp::verify() {
  auto in = rankedType(getInput());
  if (failed(verifyAxis(*this, "axis", getAxis(), in.getRank())) ||
      failed(verifySameElementType(*this, in, getValues().getType())))
    return failure();
  int64_t size = in.getDimSize(getAxis());
  const int64_t k = getK();
  if (k < 0 || (known(size) && k > size))
    return emitOpError() << "k = " << k << " is out of range for dimension " << getAxis() << " of "
                         << size;
  SmallVector<int64_t> expected(in.getShape());
  expected[getAxis()] = k;
  if (failed(verifyCompatibleShape(*this, "values", expected, rankedType(getValues()).getShape())))
    return failure();
  return verifyCompatibleShape(*this, "indices", expected, rankedType(getIndices()).getShape());
}

//===----------------------------------------------------------------------===//
// Normalization, reductions, pooling
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::verify() {
  return verifyAxis(*this, "axis", getAxis(), rankedType(getInput()).getRank());
}

LogicalResult LogSoftmaxOp::verify() {
  return verifyAxis(*this, "axis", getAxis(), rankedType(getInput()).getRank());
}

LogicalResult BatchNormOp::verify() {
  auto in = rankedType(getInput());
  if (in.getRank() < 2)
    return emitOpError() << "input must be [N, C, ...], got " << shapeStr(in.getShape());
  int64_t c = in.getDimSize(1);
  for (auto [name, v] : {std::pair<StringRef, Value>{"scale", getScale()},
                         {"bias", getBias()},
                         {"mean", getMean()},
                         {"variance", getVariance()}})
    if (failed(verifyChannelParam(*this, name, v, c)))
      return failure();
  return verifySameShape(*this, getInput(), getOutput());
}

LogicalResult InstanceNormOp::verify() {
  auto in = rankedType(getInput());
  if (in.getRank() < 3)
    return emitOpError() << "input must be [N, C, spatial...], got " << shapeStr(in.getShape());
  int64_t c = in.getDimSize(1);
  if (failed(verifyChannelParam(*this, "scale", getScale(), c)) ||
      failed(verifyChannelParam(*this, "bias", getBias(), c)))
    return failure();
  return verifySameShape(*this, getInput(), getOutput());
}

LogicalResult LayerNormOp::verify() {
  auto in = rankedType(getInput());
  if (failed(verifyAxis(*this, "axis", getAxis(), in.getRank())))
    return failure();
  // scale and bias broadcast to the normalized dimensions.
  ArrayRef<int64_t> normalized = in.getShape().drop_front(getAxis());
  for (auto [name, v] : {std::pair<StringRef, Value>{"scale", getScale()}, {"bias", getBias()}}) {
    if (!v)
      continue;
    ArrayRef<int64_t> shape = rankedType(v).getShape();
    FailureOr<SmallVector<int64_t>> b = broadcastShapes(shape, normalized);
    if (shape.size() > normalized.size() || failed(b) ||
        failed(verifyCompatibleShape(*this, name, normalized, *b)))
      return emitOpError() << name << " " << shapeStr(shape)
                           << " does not broadcast to the normalized dimensions "
                           << shapeStr(normalized);
  }
  return verifySameShape(*this, getInput(), getOutput());
}

template <typename Op> static LogicalResult verifyReduce(Op op) {
  auto in = rankedType(op.getInput());
  ArrayRef<int64_t> axes = op.getAxes();
  for (size_t i = 0; i < axes.size(); ++i) {
    if (failed(verifyAxis(op, "axis", axes[i], in.getRank())))
      return failure();
    if (i && axes[i] <= axes[i - 1])
      return op.emitOpError() << "axes must be sorted and unique, got " << shapeStr(axes);
  }
  if (failed(verifySameElementType(op, in, op.getOutput().getType())))
    return failure();
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    if (!llvm::is_contained(axes, d))
      expected.push_back(in.getDimSize(d));
    else if (op.getKeepdims())
      expected.push_back(1);
  }
  return verifyCompatibleShape(op, "result", expected, rankedType(op.getOutput()).getShape());
}

template <typename Op> static LogicalResult verifyArg(Op op) {
  auto in = rankedType(op.getInput());
  if (failed(verifyAxis(op, "axis", op.getAxis(), in.getRank())))
    return failure();
  SmallVector<int64_t> expected(in.getShape());
  if (op.getKeepdims())
    expected[op.getAxis()] = 1;
  else
    expected.erase(expected.begin() + op.getAxis());
  return verifyCompatibleShape(op, "result", expected, rankedType(op.getOutput()).getShape());
}

template <typename Op> static LogicalResult verifyPool(Op op) {
  auto in = rankedType(op.getInput());
  auto out = rankedType(op.getOutput());
  const bool last = op.getChannelsLast();
  if (in.getRank() < 3)
    return op.emitOpError() << "input must be "
                            << (last ? "[N, spatial..., C]" : "[N, C, spatial...]") << ", got "
                            << shapeStr(in.getShape());
  const int64_t n = in.getRank() - 2, first = last ? 1 : 2, channel = last ? n + 1 : 1;
  ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(), pads = op.getPads(),
                    dilations = op.getDilations();
  if (int64_t(kernel.size()) != n || int64_t(strides.size()) != n ||
      int64_t(dilations.size()) != n || int64_t(pads.size()) != 2 * n)
    return op.emitOpError() << "expects " << n << " kernel sizes, strides and dilations and "
                            << 2 * n << " pads, got " << kernel.size() << ", " << strides.size()
                            << ", " << dilations.size() << " and " << pads.size();
  if (failed(verifySameElementType(op, in, out)))
    return failure();
  if (out.getRank() != in.getRank())
    return op.emitOpError() << "result rank " << out.getRank() << " differs from input rank "
                            << in.getRank();
  if (failed(verifyCompatibleShape(op, "result", {in.getDimSize(0), in.getDimSize(channel)},
                                   {out.getDimSize(0), out.getDimSize(channel)})))
    return failure();
  for (int64_t i = 0; i < n; ++i) {
    if (kernel[i] < 1 || strides[i] < 1 || dilations[i] < 1 || pads[i] < 0 || pads[n + i] < 0)
      return op.emitOpError() << "spatial dimension " << i
                              << ": kernel, stride and dilation must be >= 1 and pads >= 0";
    int64_t size = in.getDimSize(first + i), got = out.getDimSize(first + i);
    if (!known(size) || !known(got))
      continue;
    int64_t span = (kernel[i] - 1) * dilations[i] + 1;
    int64_t room = size + pads[i] + pads[n + i] - span;
    if (room < 0)
      return op.emitOpError() << "spatial dimension " << i << ": window " << span
                              << " exceeds padded input " << size + pads[i] + pads[n + i];
    // ceil_mode is folded into the result shape: floor or ceil both hold.
    int64_t floorOut = room / strides[i] + 1, ceilOut = (room + strides[i] - 1) / strides[i] + 1;
    if (got != floorOut && got != ceilOut)
      return op.emitOpError() << "spatial dimension " << i << " has " << got
                              << " windows but the operands imply " << floorOut
                              << (ceilOut != floorOut
                                      ? " (or " + std::to_string(ceilOut) + " with ceil_mode)"
                                      : std::string());
  }
  return success();
}

LogicalResult GemmOp::verify() {
  auto a = rankedType(getA());
  auto b = rankedType(getB());
  auto out = rankedType(getOutput());
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOpError() << "operands must be matrices, got " << shapeStr(a.getShape()) << " and "
                         << shapeStr(b.getShape());
  int64_t m = a.getDimSize(getTransA() ? 1 : 0), k1 = a.getDimSize(getTransA() ? 0 : 1);
  int64_t k2 = b.getDimSize(getTransB() ? 1 : 0), n = b.getDimSize(getTransB() ? 0 : 1);
  if (known(k1) && known(k2) && k1 != k2)
    return emitOpError() << "contraction dimensions differ: A " << shapeStr(a.getShape())
                         << (getTransA() ? " (transposed)" : "") << " has K = " << k1 << ", B "
                         << shapeStr(b.getShape()) << (getTransB() ? " (transposed)" : "")
                         << " has K = " << k2;
  if (Value c = getC()) {
    FailureOr<SmallVector<int64_t>> shape = broadcastShapes(rankedType(c).getShape(), {m, n});
    auto fits = [&](ArrayRef<int64_t> got) {
      return got.size() == 2 && (!known(got[0]) || !known(m) || got[0] == m) &&
             (!known(got[1]) || !known(n) || got[1] == n);
    };
    if (failed(shape) || !fits(*shape))
      return emitOpError() << "C " << shapeStr(rankedType(c).getShape())
                           << " does not broadcast to the result [" << m << ", " << n << "]";
  }
  return verifyCompatibleShape(*this, "result", {m, n}, out.getShape());
}

LogicalResult ConvTransposeOp::verify() {
  auto input = rankedType(getInput());
  auto weight = rankedType(getWeight());
  auto out = rankedType(getOutput());
  if (input.getRank() < 3 || weight.getRank() != input.getRank())
    return emitOpError() << "input [N, C, spatial...] and weight [C, M/group, k...] must have "
                            "one rank >= 3, got "
                         << shapeStr(input.getShape()) << " and " << shapeStr(weight.getShape());
  if (failed(verifySameElementType(*this, input, weight)) ||
      failed(verifySameElementType(*this, input, out)))
    return failure();
  const int64_t n = input.getRank() - 2, group = getGroup();
  ArrayRef<int64_t> strides = getStrides(), pads = getPads(), dilations = getDilations(),
                    outputPadding = getOutputPadding();
  if (int64_t(strides.size()) != n || int64_t(dilations.size()) != n ||
      int64_t(outputPadding.size()) != n || int64_t(pads.size()) != 2 * n)
    return emitOpError() << "expects " << n << " strides, dilations and output paddings and "
                         << 2 * n << " pads";
  if (group < 1)
    return emitOpError() << "group must be >= 1, got " << group;
  for (int64_t i = 0; i < n; ++i)
    if (strides[i] < 1 || dilations[i] < 1 || outputPadding[i] < 0)
      return emitOpError() << "spatial dimension " << i
                           << ": stride and dilation must be >= 1, output padding >= 0";
  if (known(input.getDimSize(1)) && input.getDimSize(1) % group != 0)
    return emitOpError() << "input channels " << input.getDimSize(1)
                         << " are not divisible by group " << group;
  if (failed(verifyCompatibleShape(*this, "weight dimension 0", {input.getDimSize(1)},
                                   {weight.getDimSize(0)})))
    return failure();
  if (Value bias = getBias())
    if (failed(verifyChannelParam(*this, "bias", bias,
                                  known(weight.getDimSize(1)) ? weight.getDimSize(1) * group
                                                              : ShapedType::kDynamic)))
      return failure();
  SmallVector<int64_t> expected = {input.getDimSize(0), known(weight.getDimSize(1))
                                                            ? weight.getDimSize(1) * group
                                                            : ShapedType::kDynamic};
  for (int64_t i = 0; i < n; ++i) {
    int64_t size = input.getDimSize(2 + i), kernel = weight.getDimSize(2 + i);
    expected.push_back(known(size) && known(kernel)
                           ? (size - 1) * strides[i] + (kernel - 1) * dilations[i] + 1 - pads[i] -
                                 pads[n + i] + outputPadding[i]
                           : ShapedType::kDynamic);
  }
  return verifyCompatibleShape(*this, "result", expected, out.getShape());
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

template <typename Op> static LogicalResult verifyQuantizeLike(Op op) {
  auto in = rankedType(op.getInput());
  auto scale = rankedType(op.getScale());
  if (scale.getRank() > 1)
    return op.emitOpError() << "scale must be a scalar or per-axis vector, got "
                            << shapeStr(scale.getShape());
  auto zero = rankedType(op.getZeroPoint());
  if (zero.hasStaticShape() && scale.hasStaticShape() && zero.getNumElements() != 1 &&
      zero.getNumElements() != scale.getNumElements())
    return op.emitOpError() << "zero point " << shapeStr(zero.getShape())
                            << " has neither one element nor the scale's "
                            << shapeStr(scale.getShape());
  // `axis` only means something for a per-axis scale; one element is per
  // tensor whatever its rank.
  if (scale.getRank() == 1 && scale.getDimSize(0) != 1) {
    if (failed(verifyAxis(op, "axis", op.getAxis(), in.getRank())) ||
        failed(verifyChannelParam(op, "scale", op.getScale(), in.getDimSize(op.getAxis()))))
      return failure();
  }
  return verifyCompatibleShape(op, "result", in.getShape(), rankedType(op.getOutput()).getShape());
}

LogicalResult QuantizeOp::verify() { return verifyQuantizeLike(*this); }
LogicalResult DequantizeOp::verify() { return verifyQuantizeLike(*this); }

std::optional<double> getSplatValue(Value v) {
  DenseElementsAttr c;
  if (!matchPattern(v, m_Constant(&c)) || !c.isSplat())
    return std::nullopt;
  if (isa<FloatType>(c.getElementType()))
    return c.getSplatValue<APFloat>().convertToDouble();
  return double(c.getSplatValue<APInt>().getSExtValue());
}

Value viewRoot(Value v) {
  while (auto r = v.getDefiningOp<ReshapeOp>())
    v = r.getInput();
  return v;
}

/// The first name in a location (a NameLoc, possibly inside a FusedLoc).
static std::string locationName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location l : fused.getLocations())
      if (std::string n = locationName(l); !n.empty())
        return n;
  return "";
}

SmallVector<std::string> sourceNodes(GroupOp group) {
  SmallVector<std::string> names;
  group.getBody().walk([&](Operation *op) {
    if (isa<ConstantOp, YieldOp>(op))
      return;
    if (std::string n = locationName(op->getLoc()); !n.empty())
      names.push_back(n);
  });
  if (names.empty())
    if (std::string n = locationName(group.getLoc()); !n.empty())
      names.push_back(n);
  return names;
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
