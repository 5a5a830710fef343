//===- FoldBatchNorm.cpp - Fold inference batch normalization -------------===//

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace pagoda::graph {
#define GEN_PASS_DEF_GRAPHFOLDBATCHNORM
#include "pagoda/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace pagoda::graph

using namespace mlir;
using namespace pagoda::graph;

namespace {

/// The elements of a float constant, as doubles.
std::optional<std::vector<double>> floatsOf(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  std::vector<double> out;
  out.reserve(size_t(attr.getNumElements()));
  for (const APFloat &f : attr.getValues<APFloat>())
    out.push_back(f.convertToDouble());
  return out;
}

/// A constant of `type` from doubles, each rounded once to its element type.
Value makeConstant(PatternRewriter &rewriter, Location loc, RankedTensorType type,
                   ArrayRef<double> values) {
  auto ft = cast<FloatType>(type.getElementType());
  SmallVector<APFloat> elements;
  for (double v : values) {
    APFloat f(v);
    bool lost = false;
    f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    elements.push_back(f);
  }
  return ConstantOp::create(rewriter, loc, DenseElementsAttr::get(type, elements));
}

/// The per-channel affine form of a batch_norm with constant statistics.
struct Affine {
  std::vector<double> scale, shift; // y = x * scale[c] + shift[c]
};

std::optional<Affine> affineOf(BatchNormOp bn) {
  auto gamma = floatsOf(bn.getScale()), beta = floatsOf(bn.getBias()),
       mean = floatsOf(bn.getMean()), var = floatsOf(bn.getVariance());
  auto type = cast<RankedTensorType>(bn.getInput().getType());
  if (!gamma || !beta || !mean || !var || type.getRank() < 2 ||
      ShapedType::isDynamic(type.getDimSize(1)))
    return std::nullopt;
  size_t c = size_t(type.getDimSize(1));
  if (gamma->size() != c || beta->size() != c || mean->size() != c || var->size() != c)
    return std::nullopt;
  Affine a;
  double eps = bn.getEpsilon().convertToDouble();
  for (size_t i = 0; i < c; ++i) {
    double s = (*gamma)[i] / std::sqrt((*var)[i] + eps);
    a.scale.push_back(s);
    a.shift.push_back((*beta)[i] - (*mean)[i] * s);
  }
  return a;
}

/// conv -> batch_norm: scale each output channel's filter, fold the shift
/// into the bias.
struct FoldIntoConv : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn, PatternRewriter &rewriter) const override {
    auto conv = bn.getInput().getDefiningOp<ConvOp>();
    // batch_norm's channels are dimension 1.
    if (!conv || !conv->hasOneUse() || conv.getChannelsLast())
      return failure();
    std::optional<Affine> a = affineOf(bn);
    std::optional<std::vector<double>> w = floatsOf(conv.getWeight());
    if (!a || !w)
      return failure();
    std::vector<double> bias(a->scale.size(), 0.0);
    if (Value b = conv.getBias()) {
      std::optional<std::vector<double>> bv = floatsOf(b);
      if (!bv || bv->size() != bias.size())
        return failure();
      bias = *bv;
    }
    size_t channels = a->scale.size(), per = w->size() / channels;
    for (size_t c = 0; c < channels; ++c) {
      for (size_t i = 0; i < per; ++i)
        (*w)[c * per + i] *= a->scale[c];
      bias[c] = bias[c] * a->scale[c] + a->shift[c];
    }
    auto wType = cast<RankedTensorType>(conv.getWeight().getType());
    auto bType = RankedTensorType::get({int64_t(channels)}, wType.getElementType());
    Value newW = makeConstant(rewriter, conv.getLoc(), wType, *w);
    Value newB = makeConstant(rewriter, bn.getLoc(), bType, bias);
    auto fused = ConvOp::create(rewriter, conv.getLoc(), bn.getType(), conv.getInput(), newW, newB,
                                conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
                                conv.getGroupAttr());
    rewriter.replaceOp(bn, fused.getResult());
    rewriter.eraseOp(conv);
    return success();
  }
};

