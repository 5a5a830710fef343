//===- ConvTransposeAsMatmul.cpp - ConvTranspose as cube work -------------===//
//
// conv_transpose(x, w, b) with kernel = strides, one group and no pads is a
// matmul of the channels-last input with the reordered weight followed by a
// pixel shuffle; one whose windows overlap is one stride-1 conv per output
// phase, the phases interleaved by concats (Passes.td has the algebra).
//
//===----------------------------------------------------------------------===//

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <numeric>

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

/// One axis of the phase decomposition: output o = s*q + a reads input
/// q + t*dilation - pad[a] through taps[a][t] of the transposed kernel.
struct Phases {
  int64_t stride = 1, q = 0; ///< q: outputs per phase (the last may be short)
  int64_t dilation = 1;      ///< between a phase's taps, in inputs
  SmallVector<SmallVector<int64_t>> taps;
  SmallVector<int64_t> padBegin, padEnd;
};

/// The phases of an axis of `in` inputs, kernel `k`, stride `s`, dilation
/// `d`, begin pad `p` and `out` outputs; nothing when a phase has no tap or
/// would need a negative pad.
std::optional<Phases> phasesOf(int64_t in, int64_t k, int64_t s, int64_t d, int64_t p,
                               int64_t out) {
  Phases ph;
  ph.stride = s;
  ph.q = (out + s - 1) / s;
  // Taps j*d congruent mod s are s/g apart, their inputs d/g apart.
  ph.dilation = d / std::gcd(d, s);
  for (int64_t a = 0; a < s; ++a) {
    // o + p = i*s + j*d: tap j reads input i = q + (a + p - j*d)/s when s
    // divides a + p - j*d. Correlation order: the largest j reads first.
    SmallVector<int64_t> t;
    for (int64_t j = k - 1; j >= 0; --j)
      if ((a + p - j * d) % s == 0)
        t.push_back(j);
    if (t.empty())
      return std::nullopt;
    const int64_t first = (a + p - t.front() * d) / s; // input of tap 0 is q + first
    const int64_t begin = -first, end = ph.q + first + (int64_t(t.size()) - 1) * ph.dilation - in;
    if (begin < 0 || end < 0)
      return std::nullopt;
    ph.taps.push_back(std::move(t));
    ph.padBegin.push_back(begin);
    ph.padEnd.push_back(end);
  }
  return ph;
}

