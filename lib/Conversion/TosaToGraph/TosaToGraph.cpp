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

class Converter {
public:
  explicit Converter(MLIRContext *ctx) : b_(ctx) {}

  /// Replaces `op`; fails (without changing anything) when it cannot.
  LogicalResult convert(Operation *op) {
    b_.setInsertionPoint(op);
    loc_ = op->getLoc();
    Value r = TypeSwitch<Operation *, Value>(op)
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
                  .Default([&](Operation *) { return Value(); });
    if (!r)
      return failure();
    op->getResult(0).replaceAllUsesWith(r);
    op->erase();
    return success();
  }

  /// Why the last conversion failed, when it was for a reason beyond "no
  /// conversion for this op".
  std::string reason;

private:
  OpBuilder b_;
  Location loc_ = b_.getUnknownLoc();

  Value why(const char *r) {
    reason = r;
    return Value();
  }

  static bool isZero(Value v) {
    DenseElementsAttr c;
    if (!matchPattern(v, m_Constant(&c)))
      return false;
    if (isa<FloatType>(c.getElementType()))
      return llvm::all_of(c.getValues<APFloat>(), [](const APFloat &f) { return f.isZero(); });
    return llvm::all_of(c.getValues<APInt>(), [](const APInt &i) { return i.isZero(); });
  }

  template <typename G, typename T> Value bin(T o) {
    return G::create(b_, loc_, o->getResult(0).getType(), o->getOperand(0), o->getOperand(1));
  }
  template <typename G, typename T> Value un(T o) {
    return G::create(b_, loc_, o->getResult(0).getType(), o->getOperand(0));
  }
  template <typename G, typename T> Value reduce(T o) {
    int64_t axis = int64_t(o.getAxis());
    return G::create(b_, loc_, o.getType(), o.getInput(), b_.getDenseI64ArrayAttr({axis}),
                     b_.getBoolAttr(true));
  }

  Value transpose(Value v, ArrayRef<int64_t> perm) {
    return pagoda::makeTranspose(b_, loc_, v, perm);
  }
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
    auto nchw = RankedTensorType::get(
        {out.getDimSize(0), out.getDimSize(3), out.getDimSize(1), out.getDimSize(2)},
        out.getElementType());
    SmallVector<int64_t> stride(o.getStride()), dilation(o.getDilation());
    Value y = g::ConvOp::create(b_, loc_, nchw, x, w, o.getBias(), b_.getDenseI64ArrayAttr(stride),
                                b_.getDenseI64ArrayAttr(pads(o.getPad())),
                                b_.getDenseI64ArrayAttr(dilation), b_.getI64IntegerAttr(1));
    return toNHWC(y);
  }

  Value pool2d(Operation *op, Value input, ArrayRef<int64_t> kernel, ArrayRef<int64_t> stride,
               ArrayRef<int64_t> pad, bool max) {
    auto out = cast<RankedTensorType>(op->getResult(0).getType());
    auto nchw = RankedTensorType::get(
        {out.getDimSize(0), out.getDimSize(3), out.getDimSize(1), out.getDimSize(2)},
        out.getElementType());
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
