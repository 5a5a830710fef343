//===- TosaToGraph.cpp - Raise TOSA to the graph dialect ------------------===//
//
// One walk in program order replaces each tosa op by graph ops computing the
// same values (same result types), so uses move over one op at a time.
// tosa.const_shape ops are read where their users need static shapes and
// disappear once unused.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Conversion/Passes.h"
#include "pagoda/Dialect/Graph/IR/GraphOps.h"

#include "../RaiseToGraph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/TypeSwitch.h"

namespace pagoda {
#define GEN_PASS_DEF_TOSATOGRAPH
#include "pagoda/Conversion/Passes.h.inc"
} // namespace pagoda

using namespace mlir;
namespace g = pagoda::graph;

namespace {

class Converter : public pagoda::RaiseConverter {
public:
  using RaiseConverter::RaiseConverter;

  /// Replaces `op`; fails (without changing anything) when it cannot.
  LogicalResult convert(Operation *op) {
    begin(op);
    Value r =
        TypeSwitch<Operation *, Value>(op)
            .Case<tosa::ConstOp>([&](auto c) {
              return g::ConstantOp::create(b_, loc_, c.getValuesAttr()).getResult();
            })
            .Case<tosa::AddOp>([&](auto o) { return bin<g::AddOp>(o); })
            .Case<tosa::SubOp>([&](auto o) { return bin<g::SubOp>(o); })
            .Case<tosa::MaximumOp>([&](auto o) { return bin<g::MaxOp>(o); })
            .Case<tosa::MinimumOp>([&](auto o) { return bin<g::MinOp>(o); })
            .Case<tosa::PowOp>([&](auto o) { return bin<g::PowOp>(o); })
            .Case<tosa::LogicalAndOp>([&](auto o) { return bin<g::AndOp>(o); })
            .Case<tosa::LogicalOrOp>([&](auto o) { return bin<g::OrOp>(o); })
            .Case<tosa::LogicalXorOp>([&](auto o) { return bin<g::XorOp>(o); })
            .Case<tosa::EqualOp>([&](auto o) { return bin<g::EqualOp>(o); })
            .Case<tosa::GreaterOp>([&](auto o) { return bin<g::GreaterOp>(o); })
            .Case<tosa::GreaterEqualOp>([&](auto o) { return bin<g::GreaterEqualOp>(o); })
            .Case<tosa::MulOp>([&](tosa::MulOp o) -> Value {
              // A non-zero shift is fixed-point integer arithmetic.
              DenseElementsAttr shift;
              if (!matchPattern(o.getShift(), m_Constant(&shift)) ||
                  !llvm::all_of(shift.getValues<APInt>(),
                                [](const APInt &v) { return v.isZero(); }))
                return why("a non-zero shift");
              return bin<g::MulOp>(o);
            })
            .Case<tosa::SigmoidOp>([&](auto o) { return un<g::SigmoidOp>(o); })
            .Case<tosa::TanhOp>([&](auto o) { return un<g::TanhOp>(o); })
            .Case<tosa::ExpOp>([&](auto o) { return un<g::ExpOp>(o); })
            .Case<tosa::LogOp>([&](auto o) { return un<g::LogOp>(o); })
            .Case<tosa::ReciprocalOp>([&](auto o) { return un<g::ReciprocalOp>(o); })
            .Case<tosa::AbsOp>([&](auto o) { return un<g::AbsOp>(o); })
            .Case<tosa::ErfOp>([&](auto o) { return un<g::ErfOp>(o); })
            .Case<tosa::FloorOp>([&](auto o) { return un<g::FloorOp>(o); })
            .Case<tosa::CeilOp>([&](auto o) { return un<g::CeilOp>(o); })
            .Case<tosa::SinOp>([&](auto o) { return un<g::SinOp>(o); })
            .Case<tosa::CosOp>([&](auto o) { return un<g::CosOp>(o); })
            .Case<tosa::LogicalNotOp>([&](auto o) { return un<g::NotOp>(o); })
            .Case<tosa::NegateOp>([&](tosa::NegateOp o) -> Value {
              if (!isZero(o.getInput1Zp()) || !isZero(o.getOutputZp()))
                return why("non-zero zero points");
              return un<g::NegOp>(o);
            })
            .Case<tosa::RsqrtOp>([&](tosa::RsqrtOp o) -> Value {
              Value s = g::SqrtOp::create(b_, loc_, o.getType(), o.getInput1());
              return g::ReciprocalOp::create(b_, loc_, o.getType(), s);
            })
            .Case<tosa::ClampOp>([&](tosa::ClampOp o) -> Value {
              auto value = [](Attribute a) {
                if (auto f = dyn_cast<FloatAttr>(a))
                  return f.getValueAsDouble();
                return double(cast<IntegerAttr>(a).getInt());
              };
              return g::ClipOp::create(b_, loc_, o.getType(), o.getInput(),
                                       b_.getF64FloatAttr(value(o.getMinValAttr())),
                                       b_.getF64FloatAttr(value(o.getMaxValAttr())));
            })
            .Case<tosa::CastOp>([&](tosa::CastOp o) -> Value {
              return g::CastOp::create(b_, loc_, o.getType(), o.getInput());
            })
            .Case<tosa::SelectOp>([&](tosa::SelectOp o) -> Value {
              return g::WhereOp::create(b_, loc_, o.getType(), o.getInput1(), o.getInput2(),
                                        o.getInput3());
            })
            .Case<tosa::ReshapeOp>([&](tosa::ReshapeOp o) -> Value {
              return g::ReshapeOp::create(b_, loc_, o.getType(), o.getInput1());
            })
            .Case<tosa::TransposeOp>([&](tosa::TransposeOp o) -> Value {
              SmallVector<int64_t> perm(o.getPerms().begin(), o.getPerms().end());
              return g::TransposeOp::create(b_, loc_, o.getType(), o.getInput1(),
                                            b_.getDenseI64ArrayAttr(perm));
            })
            .Case<tosa::ConcatOp>([&](tosa::ConcatOp o) -> Value {
              return g::ConcatOp::create(b_, loc_, o.getType(), o.getInput1(),
                                         int64_t(o.getAxis()));
            })
            .Case<tosa::MatMulOp>([&](tosa::MatMulOp o) -> Value {
              if (!isZero(o.getAZp()) || !isZero(o.getBZp()))
                return why("non-zero zero points");
              return g::MatMulOp::create(b_, loc_, o.getType(), o.getA(), o.getB());
            })
            .Case<tosa::ReduceSumOp>([&](auto o) { return reduce<g::ReduceSumOp>(o); })
            .Case<tosa::ReduceMaxOp>([&](auto o) { return reduce<g::ReduceMaxOp>(o); })
            .Case<tosa::ReduceMinOp>([&](auto o) { return reduce<g::ReduceMinOp>(o); })
            .Case<tosa::ReduceProductOp>([&](auto o) { return reduce<g::ReduceProdOp>(o); })
            .Case<tosa::Conv2DOp>([&](tosa::Conv2DOp o) { return conv2d(o); })
            .Case<tosa::MaxPool2dOp>([&](tosa::MaxPool2dOp o) -> Value {
              return pool2d(o, o.getInput(), o.getKernel(), o.getStride(), o.getPad(),
                            /*max=*/true);
            })
            .Case<tosa::AvgPool2dOp>([&](tosa::AvgPool2dOp o) -> Value {
              if (!isZero(o.getInputZp()) || !isZero(o.getOutputZp()))
                return why("non-zero zero points");
              return pool2d(o, o.getInput(), o.getKernel(), o.getStride(), o.getPad(),
                            /*max=*/false);
            })
            .Case<tosa::DepthwiseConv2DOp>(
                [&](tosa::DepthwiseConv2DOp o) { return depthwiseConv2d(o); })
            .Case<tosa::TransposeConv2DOp>(
                [&](tosa::TransposeConv2DOp o) { return transposeConv2d(o); })
            .Case<tosa::Conv3DOp>([&](tosa::Conv3DOp o) { return conv3d(o); })
            .Case<tosa::IdentityOp>([&](tosa::IdentityOp o) { return o.getInput1(); })
            .Case<tosa::SliceOp>([&](tosa::SliceOp o) -> Value {
              std::optional<SmallVector<int64_t>> start = shapeOf(o.getStart());
              if (!start)
                return why("the start is not a constant shape");
              SmallVector<int64_t> steps(start->size(), 1);
              return g::SliceOp::create(b_, loc_, o.getType(), o.getInput1(),
                                        b_.getDenseI64ArrayAttr(*start),
                                        b_.getDenseI64ArrayAttr(steps));
            })
            .Case<tosa::ReverseOp>([&](tosa::ReverseOp o) -> Value {
              // A slice walking the axis backwards.
              auto t = cast<RankedTensorType>(o.getType());
              int64_t axis = int64_t(o.getAxis());
              SmallVector<int64_t> starts(t.getRank(), 0), steps(t.getRank(), 1);
              starts[axis] = t.getDimSize(axis) - 1;
              steps[axis] = -1;
              return g::SliceOp::create(b_, loc_, t, o.getInput1(), b_.getDenseI64ArrayAttr(starts),
                                        b_.getDenseI64ArrayAttr(steps));
            })
            .Case<tosa::PadOp>([&](tosa::PadOp o) -> Value {
              std::optional<SmallVector<int64_t>> p = shapeOf(o.getPadding());
              DenseElementsAttr value;
              if (!p || !matchPattern(o.getPadConst(), m_Constant(&value)))
                return why("the padding or the pad value is not a constant");
              // TOSA interleaves [begin, end] per dimension.
              SmallVector<int64_t> pads(p->size());
              size_t rank = p->size() / 2;
              for (size_t d = 0; d < rank; ++d) {
                pads[d] = (*p)[2 * d];
                pads[rank + d] = (*p)[2 * d + 1];
              }
              double v = isa<FloatType>(value.getElementType())
                             ? (*value.getValues<APFloat>().begin()).convertToDouble()
                             : double((*value.getValues<APInt>().begin()).getSExtValue());
              return g::PadOp::create(b_, loc_, o.getType(), o.getInput1(),
                                      b_.getDenseI64ArrayAttr(pads), b_.getStringAttr("constant"),
                                      b_.getF64FloatAttr(v));
            })
            .Case<tosa::TileOp>([&](tosa::TileOp o) -> Value {
              std::optional<SmallVector<int64_t>> m = shapeOf(o.getMultiples());
              if (!m)
                return why("the multiples are not a constant shape");
              return g::TileOp::create(b_, loc_, o.getType(), o.getInput1(),
                                       b_.getDenseI64ArrayAttr(*m));
            })
            .Case<tosa::ArgMaxOp>([&](tosa::ArgMaxOp o) -> Value {
              // The graph's argmax is i64; TOSA's result type decides.
              auto t = cast<RankedTensorType>(o.getType());
              auto i64 = RankedTensorType::get(t.getShape(), b_.getI64Type());
              Value r = g::ArgMaxOp::create(b_, loc_, i64, o.getInput(), int64_t(o.getAxis()),
                                            false, false);
              return t == i64 ? r : g::CastOp::create(b_, loc_, t, r).getResult();
            })
            .Case<tosa::GatherOp>([&](tosa::GatherOp o) -> Value {
              // out[n, w, c] = values[n, indices[n, w], c]: gather_elements
              // along 1 with the indices broadcast over c.
              auto out = cast<RankedTensorType>(o.getType());
              auto idx = cast<RankedTensorType>(o.getIndices().getType());
              Value i = g::ReshapeOp::create(
                  b_, loc_,
                  RankedTensorType::get({idx.getDimSize(0), idx.getDimSize(1), 1},
                                        idx.getElementType()),
                  o.getIndices());
              i = g::ExpandOp::create(
                  b_, loc_, RankedTensorType::get(out.getShape(), idx.getElementType()), i);
              return g::GatherElementsOp::create(b_, loc_, out, o.getValues(), i,
                                                 b_.getI64IntegerAttr(1));
            })
            .Default([&](Operation *) { return Value(); });
    if (!r)
      return failure();
    op->getResult(0).replaceAllUsesWith(r);
    op->erase();
    return success();
  }

private:
  static bool isZero(Value v) {
    DenseElementsAttr c;
    if (!matchPattern(v, m_Constant(&c)))
      return false;
    if (isa<FloatType>(c.getElementType()))
      return llvm::all_of(c.getValues<APFloat>(), [](const APFloat &f) { return f.isZero(); });
    return llvm::all_of(c.getValues<APInt>(), [](const APInt &i) { return i.isZero(); });
  }

