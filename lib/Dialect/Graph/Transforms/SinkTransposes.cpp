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

bool isSplat(Value v) {
  DenseElementsAttr c;
  return matchPattern(v, m_Constant(&c)) && c.isSplat();
}

/// `v` (per dimension of a transpose's result) in the order of the
/// transpose's input: result dim i is input dim perm[i].
template <typename T> SmallVector<T> unpermute(ArrayRef<T> v, ArrayRef<int64_t> perm) {
  SmallVector<T> out(v.size());
  for (size_t i = 0; i < perm.size(); ++i)
    out[size_t(perm[i])] = v[i];
  return out;
}

/// Whether a pool reads its whole unpadded spatial extent (a global pool:
/// GlobalPoolAsReduce makes it a reduction).
template <typename Pool> bool isGlobalPool(Operation *op) {
  auto pool = dyn_cast<Pool>(op);
  if (!pool || pool.getChannelsLast())
    return false;
  auto in = cast<RankedTensorType>(pool.getInput().getType());
  if (!in.hasStaticShape() || llvm::any_of(pool.getPads(), [](int64_t p) { return p != 0; }))
    return false;
  for (auto [i, k] : llvm::enumerate(pool.getKernel()))
    if (k != in.getDimSize(int64_t(i) + 2) || pool.getDilations()[i] != 1)
      return false;
  return true;
}

/// The permutation every operand of a concat is transposed by, if one is.
std::optional<ArrayRef<int64_t>> concatPerm(ConcatOp c) {
  std::optional<ArrayRef<int64_t>> perm;
  for (Value v : c.getInputs()) {
    auto t = v.getDefiningOp<TransposeOp>();
    if (!t || (perm && *perm != t.getPerm()))
      return std::nullopt;
    perm = t.getPerm();
  }
  return perm;
}

/// Whether `perm` takes a channels-last tensor to channels-first
/// ([0, r-1, 1, ..., r-2]).
bool toChannelsFirst(ArrayRef<int64_t> perm) {
  if (perm.size() < 3 || perm[0] != 0 || perm[1] != int64_t(perm.size()) - 1)
    return false;
  for (size_t i = 2; i < perm.size(); ++i)
    if (perm[i] != int64_t(i) - 1)
      return false;
  return true;
}

/// A channels-first pool of a channels-last tensor's transpose (which
/// LocalPoolThroughTranspose makes channels-last).
template <typename Pool> bool isTransposedPool(Operation *op) {
  auto pool = dyn_cast<Pool>(op);
  if (!pool || pool.getChannelsLast())
    return false;
  auto t = pool.getInput().template getDefiningOp<TransposeOp>();
  return t && toChannelsFirst(t.getPerm());
}

/// Whether a transpose moves through `user` (or folds into it): elementwise
/// ops, transposes, keepdims reductions, pools, resizes and concats of
/// operands transposed alike.
bool commutes(Operation *user) {
  if (isElementwise(user) || isa<TransposeOp, ResizeOp>(user) || isGlobalPool<AvgPoolOp>(user) ||
      isGlobalPool<MaxPoolOp>(user) || isTransposedPool<AvgPoolOp>(user) ||
      isTransposedPool<MaxPoolOp>(user))
    return true;
  if (auto c = dyn_cast<ConcatOp>(user))
    return concatPerm(c).has_value();
  if (auto r = dyn_cast<ReduceMeanOp>(user))
    return r.getKeepdims();
  if (auto r = dyn_cast<ReduceMaxOp>(user))
    return r.getKeepdims();
  if (auto r = dyn_cast<ReduceSumOp>(user))
    return r.getKeepdims();
  return false;
}

/// Whether every user of `t` commutes with it: sinking (or folding) through
/// each then removes it, so sinking does not duplicate the work (an SE
/// block's transpose feeds both its global pool and its product).
bool sinks(TransposeOp t) { return t->hasOneUse() || llvm::all_of(t->getUsers(), commutes); }

