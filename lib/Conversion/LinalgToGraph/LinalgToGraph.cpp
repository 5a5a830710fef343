//===- LinalgToGraph.cpp - Raise linalg named ops on tensors to graph -----===//
//
// torch-mlir and IREE-style front ends emit linalg named ops on tensors
// with destination ("outs") operands: a matmul accumulates into its init
// tensor, usually a linalg.fill of zero. Each named op becomes the graph op
// of the same meaning, plus an add of the init when it is not the op's
// identity. Constants, fills, pads and reshapes around them convert too;
// tensor.empty and scalar constants vanish once unused.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Conversion/Passes.h"
#include "pagoda/Dialect/Graph/IR/GraphOps.h"

#include "../RaiseToGraph.h"
#include "GenericToGraph.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace pagoda {
#define GEN_PASS_DEF_LINALGTOGRAPH
#include "pagoda/Conversion/Passes.h.inc"
} // namespace pagoda

using namespace mlir;
namespace g = pagoda::graph;

namespace {

class Converter : public pagoda::RaiseConverter {
public:
  using RaiseConverter::RaiseConverter;

  LogicalResult convert(Operation *op) {
    begin(op);
    Value r =
        TypeSwitch<Operation *, Value>(op)
            .Case<arith::ConstantOp>([&](arith::ConstantOp c) -> Value {
              auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
              if (!dense || !isa<RankedTensorType>(c.getType()))
                return skip(); // scalars feed fills; they go when unused
              return g::ConstantOp::create(b_, loc_, dense);
            })
            .Case<tensor::EmptyOp>([&](auto) { return skip(); })
            .Case<linalg::FillOp>([&](linalg::FillOp f) -> Value {
              Attribute scalar;
              if (!matchPattern(f.getInputs()[0], m_Constant(&scalar)))
                return why("the fill value is not a constant");
              auto type = cast<RankedTensorType>(f.getResult(0).getType());
              return g::ConstantOp::create(
                  b_, loc_, DenseElementsAttr::get(type, ArrayRef<Attribute>{scalar}));
            })
            .Case<linalg::AddOp>([&](auto o) { return bin<g::AddOp>(o); })
            .Case<linalg::SubOp>([&](auto o) { return bin<g::SubOp>(o); })
            .Case<linalg::MulOp>([&](auto o) { return bin<g::MulOp>(o); })
            .Case<linalg::DivOp>([&](auto o) { return bin<g::DivOp>(o); })
            .Case<linalg::MaxOp>([&](auto o) { return bin<g::MaxOp>(o); })
            .Case<linalg::MinOp>([&](auto o) { return bin<g::MinOp>(o); })
            .Case<linalg::PowFOp>([&](auto o) { return bin<g::PowOp>(o); })
            .Case<linalg::ExpOp>([&](auto o) { return un<g::ExpOp>(o); })
            .Case<linalg::LogOp>([&](auto o) { return un<g::LogOp>(o); })
            .Case<linalg::AbsOp>([&](auto o) { return un<g::AbsOp>(o); })
            .Case<linalg::CeilOp>([&](auto o) { return un<g::CeilOp>(o); })
            .Case<linalg::FloorOp>([&](auto o) { return un<g::FloorOp>(o); })
            .Case<linalg::NegFOp>([&](auto o) { return un<g::NegOp>(o); })
            .Case<linalg::ReciprocalOp>([&](auto o) { return un<g::ReciprocalOp>(o); })
            .Case<linalg::SqrtOp>([&](auto o) { return un<g::SqrtOp>(o); })
            .Case<linalg::TanhOp>([&](auto o) { return un<g::TanhOp>(o); })
            .Case<linalg::ErfOp>([&](auto o) { return un<g::ErfOp>(o); })
            .Case<linalg::TransposeOp>([&](linalg::TransposeOp t) -> Value {
              SmallVector<int64_t> perm(t.getPermutation());
              return g::TransposeOp::create(b_, loc_, t.getResult()[0].getType(), t.getInput(),
                                            b_.getDenseI64ArrayAttr(perm));
            })
            .Case<linalg::MatmulOp, linalg::BatchMatmulOp>([&](auto m) -> Value {
              if (m.hasUserDefinedMaps())
                return why("transposed or broadcast operands (indexing_maps)");
              Value a = m.getInputs()[0], bb = m.getInputs()[1], init = m.getOutputs()[0];
              Type elt = getElementTypeOrSelf(a.getType());
              if (getElementTypeOrSelf(bb.getType()) != elt ||
                  getElementTypeOrSelf(init.getType()) != elt)
                return why("mixed element types");
              Value p = g::MatMulOp::create(b_, loc_, init.getType(), a, bb);
              return accumulate(p, init);
            })
            .Case<linalg::Conv2DNchwFchwOp>([&](linalg::Conv2DNchwFchwOp c) -> Value {
              Value y = conv(c.getInputs()[0], c.getInputs()[1], c.getOutputs()[0].getType(),
                             c.getStrides(), c.getDilations());
              return accumulate(y, c.getOutputs()[0]);
            })
            .Case<linalg::Conv2DNhwcHwcfOp>([&](linalg::Conv2DNhwcHwcfOp c) -> Value {
              auto out = cast<RankedTensorType>(c.getOutputs()[0].getType());
              Value x = transpose(c.getInputs()[0], {0, 3, 1, 2});
              Value w = transpose(c.getInputs()[1], {3, 2, 0, 1}); // HWCF -> FCHW
              auto nchw = pagoda::permutedType(out, {0, 3, 1, 2});
              Value y = transpose(conv(x, w, nchw, c.getStrides(), c.getDilations()), {0, 2, 3, 1});
              return accumulate(y, c.getOutputs()[0]);
            })
            .Case<linalg::PoolingNchwMaxOp>([&](linalg::PoolingNchwMaxOp p) -> Value {
              std::optional<double> init = g::getSplatValue(p.getOutputs()[0]);
              // The init must be max's identity: -inf or the lowest float.
              if (!init || !(*init < -3.0e38))
                return why("the init is not -inf");
              return pool(p.getInputs()[0], p.getInputs()[1], p.getOutputs()[0].getType(),
                          p.getStrides(), p.getDilations(), /*max=*/true);
            })
            .Case<linalg::PoolingNchwSumOp>([&](linalg::PoolingNchwSumOp p) -> Value {
              Value y = pool(p.getInputs()[0], p.getInputs()[1], p.getOutputs()[0].getType(),
                             p.getStrides(), p.getDilations(), /*max=*/false);
              return accumulate(y, p.getOutputs()[0]);
            })
            .Case<tensor::PadOp>([&](tensor::PadOp p) -> Value {
              Value pad = p.getConstantPaddingValue();
              Attribute v;
              if (!pad || !matchPattern(pad, m_Constant(&v)))
                return why("the padding value is not a constant");
              SmallVector<int64_t> pads(p.getStaticLow());
              pads.append(p.getStaticHigh().begin(), p.getStaticHigh().end());
              if (llvm::any_of(pads, ShapedType::isDynamic))
                return why("dynamic padding");
              double value = isa<FloatAttr>(v) ? cast<FloatAttr>(v).getValueAsDouble()
                                               : double(cast<IntegerAttr>(v).getInt());
              return g::PadOp::create(b_, loc_, p.getType(), p.getSource(),
                                      b_.getDenseI64ArrayAttr(pads), b_.getStringAttr("constant"),
                                      b_.getF64FloatAttr(value));
            })
            .Case<linalg::GenericOp>(
                [&](linalg::GenericOp op) -> Value { return pagoda::raiseGeneric(b_, op, reason); })
            .Case<tensor::CollapseShapeOp, tensor::ExpandShapeOp>([&](auto r) -> Value {
              return g::ReshapeOp::create(b_, loc_, r.getType(), r.getSrc());
            })
            .Default([&](Operation *) { return Value(); });
    if (skipped_) {
      skipped_ = false;
      return success();
    }
    if (!r)
      return failure();
    op->getResult(0).replaceAllUsesWith(r);
    op->erase();
    return success();
  }

private:
  bool skipped_ = false;