  template <typename G, typename T> Value reduce(T o) {
    int64_t axis = int64_t(o.getAxis());
    return G::create(b_, loc_, o.getType(), o.getInput(), b_.getDenseI64ArrayAttr({axis}),
                     b_.getBoolAttr(true));
  }

  /// The NCHW form of an NHWC type.
  static RankedTensorType nchwType(Type nhwc) { return pagoda::permutedType(nhwc, {0, 3, 1, 2}); }
  Value toNCHW(Value v) { return transpose(v, {0, 3, 1, 2}); }
  Value toNHWC(Value v) { return transpose(v, {0, 2, 3, 1}); }
  /// TOSA pads are [top, bottom, left, right]; the graph dialect's are all
  /// begins then all ends.
  static SmallVector<int64_t> pads(ArrayRef<int64_t> p) { return {p[0], p[2], p[1], p[3]}; }

  Value conv2d(tosa::Conv2DOp o) {
    if (!isZero(o.getInputZp()) || !isZero(o.getWeightZp()))
      return why("non-zero zero points");
    auto out = cast<RankedTensorType>(o.getType());
    Value x = toNCHW(o.getInput());
    Value w = toNCHW(o.getWeight()); // OHWI -> OIHW
    auto nchw = nchwType(out);
    SmallVector<int64_t> stride(o.getStride()), dilation(o.getDilation());
    Value y = g::ConvOp::create(b_, loc_, nchw, x, w, o.getBias(), b_.getDenseI64ArrayAttr(stride),
                                b_.getDenseI64ArrayAttr(pads(o.getPad())),
                                b_.getDenseI64ArrayAttr(dilation), b_.getI64IntegerAttr(1));
    return toNHWC(y);
  }