/// `shape` (right-aligned to `rank` with leading ones) in the layout before
/// a transpose by `perm`, if that moves only dimensions of size 1 (so the
/// data is the same: a reshape) or `anyOrder` (a splat).
std::optional<SmallVector<int64_t>> beforeTranspose(ArrayRef<int64_t> shape, ArrayRef<int64_t> perm,
                                                    bool anyOrder) {
  const size_t rank = perm.size();
  if (shape.size() > rank)
    return std::nullopt;
  SmallVector<int64_t> full(rank - shape.size(), 1);
  full.append(shape.begin(), shape.end());
  // Transposed dim i is original dim perm[i]: original dim perm[i] = full[i].
  SmallVector<int64_t> out(rank, 1);
  int64_t last = -1;
  for (size_t i = 0; i < rank; ++i) {
    out[size_t(perm[i])] = full[i];
    if (full[i] != 1 && !anyOrder) {
      if (perm[i] < last)
        return std::nullopt;
      last = perm[i];
    }
  }
  return out;
}

/// op(transpose(x), ...) -> transpose(op(x, ...)) when every other operand
/// is a transpose by the same permutation or reads the same in the
/// original layout after a reshape (splats, per-channel constants and
/// values such as [N, C, 1, 1] against NHWC).
struct SinkThroughElementwise : RewritePattern {
  SinkThroughElementwise(MLIRContext *ctx) : RewritePattern(MatchAnyOpTypeTag(), 1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!isElementwise(op) || op->getNumResults() != 1)
      return failure();
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    TransposeOp first;
    for (Value v : op->getOperands())
      if (auto t = v.getDefiningOp<TransposeOp>();
          t && cast<RankedTensorType>(t.getType()).getShape() == resultType.getShape()) {
        first = t;
        break;
      }
    if (!first || !sinks(first))
      return failure();
    ArrayRef<int64_t> perm = first.getPerm();
    auto inType = cast<RankedTensorType>(first.getInput().getType());
    // How each operand reads in the original layout.
    SmallVector<Value> operands;
    SmallVector<TransposeOp> sunk;
    for (Value v : op->getOperands()) {
      if (auto t = v.getDefiningOp<TransposeOp>();
          t && t.getPerm() == perm && sinks(t) && t.getInput().getType() == inType) {
        operands.push_back(t.getInput());
        if (!llvm::is_contained(sunk, t))
          sunk.push_back(t);
        continue;
      }
      auto vt = cast<RankedTensorType>(v.getType());
      if (!vt.hasStaticShape())
        return failure();
      if (!beforeTranspose(vt.getShape(), perm, isSplat(v)))
        return failure();
      operands.push_back(v); // rewritten below, once the match is sure
    }
    SmallVector<Value> mapped;
    for (auto [v, orig] : llvm::zip(operands, op->getOperands())) {
      if (v != orig) {
        mapped.push_back(v);
        continue;
      }
      auto vt = cast<RankedTensorType>(v.getType());
      auto shaped = RankedTensorType::get(*beforeTranspose(vt.getShape(), perm, isSplat(v)),
                                          vt.getElementType());
      if (shaped == vt) {
        mapped.push_back(v);
        continue;
      }
      DenseElementsAttr c;
      if (isSplat(v) && matchPattern(v, m_Constant(&c)))
        mapped.push_back(ConstantOp::create(
            rewriter, op->getLoc(), DenseElementsAttr::get(shaped, c.getSplatValue<Attribute>())));
      else if (matchPattern(v, m_Constant(&c)))
        mapped.push_back(ConstantOp::create(rewriter, op->getLoc(), c.reshape(shaped)));
      else
        mapped.push_back(ReshapeOp::create(rewriter, op->getLoc(), shaped, v));
    }
    IRMapping map;
    for (auto [from, to] : llvm::zip(op->getOperands(), mapped))
      map.map(from, to);
    Operation *moved = rewriter.clone(*op, map);
    moved->getResult(0).setType(
        RankedTensorType::get(inType.getShape(), resultType.getElementType()));
    auto result = TransposeOp::create(rewriter, first.getLoc(), resultType, moved->getResult(0),
                                      first.getPermAttr());
    rewriter.replaceOp(op, result.getResult());
    for (TransposeOp t : sunk)
      if (t->use_empty())
        rewriter.eraseOp(t);
    return success();
  }
};

