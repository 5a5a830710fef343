//===- FuseLayerNorm.cpp - Recognize decomposed layer normalization -------===//

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace pagoda::graph {
#define GEN_PASS_DEF_GRAPHFUSELAYERNORM
#include "pagoda/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace pagoda::graph

using namespace mlir;
using namespace pagoda::graph;

namespace {

/// reduce_mean over exactly the last axis, keeping it.
bool isLastAxisMean(ReduceMeanOp op) {
  auto type = cast<RankedTensorType>(op.getInput().getType());
  return op && op.getKeepdims() && op.getAxes().size() == 1 &&
         op.getAxes()[0] == type.getRank() - 1;
}

/// A constant of shape [H] (or [1, ..., H]) for the normalized axis.
bool isVectorConstant(Value v, int64_t h) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return false;
  auto t = attr.getType();
  return t.getRank() >= 1 && t.getNumElements() == h && t.getShape().back() == h;
}

/// Matches y = (x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps) rooted at
/// the div, then an optional * gamma and + beta; replaces the last with
/// graph.layer_norm.
struct FuseLayerNorm : OpRewritePattern<DivOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DivOp div, PatternRewriter &rewriter) const override {
    auto d = div.getLhs().getDefiningOp<SubOp>();
    auto sqrt = div.getRhs().getDefiningOp<SqrtOp>();
    if (!d || !sqrt || !sqrt->hasOneUse())
      return failure();
    Value x = d.getLhs();
    auto mean = d.getRhs().getDefiningOp<ReduceMeanOp>();
    if (!mean || mean.getInput() != x || !isLastAxisMean(mean) || !mean->hasOneUse())
      return failure();
    auto type = cast<RankedTensorType>(x.getType());
    if (div.getType() != type || d.getType() != type)
      return failure();
    auto addEps = sqrt.getInput().getDefiningOp<AddOp>();
    if (!addEps || !addEps->hasOneUse())
      return failure();
    std::optional<double> eps = getSplatValue(addEps.getRhs());
    auto var = addEps.getLhs().getDefiningOp<ReduceMeanOp>();
    if (!eps || !var || !isLastAxisMean(var) || !var->hasOneUse())
      return failure();
    // The square: pow(d, 2) or d * d.
    Operation *square = var.getInput().getDefiningOp();
    unsigned squareUses = 0;
    if (auto pow = dyn_cast_or_null<PowOp>(square)) {
      std::optional<double> two = getSplatValue(pow.getRhs());
      if (pow.getLhs() != d.getResult() || !two || *two != 2.0)
        return failure();
      squareUses = 1;
    } else if (auto mul = dyn_cast_or_null<MulOp>(square)) {
      if (mul.getLhs() != d.getResult() || mul.getRhs() != d.getResult())
        return failure();
      squareUses = 2;
    } else {
      return failure();
    }
    if (!square->hasOneUse())
      return failure();
    // d feeds only the square and the div.
    unsigned dUses = 0;
    for (OpOperand &use : d->getUses()) {
      (void)use;
      ++dUses;
    }
    if (dUses != squareUses + 1)
      return failure();

    int64_t h = type.getShape().back();
    Operation *last = div;
    Value gamma, beta;
    if (div->hasOneUse()) {
      if (auto mul = dyn_cast<MulOp>(*div->getUsers().begin());
          mul && mul.getLhs() == div.getResult() && mul.getType() == type &&
          isVectorConstant(mul.getRhs(), h)) {
        gamma = mul.getRhs();
        last = mul;
        if (mul->hasOneUse())
          if (auto add = dyn_cast<AddOp>(*mul->getUsers().begin());
              add && add.getLhs() == mul.getResult() && add.getType() == type &&
              isVectorConstant(add.getRhs(), h)) {
            beta = add.getRhs();
            last = add;
          }
      }
    }
    auto vec = RankedTensorType::get({h}, type.getElementType());
    auto asVector = [&](Value v) -> Value {
      if (cast<RankedTensorType>(v.getType()) == vec)
        return v;
      return ReshapeOp::create(rewriter, v.getLoc(), vec, v);
    };
    if (!gamma) {
      gamma = ConstantOp::create(
          rewriter, div.getLoc(),
          DenseElementsAttr::get(vec, rewriter.getFloatAttr(type.getElementType(), 1.0)));
    }
    auto ln = LayerNormOp::create(
        rewriter, last->getLoc(), type, x, asVector(gamma), beta ? asVector(beta) : Value(),
        rewriter.getI64IntegerAttr(type.getRank() - 1), rewriter.getF64FloatAttr(*eps));
    rewriter.replaceOp(last, ln.getResult());
    return success();
  }
};

class FuseLayerNormPass : public pagoda::graph::impl::GraphFuseLayerNormBase<FuseLayerNormPass> {
public:
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseLayerNorm>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