  /// The values of a tosa.const_shape.
  static std::optional<SmallVector<int64_t>> shapeOf(Value v) {
    auto c = v.getDefiningOp<tosa::ConstShapeOp>();
    if (!c)
      return std::nullopt;
    SmallVector<int64_t> out;
    for (const APInt &x : c.getValues().getValues<APInt>())
      out.push_back(x.getSExtValue());
    return out;
  }

  /// NHWC in, [KH, KW, C, M] weights: a grouped conv with one group per
  /// input channel, output channel c * M + m.
  Value depthwiseConv2d(tosa::DepthwiseConv2DOp o) {
    if (!isZero(o.getInputZp()) || !isZero(o.getWeightZp()))
      return why("non-zero zero points");
    auto out = cast<RankedTensorType>(o.getType());
    auto wt = cast<RankedTensorType>(o.getWeight().getType());
    int64_t kh = wt.getDimSize(0), kw = wt.getDimSize(1), c = wt.getDimSize(2),
            m = wt.getDimSize(3);
    Value w = g::ReshapeOp::create(
        b_, loc_, RankedTensorType::get({kh, kw, c * m}, wt.getElementType()), o.getWeight());
    w = transpose(w, {2, 0, 1});
    w = g::ReshapeOp::create(b_, loc_,
                             RankedTensorType::get({c * m, 1, kh, kw}, wt.getElementType()), w);
    auto nchw = nchwType(out);
    SmallVector<int64_t> stride(o.getStride()), dilation(o.getDilation());
    Value y = g::ConvOp::create(b_, loc_, nchw, toNCHW(o.getInput()), w, o.getBias(),
                                b_.getDenseI64ArrayAttr(stride),
                                b_.getDenseI64ArrayAttr(pads(o.getPad())),
                                b_.getDenseI64ArrayAttr(dilation), b_.getI64IntegerAttr(c));
    return toNHWC(y);
  }

