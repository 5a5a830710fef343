//===- FuseSoftmax.cpp - Recognize decomposed softmax ---------------------===//
//
// torch-mlir (through linalg) and older TensorFlow exporters write softmax
// as its arithmetic: m = max(x, axis); e = exp(x - m); y = e / sum(e, axis).
// The reductions keep the axis either directly (keepdims) or through a
// reshape of the reduced tensor; both forms are matched.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace pagoda::graph {
#define GEN_PASS_DEF_GRAPHFUSESOFTMAX
#include "pagoda/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace pagoda::graph

using namespace mlir;
using namespace pagoda::graph;

namespace {

/// `v` is a reduction of `x` over one axis with that axis kept as 1, by
/// keepdims or by a reshape of the reduced tensor; returns the reduction
/// (with one use along the way) and its axis.
template <typename ReduceOp> std::optional<int64_t> keptReduction(Value v, Value &x) {
  Operation *keep = nullptr;
  auto reduce = v.getDefiningOp<ReduceOp>();
  if (!reduce) {
    auto reshape = v.getDefiningOp<ReshapeOp>();
    if (!reshape || !reshape->hasOneUse())
      return std::nullopt;
    reduce = reshape.getInput().template getDefiningOp<ReduceOp>();
    keep = reshape;
  }
  if (!reduce || reduce.getAxes().size() != 1 || !reduce->hasOneUse())
    return std::nullopt;
  int64_t axis = reduce.getAxes()[0];
  auto in = cast<RankedTensorType>(reduce.getInput().getType());
  SmallVector<int64_t> kept(in.getShape());
  kept[axis] = 1;
  if (cast<RankedTensorType>(v.getType()).getShape() != ArrayRef<int64_t>(kept))
    return std::nullopt;
  if (!keep && !reduce.getKeepdims())
    return std::nullopt;
  x = reduce.getInput();
  return axis;
}

struct FuseSoftmax : OpRewritePattern<DivOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DivOp div, PatternRewriter &rewriter) const override {
    auto exp = div.getLhs().getDefiningOp<ExpOp>();
    if (!exp || div.getType() != exp.getType())
      return failure();
    // exp feeds only the sum and the division.
    Value summed;
    std::optional<int64_t> axis = keptReduction<ReduceSumOp>(div.getRhs(), summed);
    if (!axis || summed != exp.getResult() || !llvm::hasNItems(exp->getUses(), 2))
      return failure();
    auto sub = exp.getInput().getDefiningOp<SubOp>();
    if (!sub || !sub->hasOneUse() || sub.getType() != exp.getType())
      return failure();
    Value x = sub.getLhs(), maxed;
    std::optional<int64_t> maxAxis = keptReduction<ReduceMaxOp>(sub.getRhs(), maxed);
    if (!maxAxis || *maxAxis != *axis || maxed != x || x.getType() != div.getType())
      return failure();
    rewriter.replaceOpWithNewOp<SoftmaxOp>(div, div.getType(), x,
                                           rewriter.getI64IntegerAttr(*axis));
    return success();
  }
};

class FuseSoftmaxPass : public pagoda::graph::impl::GraphFuseSoftmaxBase<FuseSoftmaxPass> {
public:
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseSoftmax>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
