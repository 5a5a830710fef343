//===- ConvTransposeAsMatmul.cpp - Non-overlapping ConvTranspose ----------===//
//
// conv_transpose(x, w, b) with kernel = strides, one group and no pads is a
// matmul of the channels-last input with the reordered weight followed by a
// pixel shuffle (Passes.td has the algebra).
//
//===----------------------------------------------------------------------===//

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace pagoda::graph {
#define GEN_PASS_DEF_GRAPHCONVTRANSPOSEASMATMUL
#include "pagoda/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace pagoda::graph

using namespace mlir;
using namespace pagoda::graph;

namespace {

struct ConvTransposeAsMatmul : OpRewritePattern<ConvTransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvTransposeOp op, PatternRewriter &rewriter) const override {
    auto in = dyn_cast<RankedTensorType>(op.getInput().getType());
    auto out = dyn_cast<RankedTensorType>(op.getType());
    DenseElementsAttr w, b;
    if (!in || !out || !in.hasStaticShape() || !out.hasStaticShape() || in.getRank() != 4 ||
        op.getGroup() != 1 || !matchPattern(op.getWeight(), m_Constant(&w)))
      return rewriter.notifyMatchFailure(op, "not a 2-D one-group conv_transpose of a constant");
    if (op.getBias() && !matchPattern(op.getBias(), m_Constant(&b)))
      return rewriter.notifyMatchFailure(op, "a bias computed at run time");
    auto wt = cast<RankedTensorType>(w.getType());
    const int64_t n = in.getDimSize(0), c = in.getDimSize(1), h = in.getDimSize(2),
                  wd = in.getDimSize(3), m = wt.getDimSize(1), kh = wt.getDimSize(2),
                  kw = wt.getDimSize(3);
    ArrayRef<int64_t> strides = op.getStrides();
    auto zero = [](ArrayRef<int64_t> a) { return llvm::all_of(a, [](int64_t v) { return !v; }); };
    auto one = [](ArrayRef<int64_t> a) {
      return llvm::all_of(a, [](int64_t v) { return v == 1; });
    };
    if (strides[0] != kh || strides[1] != kw || !zero(op.getPads()) ||
        !zero(op.getOutputPadding()) || !one(op.getDilations()) ||
        out.getShape() != ArrayRef<int64_t>{n, m, h * kh, wd * kw})
      return rewriter.notifyMatchFailure(op, "windows that overlap, pads or dilations");
    Type et = in.getElementType();
    Location loc = op.getLoc();
    auto tensor = [&](ArrayRef<int64_t> shape) { return RankedTensorType::get(shape, et); };
    // W'[ci][(i*kw + j)*M + co] = w[ci][co][i][j]; the bias per (i, j, co).
    const int64_t cols = kh * kw * m;
    SmallVector<Attribute> wv(w.getValues<Attribute>()), packed(size_t(c * cols));
    for (int64_t ci = 0; ci < c; ++ci)
      for (int64_t co = 0; co < m; ++co)
        for (int64_t i = 0; i < kh; ++i)
          for (int64_t j = 0; j < kw; ++j)
            packed[size_t(ci * cols + (i * kw + j) * m + co)] =
                wv[size_t(((ci * m + co) * kh + i) * kw + j)];
    Value weight =
        ConstantOp::create(rewriter, loc, DenseElementsAttr::get(tensor({c, cols}), packed));
    Value x = TransposeOp::create(rewriter, loc, tensor({n, h, wd, c}), op.getInput(),
                                  rewriter.getDenseI64ArrayAttr({0, 2, 3, 1}));
    x = ReshapeOp::create(rewriter, loc, tensor({n * h * wd, c}), x);
    Value y = MatMulOp::create(rewriter, loc, tensor({n * h * wd, cols}), x, weight);
    if (b) {
      SmallVector<Attribute> bv(b.getValues<Attribute>());
      SmallVector<Attribute> row(static_cast<size_t>(cols));
      for (int64_t k = 0; k < cols; ++k)
        row[size_t(k)] = b.isSplat() ? bv[0] : bv[size_t(k % m)];
      Value bias = ConstantOp::create(rewriter, loc, DenseElementsAttr::get(tensor({cols}), row));
      y = AddOp::create(rewriter, loc, tensor({n * h * wd, cols}), y, bias);
    }
    y = ReshapeOp::create(rewriter, loc, tensor({n * h, wd, kh, kw * m}), y);
    y = TransposeOp::create(rewriter, loc, tensor({n * h, kh, wd, kw * m}), y,
                            rewriter.getDenseI64ArrayAttr({0, 2, 1, 3}));
    y = ReshapeOp::create(rewriter, loc, tensor({n, h * kh, wd * kw, m}), y);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, out, y,
                                             rewriter.getDenseI64ArrayAttr({0, 3, 1, 2}));
    return success();
  }
};

class ConvTransposeAsMatmulPass
    : public pagoda::graph::impl::GraphConvTransposeAsMatmulBase<ConvTransposeAsMatmulPass> {
public:
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ConvTransposeAsMatmul>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