/// A transpose that moves only dimensions of size 1 is a reshape.
struct TransposeAsReshape : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp t, PatternRewriter &rewriter) const override {
    auto in = cast<RankedTensorType>(t.getInput().getType());
    if (!in.hasStaticShape())
      return failure();
    int64_t last = -1;
    for (int64_t d : t.getPerm())
      if (in.getDimSize(d) != 1) {
        if (d < last)
          return failure();
        last = d;
      }
    rewriter.replaceOpWithNewOp<ReshapeOp>(t, t.getType(), t.getInput());
    return success();
  }
};

/// A pool whose window is the whole unpadded spatial extent of a
/// transposed input is a reduction (which then commutes with the
/// transpose): global average and max pooling in channels-last regions.
template <typename Pool, typename Reduce> struct GlobalPoolAsReduce : OpRewritePattern<Pool> {
  using OpRewritePattern<Pool>::OpRewritePattern;
  LogicalResult matchAndRewrite(Pool pool, PatternRewriter &rewriter) const override {
    if (!pool.getInput().template getDefiningOp<TransposeOp>() || !isGlobalPool<Pool>(pool))
      return failure();
    SmallVector<int64_t> axes;
    for (size_t i = 0; i < pool.getKernel().size(); ++i)
      axes.push_back(int64_t(i) + 2);
    rewriter.replaceOpWithNewOp<Reduce>(pool, pool.getType(), pool.getInput(),
                                        rewriter.getDenseI64ArrayAttr(axes),
                                        rewriter.getBoolAttr(true));
    return success();
  }
};

/// pool(transpose(x, to channels-first)) -> transpose(pool{channels_last}(x)):
/// a local pool runs on the channels-last tensor (global pools become
/// reductions instead).
template <typename Pool> struct LocalPoolThroughTranspose : OpRewritePattern<Pool> {
  using OpRewritePattern<Pool>::OpRewritePattern;
  LogicalResult matchAndRewrite(Pool pool, PatternRewriter &rewriter) const override {
    auto out = cast<RankedTensorType>(pool.getType());
    if (!isTransposedPool<Pool>(pool) || isGlobalPool<Pool>(pool) || !out.hasStaticShape())
      return failure();
    auto t = pool.getInput().template getDefiningOp<TransposeOp>();
    if (!sinks(t))
      return failure();
    SmallVector<int64_t> shape = unpermute(out.getShape(), t.getPerm()); // [N, O..., C]
    auto moved = cast<Pool>(rewriter.clone(*pool));
    moved->setOperand(0, t.getInput());
    moved.getResult().setType(RankedTensorType::get(shape, out.getElementType()));
    moved.setChannelsLast(true);
    rewriter.replaceOpWithNewOp<TransposeOp>(pool, out, moved.getResult(), t.getPermAttr());
    return success();
  }
};

