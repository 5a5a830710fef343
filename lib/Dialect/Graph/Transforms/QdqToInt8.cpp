//===- QdqToInt8.cpp - QDQ-format products as int8 ops --------------------===//
//
// Q(conv(DQ(xq), DQ(wq), DQ(bq))) is qlinear_conv(xq, ..., bq), and
// Q(matmul(DQ(aq), DQ(bq))) is qlinear_matmul (Passes.td has the
// conditions), so that QDQ models run on the cube's int8 mode.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/KernelLowering.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"
#include "pagoda/Target/TargetJSON.h"

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

/// A constant's values as doubles (empty if it is not a constant).
std::vector<double> constantValues(Value v) {
  DenseElementsAttr d;
  std::vector<double> out;
  if (!matchPattern(v, m_Constant(&d)))
    return out;
  if (isa<FloatType>(d.getElementType())) {
    for (const APFloat &x : d.getValues<APFloat>())
      out.push_back(x.convertToDouble());
  } else if (auto it = dyn_cast<IntegerType>(d.getElementType())) {
    for (const APInt &x : d.getValues<APInt>())
      out.push_back(double(it.isUnsigned() ? int64_t(x.getZExtValue()) : x.getSExtValue()));
  }
  return out;
}

/// A DequantizeLinear of an 8-bit tensor, per-tensor (or, for a constant
/// weight of `channels` output channels, per channel along axis 0).
DequantizeOp quantizedInput(Value v, bool constant, int64_t channels = 0) {
  auto dq = v.getDefiningOp<DequantizeOp>();
  if (!dq || !is8Bit(dq.getInput().getType()) ||
      (constant && !matchPattern(dq.getInput(), m_Constant())))
    return {};
  auto perTensorOr = [&](Value p) {
    if (scalarConstant(p))
      return true;
    DenseElementsAttr d;
    return channels > 0 && dq.getAxis() == 0 && matchPattern(p, m_Constant(&d)) &&
           d.getNumElements() == channels;
  };
  if (!perTensorOr(dq.getScale()) || !perTensorOr(dq.getZeroPoint()))
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
  ConvQdq(MLIRContext *ctx, const pagoda::target::TargetDesc &target)
      : OpRewritePattern(ctx), target_(target) {}

  LogicalResult matchAndRewrite(QuantizeOp q, PatternRewriter &rewriter) const override {
    auto conv = dyn_cast_or_null<ConvOp>(quantizedProducer(q));
    if (!conv || conv.getChannelsLast())
      return rewriter.notifyMatchFailure(q, "not Q(conv)");
    const int64_t channels = cast<ShapedType>(conv.getWeight().getType()).getDimSize(0);
    DequantizeOp dx = quantizedInput(conv.getInput(), false),
                 dw = quantizedInput(conv.getWeight(), true, channels);
    if (!dx || !dw)
      return rewriter.notifyMatchFailure(
          q, "conv operands that are not DQs of 8-bit tensors with constant parameters");
    Value bias;
    if (Value b = conv.getBias()) {
      auto db = b.getDefiningOp<DequantizeOp>();
      auto bt =
          db ? dyn_cast<IntegerType>(getElementTypeOrSelf(db.getInput().getType())) : IntegerType();
      if (!bt || bt.getWidth() != 32 || !matchPattern(db.getInput(), m_Constant()))
        return rewriter.notifyMatchFailure(q, "a bias that is not a DQ of int32");
      // The bias in the accumulator's units: scale xs * ws (per channel
      // when ws is), zero point 0.
      const double xs = *scalarValue(dx.getScale());
      std::vector<double> bs = constantValues(db.getScale()),
                          bz = constantValues(db.getZeroPoint()),
                          ws = constantValues(dw.getScale());
      auto oneOrAll = [&](const std::vector<double> &v) {
        return v.size() == 1 || v.size() == size_t(channels);
      };
      bool ok = oneOrAll(bs) && oneOrAll(bz) && oneOrAll(ws);
      for (int64_t o = 0; ok && o < channels; ++o) {
        const double want = xs * ws[ws.size() == 1 ? 0 : size_t(o)];
        ok = std::abs(bs[bs.size() == 1 ? 0 : size_t(o)] - want) <= 1e-6 * std::abs(want);
      }
      if (!ok || llvm::any_of(bz, [](double z) { return z != 0; }))
        return rewriter.notifyMatchFailure(q, "a bias that is not DQ(int32, xs * ws, 0)");
      bias = db.getInput();
    }
    // Only what the s8 cube kernel covers: a qlinear_conv the target runs
    // on the host would lose the float conv's NPU kernel (a depthwise
    // conv, say). The candidate is built detached, asked, and dropped.
    OpBuilder detached(q.getContext());
    auto candidate = QLinearConvOp::create(
        detached, conv.getLoc(), q.getType(), dx.getInput(), dx.getScale(), dx.getZeroPoint(),
        dw.getInput(), dw.getScale(), dw.getZeroPoint(), q.getScale(), q.getZeroPoint(), bias,
        conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(), conv.getGroupAttr(),
        /*channels_last=*/UnitAttr());
    std::optional<std::string> problem = int8ConvKernelProblem(candidate, target_);
    candidate->destroy();
    if (problem)
      return rewriter.notifyMatchFailure(q, *problem);
    rewriter.setInsertionPoint(q);
    Value y = QLinearConvOp::create(
        rewriter, conv.getLoc(), q.getType(), dx.getInput(), dx.getScale(), dx.getZeroPoint(),
        dw.getInput(), dw.getScale(), dw.getZeroPoint(), q.getScale(), q.getZeroPoint(), bias,
        conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(), conv.getGroupAttr(),
        /*channels_last=*/UnitAttr());
    rewriter.replaceOp(q, y);
    return success();
  }

private:
  const pagoda::target::TargetDesc &target_;
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
    // The s8 cube takes B minus its zero point as int8.
    const std::vector<double> bv = constantValues(db.getInput());
    const double bz = *scalarValue(db.getZeroPoint());
    if (llvm::any_of(bv, [&](double v) { return v - bz < -128 || v - bz > 127; }))
      return rewriter.notifyMatchFailure(q, "B minus its zero point leaves int8");
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
  using GraphQdqToInt8Base::GraphQdqToInt8Base;

  void runOnOperation() override {
    pagoda::Result<pagoda::target::TargetDesc> target = pagoda::target::resolveTarget(targetName);
    if (!target) {
      getOperation()->emitError() << "pagoda-graph-qdq-to-int8: " << target.error().str();
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<ConvQdq>(&getContext(), *target);
    patterns.add<MatmulQdq>(&getContext());
    GreedyRewriteConfig config;
    // No folding: the weights' DequantizeLinear must stay for the patterns.
    config.enableFolding(false);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      signalPassFailure();
  }
};

} // namespace
