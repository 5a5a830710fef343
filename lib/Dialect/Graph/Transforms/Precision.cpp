//===- Precision.cpp - 16-bit compute by precision mode -------------------===//
//
// fp16/bf16: every f32 value inside a function becomes the 16-bit type
// (results and block arguments retyped in place, constants rounded), then
// the function's f32 arguments are cast down on entry and its results cast
// back up before the return, so the model's interface is unchanged. Ops
// kept in f32 (mixed mode's sensitive ops, keep-dtype matches) get their
// 16-bit operands cast up and their results cast down.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

#include "llvm/Support/GlobPattern.h"

namespace pagoda::graph {
#define GEN_PASS_DEF_GRAPHPRECISION
#include "pagoda/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace pagoda::graph

using namespace mlir;
using namespace pagoda::graph;

namespace {

/// `t` with f32 elements replaced by `to` (other types unchanged).
Type narrowed(Type t, FloatType to) {
  auto rt = dyn_cast<RankedTensorType>(t);
  if (!rt || !rt.getElementType().isF32())
    return t;
  return RankedTensorType::get(rt.getShape(), to);
}

/// Whether `v` is one constant value of magnitude at least 1 (dividing by
/// it cannot overflow: hardswish's / 6 stays in 16 bits).
bool constantAtLeastOne(Value v) {
  DenseElementsAttr c;
  if (!matchPattern(v, m_Constant(&c)) || !c.isSplat() || !isa<FloatType>(c.getElementType()))
    return false;
  return std::abs(c.getSplatValue<APFloat>().convertToDouble()) >= 1;
}

/// Ops whose accuracy needs f32 in mixed mode: wide accumulations and
/// range-sensitive functions (a division unless by a constant >= 1).
bool sensitive(Operation *op) {
  if (auto div = dyn_cast<DivOp>(op))
    return !constantAtLeastOne(div.getRhs());
  return isa<SoftmaxOp, LogSoftmaxOp, LayerNormOp, InstanceNormOp, BatchNormOp, ReduceSumOp,
             ReduceMeanOp, ReduceProdOp, ReduceL2Op, ReduceL1Op, ReduceSumSquareOp, ReduceLogSumOp,
             ReduceLogSumExpOp, ExpOp, LogOp, PowOp>(op);
}

/// Ops whose kernels compute in f32 or wider whatever their storage type
/// (the row kernels widen 16-bit rows; the host kernels compute in double)
/// and round once to it: kept in 16-bit storage when only 16-bit ops read
/// the result, since casting it down after an f32 op would round the same.
bool computesWide(Operation *op) { return isa<SoftmaxOp, LayerNormOp>(op); }

std::string nodeName(Operation *op) {
  if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
    return loc.getName().str();
  return "";
}

class PrecisionPass : public pagoda::graph::impl::GraphPrecisionBase<PrecisionPass> {
public:
  using GraphPrecisionBase::GraphPrecisionBase;