/// reduce(transpose(x, perm), axes, keepdims) -> transpose(reduce(x,
/// perm[axes], keepdims), perm).
template <typename Reduce> struct ReduceThroughTranspose : OpRewritePattern<Reduce> {
  using OpRewritePattern<Reduce>::OpRewritePattern;
  LogicalResult matchAndRewrite(Reduce r, PatternRewriter &rewriter) const override {
    auto t = r.getInput().template getDefiningOp<TransposeOp>();
    if (!t || !r.getKeepdims() || !sinks(t))
      return failure();
    ArrayRef<int64_t> perm = t.getPerm();
    SmallVector<int64_t> axes;
    for (int64_t a : r.getAxes())
      axes.push_back(perm[size_t(a)]);
    llvm::sort(axes);
    auto in = cast<RankedTensorType>(t.getInput().getType());
    SmallVector<int64_t> shape(in.getShape());
    for (int64_t a : axes)
      shape[size_t(a)] = 1;
    auto reduced = Reduce::create(rewriter, r.getLoc(),
                                  RankedTensorType::get(shape, in.getElementType()), t.getInput(),
                                  rewriter.getDenseI64ArrayAttr(axes), rewriter.getBoolAttr(true));
    rewriter.replaceOpWithNewOp<TransposeOp>(r, r.getType(), reduced.getResult(), t.getPermAttr());
    return success();
  }
};

/// resize(transpose(x, perm)) -> transpose(resize(x), perm), the scales
/// permuted along (resizing is separable: each axis has its own scale).
struct ResizeThroughTranspose : OpRewritePattern<ResizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ResizeOp r, PatternRewriter &rewriter) const override {
    auto t = r.getInput().getDefiningOp<TransposeOp>();
    auto out = cast<RankedTensorType>(r.getType());
    if (!t || !sinks(t) || !out.hasStaticShape())
      return failure();
    ArrayRef<int64_t> perm = t.getPerm();
    SmallVector<int64_t> shape = unpermute(out.getShape(), perm);
    auto moved = cast<ResizeOp>(rewriter.clone(*r));
    moved->setOperand(0, t.getInput());
    moved.getResult().setType(RankedTensorType::get(shape, out.getElementType()));
    if (std::optional<ArrayRef<double>> scales = r.getScales())
      moved.setScalesAttr(rewriter.getDenseF64ArrayAttr(unpermute(*scales, perm)));
    rewriter.replaceOpWithNewOp<TransposeOp>(r, out, moved.getResult(), t.getPermAttr());
    return success();
  }
};

/// concat(transpose(a, perm), transpose(b, perm), axis) ->
/// transpose(concat(a, b, perm[axis]), perm).
struct ConcatThroughTranspose : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp c, PatternRewriter &rewriter) const override {
    std::optional<ArrayRef<int64_t>> perm = concatPerm(c);
    auto out = cast<RankedTensorType>(c.getType());
    if (!perm || !out.hasStaticShape())
      return failure();
    SmallVector<Value> inputs;
    for (Value v : c.getInputs()) {
      auto t = v.getDefiningOp<TransposeOp>();
      if (!sinks(t))
        return failure();
      inputs.push_back(t.getInput());
    }
    SmallVector<int64_t> shape = unpermute(out.getShape(), *perm);
    const int64_t axis = (*perm)[size_t(c.getAxis())];
    auto joined =
        ConcatOp::create(rewriter, c.getLoc(), RankedTensorType::get(shape, out.getElementType()),
                         inputs, rewriter.getI64IntegerAttr(axis));
    auto first = c.getInputs().front().getDefiningOp<TransposeOp>();
    rewriter.replaceOpWithNewOp<TransposeOp>(c, out, joined.getResult(), first.getPermAttr());
    return success();
  }
};

class SinkTransposesPass : public pagoda::graph::impl::GraphSinkTransposesBase<SinkTransposesPass> {
public:
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<SinkThroughElementwise, TransposeAsReshape,
                 GlobalPoolAsReduce<AvgPoolOp, ReduceMeanOp>,
                 GlobalPoolAsReduce<MaxPoolOp, ReduceMaxOp>, ReduceThroughTranspose<ReduceMeanOp>,
                 ReduceThroughTranspose<ReduceMaxOp>, ReduceThroughTranspose<ReduceSumOp>,
                 ResizeThroughTranspose, ConcatThroughTranspose,
                 LocalPoolThroughTranspose<AvgPoolOp>, LocalPoolThroughTranspose<MaxPoolOp>>(
        &getContext());
    // The transpose folders cancel the pairs that sinking brings together.
    TransposeOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
