//===- QdqToInt8.cpp - QDQ-format products as int8 ops --------------------===//
//
// Q(conv(DQ(xq), DQ(wq), DQ(bq))) is qlinear_conv(xq, ..., bq), and
// Q(matmul(DQ(aq), DQ(bq))) is qlinear_matmul (Passes.td has the
// conditions), so that QDQ models run on the cube's int8 mode.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace pagoda::graph {
#define GEN_PASS_DEF_GRAPHQDQTOINT8
#include "pagoda/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace pagoda::graph

using namespace mlir;
using namespace pagoda::graph;

namespace {

bool is8Bit(Type t) {
  auto it = dyn_cast<IntegerType>(getElementTypeOrSelf(t));
  return it && it.getWidth() == 8;
}

/// A constant of one element (a per-tensor scale or zero point).
DenseElementsAttr scalarConstant(Value v) {
  DenseElementsAttr d;
  if (!matchPattern(v, m_Constant(&d)) || d.getNumElements() != 1)
    return {};
  return d;
}

std::optional<double> scalarValue(Value v) {
  DenseElementsAttr d = scalarConstant(v);
  if (!d)
    return std::nullopt;
  if (isa<FloatType>(d.getElementType()))
    return (*d.getValues<APFloat>().begin()).convertToDouble();
  auto it = cast<IntegerType>(d.getElementType());
  const APInt x = *d.getValues<APInt>().begin();
  return double(it.isUnsigned() ? int64_t(x.getZExtValue()) : x.getSExtValue());
}

/// A per-tensor DequantizeLinear of an 8-bit tensor (constant if asked).
DequantizeOp quantizedInput(Value v, bool constant) {
  auto dq = v.getDefiningOp<DequantizeOp>();
  if (!dq || !is8Bit(dq.getInput().getType()) || !scalarConstant(dq.getScale()) ||
      !scalarConstant(dq.getZeroPoint()) ||
      (constant && !matchPattern(dq.getInput(), m_Constant())))
    return {};
  return dq;
}

/// The op a per-tensor QuantizeLinear to 8 bits reads (through a ReLU that
/// the quantization's saturation makes redundant), when that is its only
/// use; null otherwise.
Operation *quantizedProducer(QuantizeOp q) {
  if (!is8Bit(q.getType()) || !scalarConstant(q.getScale()) || !scalarConstant(q.getZeroPoint()))
    return nullptr;
  Operation *def = q.getInput().getDefiningOp();
  if (auto relu = dyn_cast_or_null<ReluOp>(def)) {
    auto it = cast<IntegerType>(getElementTypeOrSelf(q.getType()));
    const double least = it.isUnsigned() ? 0.0 : -128.0;
    if (!relu->hasOneUse() || scalarValue(q.getZeroPoint()) != least)
      return nullptr;
    def = relu.getInput().getDefiningOp();
  }
  return def && def->hasOneUse() ? def : nullptr;
}

struct ConvQdq : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp q, PatternRewriter &rewriter) const override {
    auto conv = dyn_cast_or_null<ConvOp>(quantizedProducer(q));
    if (!conv || conv.getChannelsLast())
      return rewriter.notifyMatchFailure(q, "not Q(conv)");
    DequantizeOp dx = quantizedInput(conv.getInput(), false),
                 dw = quantizedInput(conv.getWeight(), true);
    if (!dx || !dw)
      return rewriter.notifyMatchFailure(q, "conv operands that are not per-tensor DQs");
    Value bias;
    if (Value b = conv.getBias()) {
      auto db = b.getDefiningOp<DequantizeOp>();
      auto bt =
          db ? dyn_cast<IntegerType>(getElementTypeOrSelf(db.getInput().getType())) : IntegerType();
      std::optional<double> bs = db ? scalarValue(db.getScale()) : std::nullopt,
                            bz = db ? scalarValue(db.getZeroPoint()) : std::nullopt,
                            xs = scalarValue(dx.getScale()), ws = scalarValue(dw.getScale());
      // The bias in the accumulator's units: scale xs * ws, zero point 0.
      if (!bt || bt.getWidth() != 32 || !matchPattern(db.getInput(), m_Constant()) || !bs ||
          bz != 0.0 || std::abs(*bs - *xs * *ws) > 1e-6 * std::abs(*xs * *ws))
        return rewriter.notifyMatchFailure(q, "a bias that is not DQ(int32, xs * ws, 0)");
      bias = db.getInput();
    }
    rewriter.setInsertionPoint(q);
    Value y = QLinearConvOp::create(
        rewriter, conv.getLoc(), q.getType(), dx.getInput(), dx.getScale(), dx.getZeroPoint(),
        dw.getInput(), dw.getScale(), dw.getZeroPoint(), q.getScale(), q.getZeroPoint(), bias,
        conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(), conv.getGroupAttr(),
        /*channels_last=*/UnitAttr());
    rewriter.replaceOp(q, y);
    return success();
  }
};

struct MatmulQdq : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp q, PatternRewriter &rewriter) const override {
    auto mm = dyn_cast_or_null<MatMulOp>(quantizedProducer(q));
    if (!mm)
      return rewriter.notifyMatchFailure(q, "not Q(matmul)");
    // A per-tensor DQ commutes with a reshape (a flatten before a classifier).
    auto reshape = mm.getLhs().getDefiningOp<ReshapeOp>();
    DequantizeOp da = quantizedInput(reshape ? reshape.getInput() : mm.getLhs(), false),
                 db = quantizedInput(mm.getRhs(), true);
    if (!da || !db)
      return rewriter.notifyMatchFailure(q, "matmul operands that are not per-tensor DQs");
    rewriter.setInsertionPoint(q);
    Value a = da.getInput();
    if (reshape)
      a = ReshapeOp::create(rewriter, reshape.getLoc(),
                            RankedTensorType::get(cast<ShapedType>(reshape.getType()).getShape(),
                                                  getElementTypeOrSelf(a.getType())),
                            a);
    Value y = QLinearMatMulOp::create(rewriter, mm.getLoc(), q.getType(), a, da.getScale(),
                                      da.getZeroPoint(), db.getInput(), db.getScale(),
                                      db.getZeroPoint(), q.getScale(), q.getZeroPoint());
    rewriter.replaceOp(q, y);
    return success();
  }
};

class QdqToInt8Pass : public pagoda::graph::impl::GraphQdqToInt8Base<QdqToInt8Pass> {
public:
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ConvQdq, MatmulQdq>(&getContext());
    GreedyRewriteConfig config;
    // No folding: the weights' DequantizeLinear must stay for the patterns.
    config.enableFolding(false);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      signalPassFailure();
  }
};

} // namespace
