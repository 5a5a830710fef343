//===- Conv3dAsConv2d.cpp - 3-D convolutions as 2-D ones ------------------===//
//
// conv3d(x, w, b) with a constant weight is one conv2d over images of
// depth-stacked channels (grouped: each group's planes stacked together;
// Passes.td has the algebra), so that it runs on the cube's 2-D
// convolution kernel.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"
#include "pagoda/Target/TargetJSON.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace pagoda::graph {
#define GEN_PASS_DEF_GRAPHCONV3DASCONV2D
#include "pagoda/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace pagoda::graph

using namespace mlir;
using namespace pagoda::graph;

namespace {

struct Conv3dAsConv2d : OpRewritePattern<ConvOp> {
  Conv3dAsConv2d(MLIRContext *ctx, uint64_t alignBytes)
      : OpRewritePattern(ctx), alignBytes_(alignBytes) {}

  LogicalResult matchAndRewrite(ConvOp op, PatternRewriter &rewriter) const override {
    auto in = dyn_cast<RankedTensorType>(op.getInput().getType());
    auto out = dyn_cast<RankedTensorType>(op.getType());
    DenseElementsAttr w;
    if (!in || !out || !in.hasStaticShape() || !out.hasStaticShape() || in.getRank() != 5 ||
        op.getChannelsLast() || !matchPattern(op.getWeight(), m_Constant(&w)))
      return rewriter.notifyMatchFailure(op, "not a 3-D conv of a constant weight");
    auto wt = cast<RankedTensorType>(w.getType());
    const int64_t n = in.getDimSize(0), c = in.getDimSize(1), d = in.getDimSize(2),
                  h = in.getDimSize(3), wd = in.getDimSize(4);
    const int64_t m = wt.getDimSize(0), cg = wt.getDimSize(1), kd = wt.getDimSize(2),
                  kh = wt.getDimSize(3), kw = wt.getDimSize(4), g = int64_t(op.getGroup());
    const int64_t od = out.getDimSize(2), oh = out.getDimSize(3), ow = out.getDimSize(4);
    ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(), dil = op.getDilations();
    const int64_t padBefore = pads[0], padAfter = pads[3], dp = d + padBefore + padAfter;
    if ((kd - 1) * dil[0] + (od - 1) * strides[0] >= dp)
      return rewriter.notifyMatchFailure(op, "an output plane beyond the padded input");
    Type et = in.getElementType();
    // A grouped cube conv reads and writes each group's channels at whole
    // DMA units; otherwise the stacked 2-D conv would run on the host too,
    // after KD times the input had been stacked.
    const int64_t bytes = et.isIntOrFloat() ? int64_t(et.getIntOrFloatBitWidth() / 8) : 0;
    const int64_t align = int64_t(alignBytes_);
    if (g > 1 && (!bytes || (kd * cg * bytes) % align || (m / g * bytes) % align))
      return rewriter.notifyMatchFailure(op, "groups whose stacked channels are not whole DMA "
                                             "units");
    Location loc = op.getLoc();
    auto tensor = [&](ArrayRef<int64_t> shape) { return RankedTensorType::get(shape, et); };
    // [N, D, H, W, C], the depth padded with zero planes.
    Value x = TransposeOp::create(rewriter, loc, tensor({n, d, h, wd, c}), op.getInput(),
                                  rewriter.getDenseI64ArrayAttr({0, 2, 3, 4, 1}));
    if (padBefore || padAfter) {
      SmallVector<Value> parts;
      auto zeros = [&](int64_t planes) {
        RankedTensorType t = tensor({n, planes, h, wd, c});
        return ConstantOp::create(rewriter, loc,
                                  DenseElementsAttr::get(t, rewriter.getZeroAttr(et)));
      };
      if (padBefore)
        parts.push_back(zeros(padBefore));
      parts.push_back(x);
      if (padAfter)
        parts.push_back(zeros(padAfter));
      x = ConcatOp::create(rewriter, loc, tensor({n, dp, h, wd, c}), parts,
                           rewriter.getI64IntegerAttr(1));
    }
    // Plane kd of output plane o is input plane o*sd + kd*dd (padded).
    SmallVector<Value> slices;
    for (int64_t k = 0; k < kd; ++k)
      slices.push_back(SliceOp::create(rewriter, loc, tensor({n, od, h, wd, c}), x,
                                       rewriter.getDenseI64ArrayAttr({0, k * dil[0], 0, 0, 0}),
                                       rewriter.getDenseI64ArrayAttr({1, strides[0], 1, 1, 1})));
    // Channels [g][kd][ci]: a group's stacked channels stay contiguous.
    if (g > 1)
      for (Value &slice : slices)
        slice = ReshapeOp::create(rewriter, loc, tensor({n, od, h, wd, g, cg}), slice);
    Value stacked = kd == 1 ? slices[0]
                    : g > 1 ? ConcatOp::create(rewriter, loc, tensor({n, od, h, wd, g, kd * cg}),
                                               slices, rewriter.getI64IntegerAttr(5))
                            : ConcatOp::create(rewriter, loc, tensor({n, od, h, wd, kd * c}),
                                               slices, rewriter.getI64IntegerAttr(4));
    stacked = ReshapeOp::create(rewriter, loc, tensor({n * od, h, wd, kd * c}), stacked);
    stacked = TransposeOp::create(rewriter, loc, tensor({n * od, kd * c, h, wd}), stacked,
                                  rewriter.getDenseI64ArrayAttr({0, 3, 1, 2}));
    // W'[o][k*Cg + ci][i][j] = w[o][ci][k][i][j] (Cg: channels per group).
    SmallVector<Attribute> wv(w.getValues<Attribute>()), packed(wv.size());
    for (int64_t o = 0; o < m; ++o)
      for (int64_t ci = 0; ci < cg; ++ci)
        for (int64_t k = 0; k < kd; ++k)
          for (int64_t ij = 0; ij < kh * kw; ++ij)
            packed[size_t(((o * kd + k) * cg + ci) * kh * kw + ij)] =
                wv[size_t(((o * cg + ci) * kd + k) * kh * kw + ij)];
    Value weight = ConstantOp::create(rewriter, loc,
                                      DenseElementsAttr::get(tensor({m, kd * cg, kh, kw}), packed));
    Value y = ConvOp::create(rewriter, loc, tensor({n * od, m, oh, ow}), stacked, weight,
                             op.getBias(), rewriter.getDenseI64ArrayAttr({strides[1], strides[2]}),
                             rewriter.getDenseI64ArrayAttr({pads[1], pads[2], pads[4], pads[5]}),
                             rewriter.getDenseI64ArrayAttr({dil[1], dil[2]}),
                             rewriter.getI64IntegerAttr(g), /*channels_last=*/UnitAttr());
    y = ReshapeOp::create(rewriter, loc, tensor({n, od, m, oh, ow}), y);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, out, y,
                                             rewriter.getDenseI64ArrayAttr({0, 2, 1, 3, 4}));
    return success();
  }

private:
  uint64_t alignBytes_;
};

class Conv3dAsConv2dPass : public pagoda::graph::impl::GraphConv3dAsConv2dBase<Conv3dAsConv2dPass> {
public:
  using GraphConv3dAsConv2dBase::GraphConv3dAsConv2dBase;

  void runOnOperation() override {
    pagoda::Result<pagoda::target::TargetDesc> target = pagoda::target::resolveTarget(targetName);
    if (!target) {
      getOperation()->emitError() << "pagoda-graph-conv3d-as-conv2d: " << target.error().str();
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<Conv3dAsConv2d>(&getContext(), std::max<uint64_t>(1, target->dmaMinAlignBytes));
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