  /// NHWC in, OHWI weights; out_pad [top, bottom, left, right] <= 0 crops
  /// like ConvTranspose's pads (a positive one would pad with the bias).
  Value transposeConv2d(tosa::TransposeConv2DOp o) {
    if (!isZero(o.getInputZp()) || !isZero(o.getWeightZp()))
      return why("non-zero zero points");
    ArrayRef<int64_t> outPad = o.getOutPad();
    if (llvm::any_of(outPad, [](int64_t p) { return p > 0; }))
      return why("a positive out_pad");
    auto out = cast<RankedTensorType>(o.getType());
    auto nchw = nchwType(out);
    Value w = transpose(o.getWeight(), {3, 0, 1, 2}); // OHWI -> I O H W
    SmallVector<int64_t> stride(o.getStride());
    SmallVector<int64_t> p = {-outPad[0], -outPad[2], -outPad[1], -outPad[3]};
    Value y = g::ConvTransposeOp::create(
        b_, loc_, nchw, toNCHW(o.getInput()), w, o.getBias(), b_.getDenseI64ArrayAttr(stride),
        b_.getDenseI64ArrayAttr(p), b_.getDenseI64ArrayAttr({1, 1}),
        b_.getDenseI64ArrayAttr({0, 0}), b_.getI64IntegerAttr(1));
    return toNHWC(y);
  }