  Value skip() {
    skipped_ = true;
    return Value();
  }

  /// `v + init`, unless init is all zeros.
  Value accumulate(Value v, Value init) {
    if (std::optional<double> z = g::getSplatValue(init); z && *z == 0.0)
      return v;
    return g::AddOp::create(b_, loc_, init.getType(), v, init);
  }

  static SmallVector<int64_t> ints(DenseIntElementsAttr a) {
    SmallVector<int64_t> out;
    for (const APInt &v : a.getValues<APInt>())
      out.push_back(v.getSExtValue());
    return out;
  }

  Value conv(Value x, Value w, Type out, DenseIntElementsAttr strides,
             DenseIntElementsAttr dilations) {
    return g::ConvOp::create(b_, loc_, out, x, w, Value(), b_.getDenseI64ArrayAttr(ints(strides)),
                             b_.getDenseI64ArrayAttr({0, 0, 0, 0}),
                             b_.getDenseI64ArrayAttr(ints(dilations)), b_.getI64IntegerAttr(1));
  }

  Value pool(Value x, Value window, Type out, DenseIntElementsAttr strides,
             DenseIntElementsAttr dilations, bool max) {
    auto w = cast<RankedTensorType>(window.getType());
    auto k = b_.getDenseI64ArrayAttr(w.getShape()), s = b_.getDenseI64ArrayAttr(ints(strides)),
         p = b_.getDenseI64ArrayAttr({0, 0, 0, 0}), d = b_.getDenseI64ArrayAttr(ints(dilations));
    if (max)
      return g::MaxPoolOp::create(b_, loc_, out, x, k, s, p, d);
    // A sum pool is the average times the window size.
    Value avg = g::AvgPoolOp::create(b_, loc_, out, x, k, s, p, d, b_.getBoolAttr(true));
    auto ft = cast<FloatType>(getElementTypeOrSelf(out));
    Value n = g::ConstantOp::create(
        b_, loc_,
        DenseElementsAttr::get(RankedTensorType::get({}, ft),
                               b_.getFloatAttr(ft, double(w.getNumElements()))));
    return g::MulOp::create(b_, loc_, out, avg, n);
  }
};

class LinalgToGraphPass : public pagoda::impl::LinalgToGraphBase<LinalgToGraphPass> {
public:
  void runOnOperation() override {
    Converter conv(&getContext());
    SmallVector<Operation *> ops;
    // Ops inside a linalg op's or tensor.pad's body are part of it.
    getOperation()->walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa<linalg::LinalgDialect, tensor::TensorDialect>(op->getDialect()) ||
          isa<arith::ConstantOp>(op)) {
        ops.push_back(op);
        return op->getNumRegions() ? WalkResult::skip() : WalkResult::advance();
      }
      return WalkResult::advance();
    });
    bool ok = pagoda::raiseAll(ops, conv);
    // What only fed converted ops: empty tensors and scalar constants.
    bool erased = true;
    while (erased) {
      erased = false;
      getOperation()->walk([&](Operation *op) {
        if (isa<tensor::EmptyOp, arith::ConstantOp>(op) && op->use_empty()) {
          op->erase();
          erased = true;
        }
      });
    }
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
