//===- ConvLayout.cpp - Channels-last convolutions for the cube -----------===//

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/KernelLowering.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"
#include "pagoda/Target/TargetJSON.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

namespace pagoda::graph {
#define GEN_PASS_DEF_GRAPHCONVLAYOUT
#include "pagoda/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace pagoda::graph

using namespace mlir;
using namespace pagoda;
using namespace pagoda::graph;

namespace {

RankedTensorType permuted(RankedTensorType t, ArrayRef<int64_t> perm) {
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(t.getDimSize(p));
  return RankedTensorType::get(shape, t.getElementType());
}

class ConvLayoutPass : public pagoda::graph::impl::GraphConvLayoutBase<ConvLayoutPass> {
public:
  using GraphConvLayoutBase::GraphConvLayoutBase;

  void runOnOperation() override {
    Result<target::TargetDesc> target = target::resolveTarget(targetName);
    if (!target) {
      getOperation()->emitError() << "pagoda-graph-conv-layout: " << target.error().str();
      return signalPassFailure();
    }
    SmallVector<Operation *> convs;
    getOperation()->walk([&](Operation *op) {
      if (auto c = dyn_cast<ConvOp>(op)) {
        if (!c.getChannelsLast() && covered(c, *target))
          convs.push_back(op);
      } else if (llvm::isa<ConvIntegerOp, QLinearConvOp>(op)) {
        if (!op->hasAttr("channels_last") && !int8ConvKernelProblem(op, *target))
          convs.push_back(op);
      }
    });
    for (Operation *conv : convs)
      rewrite(conv);
  }

private:
  static bool covered(ConvOp conv, const target::TargetDesc &t) {
    if (!matchPattern(conv.getWeight(), m_Constant()) ||
        (conv.getBias() && !matchPattern(conv.getBias(), m_Constant())))
      return false;
    return !convKernelProblem(conv, t, "conv");
  }

  /// A conv, conv_integer or qlinear_conv (input operand 0) made
  /// channels-last between two transposes.
  static void rewrite(Operation *conv) {
    auto xt = cast<RankedTensorType>(conv->getOperand(0).getType());
    auto yt = cast<RankedTensorType>(conv->getResult(0).getType());
    const int64_t rank = xt.getRank();
    // [N, C, D...] -> [N, D..., C] and back.
    SmallVector<int64_t> toLast = {0}, toFirst = {0, rank - 1};
    for (int64_t d = 2; d < rank; ++d)
      toLast.push_back(d);
    toLast.push_back(1);
    for (int64_t d = 1; d + 1 < rank; ++d)
      toFirst.push_back(d);
    OpBuilder b(conv);
    Location loc = conv->getLoc();
    // The transposes are named after the node: "NODE:to_channels_last".
    auto named = [&](const char *suffix) -> Location {
      if (auto n = dyn_cast<NameLoc>(loc))
        return NameLoc::get(b.getStringAttr(n.getName().str() + suffix), loc);
      return loc;
    };
    Value x = TransposeOp::create(b, named(":to_channels_last"), permuted(xt, toLast),
                                  conv->getOperand(0), b.getDenseI64ArrayAttr(toLast));
    Operation *last = b.clone(*conv);
    last->setOperand(0, x);
    last->getResult(0).setType(permuted(yt, toLast));
    last->setAttr("channels_last", b.getUnitAttr());
    Value y = TransposeOp::create(b, named(":to_channels_first"), yt, last->getResult(0),
                                  b.getDenseI64ArrayAttr(toFirst));
    conv->getResult(0).replaceAllUsesWith(y);
    conv->erase();
  }
};

} // namespace