/// gemm [N, C] -> batch_norm: scale B's output columns (rows when
/// transposed); the shift and the scaled C become the new C (beta 1).
struct FoldIntoGemm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn, PatternRewriter &rewriter) const override {
    auto gemm = bn.getInput().getDefiningOp<GemmOp>();
    if (!gemm || !gemm->hasOneUse())
      return failure();
    std::optional<Affine> a = affineOf(bn);
    std::optional<std::vector<double>> b = floatsOf(gemm.getB());
    if (!a || !b)
      return failure();
    auto bType = cast<RankedTensorType>(gemm.getB().getType());
    size_t channels = a->scale.size();
    bool transB = gemm.getTransB();
    size_t rows = size_t(bType.getDimSize(0)), cols = size_t(bType.getDimSize(1));
    if ((transB ? rows : cols) != channels)
      return failure();
    for (size_t r = 0; r < rows; ++r)
      for (size_t k = 0; k < cols; ++k)
        (*b)[r * cols + k] *= a->scale[transB ? r : k];
    // C: absent, a scalar, [C] or [1, C].
    std::vector<double> c(channels, 0.0);
    if (Value cv = gemm.getC()) {
      std::optional<std::vector<double>> vals = floatsOf(cv);
      if (!vals || (vals->size() != 1 && vals->size() != channels))
        return failure();
      for (size_t i = 0; i < channels; ++i)
        c[i] = (*vals)[vals->size() == 1 ? 0 : i];
    }
    double beta = gemm.getBeta().convertToDouble();
    for (size_t i = 0; i < channels; ++i)
      c[i] = c[i] * beta * a->scale[i] + a->shift[i];
    Value newB = makeConstant(rewriter, gemm.getLoc(), bType, *b);
    Value newC =
        makeConstant(rewriter, bn.getLoc(),
                     RankedTensorType::get({int64_t(channels)}, bType.getElementType()), c);
    auto fused = GemmOp::create(rewriter, gemm.getLoc(), bn.getType(), gemm.getA(), newB, newC,
                                gemm.getAlphaAttr(), rewriter.getF64FloatAttr(1.0),
                                gemm.getTransAAttr(), gemm.getTransBAttr());
    rewriter.replaceOp(bn, fused.getResult());
    rewriter.eraseOp(gemm);
    return success();
  }
};

/// matmul [N, K] x [K, C] -> batch_norm: scale the weight's columns and add
/// the shift.
struct FoldIntoMatMul : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn, PatternRewriter &rewriter) const override {
    auto mm = bn.getInput().getDefiningOp<MatMulOp>();
    if (!mm || !mm->hasOneUse() || cast<RankedTensorType>(mm.getType()).getRank() != 2)
      return failure();
    auto wType = cast<RankedTensorType>(mm.getRhs().getType());
    std::optional<Affine> a = affineOf(bn);
    std::optional<std::vector<double>> w = floatsOf(mm.getRhs());
    if (!a || !w || wType.getRank() != 2 || size_t(wType.getDimSize(1)) != a->scale.size())
      return failure();
    size_t cols = a->scale.size();
    for (size_t i = 0; i < w->size(); ++i)
      (*w)[i] *= a->scale[i % cols];
    Value newW = makeConstant(rewriter, mm.getLoc(), wType, *w);
    Value shift =
        makeConstant(rewriter, bn.getLoc(),
                     RankedTensorType::get({int64_t(cols)}, wType.getElementType()), a->shift);
    auto product = MatMulOp::create(rewriter, mm.getLoc(), mm.getType(), mm.getLhs(), newW);
    rewriter.replaceOpWithNewOp<AddOp>(bn, bn.getType(), product, shift);
    rewriter.eraseOp(mm);
    return success();
  }
};

/// Any other batch_norm with constant statistics: x * scale + shift with
/// [C, 1, ..., 1] constants.
struct Decompose : OpRewritePattern<BatchNormOp> {
  Decompose(MLIRContext *ctx) : OpRewritePattern(ctx, /*benefit=*/0) {}
  LogicalResult matchAndRewrite(BatchNormOp bn, PatternRewriter &rewriter) const override {
    std::optional<Affine> a = affineOf(bn);
    if (!a)
      return failure();
    auto type = cast<RankedTensorType>(bn.getType());
    SmallVector<int64_t> shape(size_t(type.getRank() - 1), 1);
    shape[0] = int64_t(a->scale.size());
    auto ct = RankedTensorType::get(shape, type.getElementType());
    Value s = makeConstant(rewriter, bn.getLoc(), ct, a->scale);
    Value t = makeConstant(rewriter, bn.getLoc(), ct, a->shift);
    Value scaled = MulOp::create(rewriter, bn.getLoc(), type, bn.getInput(), s);
    rewriter.replaceOpWithNewOp<AddOp>(bn, type, scaled, t);
    return success();
  }
};

class FoldBatchNormPass : public pagoda::graph::impl::GraphFoldBatchNormBase<FoldBatchNormPass> {
public:
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoConv, FoldIntoGemm, FoldIntoMatMul, Decompose>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