struct ConvTransposeAsConvs : OpRewritePattern<ConvTransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvTransposeOp op, PatternRewriter &rewriter) const override {
    auto in = dyn_cast<RankedTensorType>(op.getInput().getType());
    auto out = dyn_cast<RankedTensorType>(op.getType());
    DenseElementsAttr w;
    if (!in || !out || !in.hasStaticShape() || !out.hasStaticShape() || in.getRank() != 4 ||
        !matchPattern(op.getWeight(), m_Constant(&w)))
      return rewriter.notifyMatchFailure(op, "not a 2-D conv_transpose of a constant weight");
    auto wt = cast<RankedTensorType>(w.getType());
    const int64_t n = in.getDimSize(0), c = in.getDimSize(1), g = int64_t(op.getGroup());
    const int64_t mg = wt.getDimSize(1), m = mg * g, kh = wt.getDimSize(2), kw = wt.getDimSize(3),
                  oh = out.getDimSize(2), ow = out.getDimSize(3);
    ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(), dilations = op.getDilations();
    std::optional<Phases> rows =
        phasesOf(in.getDimSize(2), kh, strides[0], dilations[0], pads[0], oh);
    std::optional<Phases> cols =
        phasesOf(in.getDimSize(3), kw, strides[1], dilations[1], pads[1], ow);
    if (!rows || !cols)
      return rewriter.notifyMatchFailure(op, "a phase without taps or with a negative pad");
    Type et = in.getElementType();
    Location loc = op.getLoc();
    auto tensor = [&](ArrayRef<int64_t> shape) { return RankedTensorType::get(shape, et); };
    const int64_t sh = rows->stride, sw = cols->stride, q = rows->q, qw = cols->q;
    SmallVector<Attribute> wv(w.getValues<Attribute>());
    // Phase (a, b): conv weight [m][c/g][ta][tb], taken from w[c][m/g][kh][kw].
    SmallVector<Value> rowsOut;
    for (int64_t a = 0; a < sh; ++a) {
      SmallVector<Value> phases;
      for (int64_t b = 0; b < sw; ++b) {
        ArrayRef<int64_t> ta = rows->taps[size_t(a)], tb = cols->taps[size_t(b)];
        const int64_t na = int64_t(ta.size()), nb = int64_t(tb.size()), cg = c / g;
        SmallVector<Attribute> packed;
        packed.reserve(size_t(m * cg * na * nb));
        for (int64_t o = 0; o < m; ++o)
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t i = 0; i < na; ++i)
              for (int64_t j = 0; j < nb; ++j)
                packed.push_back(wv[size_t((((o / mg) * cg + ci) * mg + o % mg) * kh * kw +
                                           ta[size_t(i)] * kw + tb[size_t(j)])]);
        Value weight = ConstantOp::create(rewriter, loc,
                                          DenseElementsAttr::get(tensor({m, cg, na, nb}), packed));
        Value y = ConvOp::create(
            rewriter, loc, tensor({n, m, q, qw}), op.getInput(), weight, op.getBias(),
            rewriter.getDenseI64ArrayAttr({1, 1}),
            rewriter.getDenseI64ArrayAttr({rows->padBegin[size_t(a)], cols->padBegin[size_t(b)],
                                           rows->padEnd[size_t(a)], cols->padEnd[size_t(b)]}),
            rewriter.getDenseI64ArrayAttr({rows->dilation, cols->dilation}),
            rewriter.getI64IntegerAttr(g),
            /*channels_last=*/UnitAttr());
        y = TransposeOp::create(rewriter, loc, tensor({n, q, qw, m}), y,
                                rewriter.getDenseI64ArrayAttr({0, 2, 3, 1}));
        phases.push_back(ReshapeOp::create(rewriter, loc, tensor({n, q, qw, 1, m}), y));
      }
      // Output column qw*sw + b: the phases side by side per pixel.
      Value row = sw == 1 ? phases[0]
                          : ConcatOp::create(rewriter, loc, tensor({n, q, qw, sw, m}), phases,
                                             rewriter.getI64IntegerAttr(3));
      rowsOut.push_back(ReshapeOp::create(rewriter, loc, tensor({n, q, 1, qw * sw, m}), row));
    }
    // Output row q*sh + a.
    Value y = sh == 1 ? rowsOut[0]
                      : ConcatOp::create(rewriter, loc, tensor({n, q, sh, qw * sw, m}), rowsOut,
                                         rewriter.getI64IntegerAttr(2));
    y = ReshapeOp::create(rewriter, loc, tensor({n, q * sh, qw * sw, m}), y);
    // A short last phase: one slice per axis (each a movement kernel).
    if (q * sh != oh)
      y = SliceOp::create(rewriter, loc, tensor({n, oh, qw * sw, m}), y,
                          rewriter.getDenseI64ArrayAttr({0, 0, 0, 0}),
                          rewriter.getDenseI64ArrayAttr({1, 1, 1, 1}));
    if (qw * sw != ow)
      y = SliceOp::create(rewriter, loc, tensor({n, oh, ow, m}), y,
                          rewriter.getDenseI64ArrayAttr({0, 0, 0, 0}),
                          rewriter.getDenseI64ArrayAttr({1, 1, 1, 1}));
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
    // The matmul form first: it needs no phases.
    patterns.add<ConvTransposeAsMatmul>(&getContext(), /*benefit=*/2);
    patterns.add<ConvTransposeAsConvs>(&getContext(), /*benefit=*/1);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