  void runOnOperation() override {
    if (mode == "fp32")
      return;
    if (mode != "fp16" && mode != "bf16" && mode != "mixed") {
      getOperation()->emitError() << "precision mode '" << mode
                                  << "' (expected fp32, fp16, bf16 or mixed)";
      return signalPassFailure();
    }
    std::vector<llvm::GlobPattern> keep;
    for (const std::string &g : keepDtype) {
      llvm::Expected<llvm::GlobPattern> p = llvm::GlobPattern::create(g);
      if (!p) {
        getOperation()->emitError()
            << "keep-dtype pattern '" << g << "': " << llvm::toString(p.takeError());
        return signalPassFailure();
      }
      keep.push_back(std::move(*p));
    }
    MLIRContext *ctx = &getContext();
    FloatType low =
        mode == "bf16" ? FloatType(BFloat16Type::get(ctx)) : FloatType(Float16Type::get(ctx));
    for (func::FuncOp f : getOperation().getOps<func::FuncOp>())
      if (!f.isExternal())
        narrow(f, low, keep);
  }

private:
  void narrow(func::FuncOp f, FloatType low, const std::vector<llvm::GlobPattern> &keep) {
    Block &entry = f.getBody().front();
    // Retype everything inside (the entry block's arguments stay: they are
    // the model's interface, cast below).
    SmallVector<Operation *> keptOps;
    llvm::SmallPtrSet<Operation *, 16> wide; // computesWide ops not pinned by --keep-dtype
    llvm::DenseMap<Operation *, DenseElementsAttr> original; // f32 constants, before rounding
    f.getBody().walk([&](Operation *op) {
      if (op == f.getOperation())
        return;
      if (auto c = dyn_cast<ConstantOp>(op)) {
        auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
        if (dense && dense.getElementType().isF32()) {
          original[c] = dense;
          auto type = cast<RankedTensorType>(narrowed(dense.getType(), low));
          SmallVector<APFloat> values;
          for (APFloat v : dense.getValues<APFloat>()) {
            bool lost;
            v.convert(low.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
            values.push_back(v);
          }
          c.setValueAttr(DenseElementsAttr::get(type, values));
          c.getResult().setType(type);
        }
        return;
      }
      for (Region &r : op->getRegions())
        for (Block &b : r)
          if (&b != &entry)
            for (BlockArgument a : b.getArguments())
              a.setType(narrowed(a.getType(), low));
      for (OpResult r : op->getResults())
        r.setType(narrowed(r.getType(), low));
      std::string name = nodeName(op);
      bool pinned = !name.empty() &&
                    llvm::any_of(keep, [&](const llvm::GlobPattern &g) { return g.match(name); });
      bool kept = pinned || (mode == "mixed" && sensitive(op));
      if (kept && op->getDialect() == op->getContext()->getLoadedDialect<GraphDialect>())
        keptOps.push_back(op);
      if (!pinned && computesWide(op))
        wide.insert(op);
    });
    // The interface: arguments cast down on entry, results up at returns.
    OpBuilder b(&entry, entry.begin());
    for (BlockArgument a : entry.getArguments()) {
      Type t = narrowed(a.getType(), low);
      if (t == a.getType() || a.use_empty())
        continue;
      auto cast = CastOp::create(b, a.getLoc(), t, a);
      a.replaceAllUsesExcept(cast.getResult(), cast);
    }
    f.walk([&](func::ReturnOp ret) {
      OpBuilder rb(ret);
      for (OpOperand &o : ret->getOpOperands()) {
        Type want = f.getFunctionType().getResult(o.getOperandNumber());
        if (o.get().getType() != want)
          o.set(CastOp::create(rb, ret.getLoc(), want, o.get()));
      }
    });
    // A softmax or layer norm whose result only 16-bit ops read (not a
    // model output) computes in f32 inside its kernel either way.
    llvm::erase_if(keptOps, [&](Operation *op) {
      return wide.contains(op) && llvm::none_of(op->getUsers(), [](Operation *user) {
               return isa<CastOp, func::ReturnOp>(user);
             });
    });
    // Kept ops compute in f32 between casts; their constants keep their f32
    // values (no cast of a rounded constant).
    for (Operation *op : keptOps) {
      OpBuilder ob(op);
      for (OpOperand &o : op->getOpOperands()) {
        auto t = dyn_cast<RankedTensorType>(o.get().getType());
        if (!t || t.getElementType() != low)
          continue;
        if (auto it = original.find(o.get().getDefiningOp()); it != original.end())
          o.set(ConstantOp::create(ob, op->getLoc(), it->second));
        else
          o.set(CastOp::create(ob, op->getLoc(),
                               RankedTensorType::get(t.getShape(), ob.getF32Type()), o.get()));
      }
      ob.setInsertionPointAfter(op);
      for (OpResult r : op->getResults()) {
        auto t = dyn_cast<RankedTensorType>(r.getType());
        if (!t || t.getElementType() != low)
          continue;
        r.setType(RankedTensorType::get(t.getShape(), ob.getF32Type()));
        // A model output cast back up reads the f32 result itself.
        llvm::SmallPtrSet<OpOperand *, 4> f32Uses;
        for (Operation *user : llvm::make_early_inc_range(r.getUsers()))
          if (auto up = dyn_cast<CastOp>(user); up && up.getType() == r.getType()) {
            for (OpOperand &use : up.getResult().getUses())
              f32Uses.insert(&use);
            up.getResult().replaceAllUsesWith(r);
            up.erase();
          }
        ob.setInsertionPointAfter(op); // (the erased cast may have been the point)
        auto down = CastOp::create(ob, op->getLoc(), t, r);
        r.replaceUsesWithIf(down.getResult(), [&](OpOperand &use) {
          return use.getOwner() != down && !f32Uses.contains(&use);
        });
      }
    }
  }
};

} // namespace
