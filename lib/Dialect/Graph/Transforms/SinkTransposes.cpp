//===- SinkTransposes.cpp - Commute transposes with elementwise ops -------===//

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace pagoda::graph {
#define GEN_PASS_DEF_GRAPHSINKTRANSPOSES
#include "pagoda/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace pagoda::graph

using namespace mlir;
using namespace pagoda::graph;

namespace {

/// op(transpose(x), splats...) -> transpose(op(x, splats...)).
struct SinkThroughElementwise : RewritePattern {
  SinkThroughElementwise(MLIRContext *ctx) : RewritePattern(MatchAnyOpTypeTag(), 1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!isElementwise(op) || op->getNumResults() != 1)
      return failure();
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    TransposeOp transpose;
    for (Value v : op->getOperands()) {
      if (auto t = v.getDefiningOp<TransposeOp>()) {
        if (transpose || !t->hasOneUse() ||
            cast<RankedTensorType>(t.getType()).getShape() != resultType.getShape())
          return failure();
        transpose = t;
        continue;
      }
      // Other operands must read the same under any permutation.
      DenseElementsAttr c;
      if (!matchPattern(v, m_Constant(&c)) || !c.isSplat())
        return failure();
    }
    if (!transpose)
      return failure();
    Value x = transpose.getInput();
    auto inType = cast<RankedTensorType>(x.getType());
    IRMapping map;
    map.map(transpose.getResult(), x);
    // Splat operands of the result's rank take the input's shape.
    for (Value v : op->getOperands()) {
      if (v == transpose.getResult())
        continue;
      auto ct = cast<RankedTensorType>(v.getType());
      if (ct.getRank() != inType.getRank())
        continue;
      DenseElementsAttr c;
      matchPattern(v, m_Constant(&c));
      auto shaped = RankedTensorType::get(inType.getShape(), ct.getElementType());
      SmallVector<int64_t> ones(size_t(inType.getRank()), 1);
      if (ct.getShape() != ArrayRef<int64_t>(ones))
        map.map(v,
                ConstantOp::create(rewriter, op->getLoc(),
                                   DenseElementsAttr::get(shaped, c.getSplatValue<Attribute>())));
    }
    Operation *moved = rewriter.clone(*op, map);
    moved->getResult(0).setType(
        RankedTensorType::get(inType.getShape(), resultType.getElementType()));
    auto sunk = TransposeOp::create(rewriter, transpose.getLoc(), resultType, moved->getResult(0),
                                    transpose.getPermAttr());
    rewriter.replaceOp(op, sunk.getResult());
    rewriter.eraseOp(transpose);
    return success();
  }
};

class SinkTransposesPass : public pagoda::graph::impl::GraphSinkTransposesBase<SinkTransposesPass> {
public:
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<SinkThroughElementwise>(&getContext());
    // The transpose folders cancel the pairs that sinking brings together.
    TransposeOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