  /// NDHWC in, ODHWI weights; pads [front, back, top, bottom, left, right].
  Value conv3d(tosa::Conv3DOp o) {
    if (!isZero(o.getInputZp()) || !isZero(o.getWeightZp()))
      return why("non-zero zero points");
    auto out = cast<RankedTensorType>(o.getType());
    auto ncdhw = pagoda::permutedType(out, {0, 4, 1, 2, 3});
    ArrayRef<int64_t> p = o.getPad();
    SmallVector<int64_t> stride(o.getStride()), dilation(o.getDilation());
    Value y = g::ConvOp::create(b_, loc_, ncdhw, transpose(o.getInput(), {0, 4, 1, 2, 3}),
                                transpose(o.getWeight(), {0, 4, 1, 2, 3}), o.getBias(),
                                b_.getDenseI64ArrayAttr(stride),
                                b_.getDenseI64ArrayAttr({p[0], p[2], p[4], p[1], p[3], p[5]}),
                                b_.getDenseI64ArrayAttr(dilation), b_.getI64IntegerAttr(1));
    return transpose(y, {0, 2, 3, 4, 1});
  }

  Value pool2d(Operation *op, Value input, ArrayRef<int64_t> kernel, ArrayRef<int64_t> stride,
               ArrayRef<int64_t> pad, bool max) {
    auto out = cast<RankedTensorType>(op->getResult(0).getType());
    auto nchw = nchwType(out);
    Value x = toNCHW(input);
    auto k = b_.getDenseI64ArrayAttr(kernel), s = b_.getDenseI64ArrayAttr(stride),
         p = b_.getDenseI64ArrayAttr(pads(pad)), d = b_.getDenseI64ArrayAttr({1, 1});
    Value y = max ? g::MaxPoolOp::create(b_, loc_, nchw, x, k, s, p, d).getResult()
                  // TOSA averages over the window's valid (unpadded) elements.
                  : g::AvgPoolOp::create(b_, loc_, nchw, x, k, s, p, d, b_.getBoolAttr(false))
                        .getResult();
    return toNHWC(y);
  }
};

class TosaToGraphPass : public pagoda::impl::TosaToGraphBase<TosaToGraphPass> {
public:
  void runOnOperation() override {
    Converter conv(&getContext());
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (isa<tosa::TosaDialect>(op->getDialect()) && !isa<tosa::ConstShapeOp>(op))
        ops.push_back(op);
    });
    bool ok = pagoda::raiseAll(ops, conv);
    // Shape operands nothing reads any more.
    getOperation()->walk([&](tosa::ConstShapeOp op) {
      if (op->use_empty())
        op->erase();
    });
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
