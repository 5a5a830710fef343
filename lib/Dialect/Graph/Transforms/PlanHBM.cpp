//===- PlanHBM.cpp - Activations in HBM by liveness ------------------------===//
//
// Every tensor a kernel group (or a control-flow op) produces lives in one
// device arena from its producer to its last reader; tensors whose
// lifetimes do not overlap share memory (greedy by size, Support/
// LifetimePlanner.h). Steps are the groups in program order; a control-flow
// op spans its regions, so a tensor read inside a loop body stays live
// until the loop ends. Reshapes outside groups are views of their input.
// An elementwise group may write over an input that dies there and has the
// result's size (in place). Model inputs and outputs have their own device
// buffers and weights sit in the constants section; the pass checks that
// all of it fits the target's HBM.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/CostModel.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"
#include "pagoda/Support/LifetimePlanner.h"
#include "pagoda/Target/TargetJSON.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Format.h"

namespace pagoda::graph {
#define GEN_PASS_DEF_GRAPHPLANHBM
#include "pagoda/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace pagoda::graph

using namespace mlir;
using namespace pagoda;
using namespace pagoda::graph;

namespace {

std::string bytesStr(uint64_t b) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << b << " bytes";
  if (b >= (uint64_t(1) << 30))
    os << llvm::format(" (%.2f GiB)", double(b) / double(uint64_t(1) << 30));
  else if (b >= (uint64_t(1) << 20))
    os << llvm::format(" (%.2f MiB)", double(b) / double(uint64_t(1) << 20));
  return s;
}

class FunctionPlanner {
public:
  FunctionPlanner(func::FuncOp f, uint64_t align) : func_(f), align_(align) {}

  /// Plans the function; returns the arena plan's totals.
  void run() {
    number(func_.getBody());
    lastStep_ = step_;
    // Model outputs are written straight into the output buffers.
    func_.walk([&](func::ReturnOp r) {
      for (Value v : r.getOperands())
        outputs_.insert(viewRoot(v));
    });
    for (Value v : func_.getArguments())
      ioBytes_ += uint64_t(tensorBytes(v.getType()));
    for (Type t : func_.getFunctionType().getResults())
      ioBytes_ += uint64_t(tensorBytes(t));
    collectBuffers();
    placeInPlace();
    std::vector<LiveBuffer> live;
    for (const Buf &b : bufs_)
      live.push_back({b.bytes, b.first, b.last});
    plan_ = planBySize(live, align_);
    problems_ = verifyPlan(live, plan_, align_);
  }

  /// Sets hbm_offsets on every producer; -1 marks a model output.
  void annotate() {
    Builder b(func_.getContext());
    for (auto &[op, values] : producers_) {
      SmallVector<int64_t> offsets;
      for (Value v : values) {
        auto it = bufferOf_.find(v);
        offsets.push_back(it == bufferOf_.end() ? -1 : int64_t(plan_.offsets[it->second]));
      }
      op->setAttr("hbm_offsets", b.getDenseI64ArrayAttr(offsets));
    }
  }

  uint64_t arenaBytes() const { return plan_.peak; }
  uint64_t lowerBound() const { return plan_.lowerBound; }
  uint64_t ioBytes() const { return ioBytes_; }
  unsigned inPlace() const { return inPlace_; }
  const std::vector<std::string> &problems() const { return problems_; }

private:
  struct Buf {
    uint64_t bytes = 0;
    uint32_t first = 0, last = 0;
  };

  /// Steps in program order; a control-flow op takes one step before and
  /// one after its regions.
  void number(Region &region) {
    for (Operation &op : region.front()) {
      if (isa<GroupOp>(op)) {
        start_[&op] = end_[&op] = ++step_;
      } else if (isa<IfOp, LoopOp>(op)) {
        start_[&op] = ++step_;
        for (Region &r : op.getRegions())
          number(r);
        end_[&op] = ++step_;
      }
    }
  }

  /// The step at which `user` reads a value defined by `def` (an op, or
  /// null for a block argument of `defBlock`).
  uint32_t useStep(Operation *user, Block *defBlock) {
    // Inside control flow that does not contain the definition, the value
    // is read until that op ends (a loop reads it every iteration).
    Operation *outer = nullptr;
    for (Operation *p = user->getParentOp(); p && p != func_.getOperation(); p = p->getParentOp())
      if (isa<IfOp, LoopOp>(p) && !p->isAncestor(defBlock->getParentOp()) &&
          !(defBlock->getParentOp() == p))
        outer = p;
    if (outer)
      return end_[outer];
    if (isa<func::ReturnOp>(user))
      return lastStep_ + 1;
    if (isa<YieldOp>(user))
      return end_[user->getParentOp()];
    auto it = start_.find(user);
    return it != start_.end() ? it->second : lastStep_ + 1;
  }

  void addBuffer(Value v, uint32_t first, uint32_t minLast = 0) {
    if (outputs_.contains(v))
      return;
    Buf b;
    b.bytes = uint64_t(tensorBytes(v.getType()));
    b.first = first;
    b.last = std::max(first, minLast);
    Block *defBlock = v.getParentBlock();
    SmallVector<Value> views = {v};
    while (!views.empty()) {
      Value w = views.pop_back_val();
      for (Operation *user : w.getUsers()) {
        if (auto r = dyn_cast<ReshapeOp>(user)) {
          views.push_back(r.getResult());
          continue;
        }
        b.last = std::max(b.last, useStep(user, defBlock));
      }
    }
    bufferOf_[v] = bufs_.size();
    bufs_.push_back(b);
  }

  void collectBuffers() {
    func_.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa<GroupOp>(op)) {
        for (Value r : op->getResults())
          addBuffer(r, start_[op]);
        producers_.push_back({op, SmallVector<Value>(op->getResults())});
      } else if (auto loop = dyn_cast<LoopOp>(op)) {
        // Iteration number, condition and carried values: live over the
        // whole loop.
        for (BlockArgument a : loop.getBody().front().getArguments())
          addBuffer(a, start_[op], end_[op]);
      }
      if (isa<IfOp, LoopOp>(op)) {
        for (Value r : op->getResults())
          addBuffer(r, end_[op]);
        producers_.push_back({op, SmallVector<Value>(op->getResults())});
      }
    });
  }

  /// An elementwise group writes over an input that dies there with the
  /// result's size: the two share one buffer.
  void placeInPlace() {
    for (auto &[op, values] : producers_) {
      auto group = dyn_cast<GroupOp>(op);
      if (!group || group.getKind() != "elementwise" || values.size() != 1)
        continue;
      auto out = bufferOf_.find(values[0]);
      if (out == bufferOf_.end())
        continue;
      for (Value in : group.getInputs()) {
        auto it = bufferOf_.find(in);
        if (it == bufferOf_.end())
          continue;
        size_t holder = resolve(it->second);
        Buf &src = bufs_[holder];
        Buf &dst = bufs_[out->second];
        if (holder == out->second || src.last != start_[op] || src.bytes != dst.bytes)
          continue;
        // A chain of in-place groups keeps writing the same buffer.
        src.last = std::max(src.last, dst.last);
        dst.bytes = 0; // the result lives in the input's buffer
        dst.last = dst.first;
        aliasOf_[out->second] = holder;
        ++inPlace_;
        break;
      }
    }
    // Point every aliased value at the buffer that holds it.
    for (auto &entry : bufferOf_)
      entry.second = resolve(entry.second);
  }

  size_t resolve(size_t idx) const {
    for (auto it = aliasOf_.find(idx); it != aliasOf_.end(); it = aliasOf_.find(idx))
      idx = it->second;
    return idx;
  }

  func::FuncOp func_;
  uint64_t align_;
  uint32_t step_ = 0, lastStep_ = 0;
  DenseMap<Operation *, uint32_t> start_, end_;
  DenseSet<Value> outputs_;
  std::vector<Buf> bufs_;
  llvm::MapVector<Value, size_t> bufferOf_;
  DenseMap<size_t, size_t> aliasOf_;
  std::vector<std::pair<Operation *, SmallVector<Value>>> producers_;
  LifetimePlan plan_;
  std::vector<std::string> problems_;
  uint64_t ioBytes_ = 0;
  unsigned inPlace_ = 0;
};

class PlanHBMPass : public pagoda::graph::impl::GraphPlanHBMBase<PlanHBMPass> {
public:
  using GraphPlanHBMBase::GraphPlanHBMBase;

  void runOnOperation() override {
    Result<target::TargetDesc> target = target::resolveTarget(targetName);
    if (!target) {
      getOperation()->emitError() << "pagoda-graph-plan-hbm: " << target.error().str();
      return signalPassFailure();
    }
    uint64_t align = std::max<uint64_t>(target->dmaFullRateAlignBytes, 1);
    // Weights: every constant outside a group, each aligned.
    uint64_t weights = 0;
    getOperation()->walk([&](ConstantOp c) {
      if (!c->getParentOfType<GroupOp>())
        weights += (uint64_t(tensorBytes(c.getType())) + align - 1) / align * align;
    });
    uint64_t arena = 0, bound = 0, io = 0;
    unsigned inPlace = 0;
    bool ok = true;
    getOperation()->walk([&](func::FuncOp f) {
      FunctionPlanner planner(f, align);
      planner.run();
      for (const std::string &p : planner.problems()) {
        f.emitError() << "pagoda-graph-plan-hbm: internal error: " << p;
        ok = false;
      }
      planner.annotate();
      arena = std::max(arena, planner.arenaBytes());
      bound = std::max(bound, planner.lowerBound());
      io = std::max(io, planner.ioBytes());
      inPlace += planner.inPlace();
    });
    if (!ok)
      return signalPassFailure();
    uint64_t need = weights + arena + io;
    if (need > target->hbmBytes) {
      getOperation()->emitError() << "the model needs " << bytesStr(need) << " of HBM (weights "
                                  << bytesStr(weights) << ", activations " << bytesStr(arena)
                                  << ", inputs and outputs " << bytesStr(io) << ") but "
                                  << target->name << " has " << bytesStr(target->hbmBytes);
      return signalPassFailure();
    }
    Builder b(&getContext());
    getOperation()->setAttr(
        "pagoda.hbm", b.getDictionaryAttr({
                          b.getNamedAttr("arena_bytes", b.getI64IntegerAttr(int64_t(arena))),
                          b.getNamedAttr("lower_bound_bytes", b.getI64IntegerAttr(int64_t(bound))),
                          b.getNamedAttr("weight_bytes", b.getI64IntegerAttr(int64_t(weights))),
                          b.getNamedAttr("io_bytes", b.getI64IntegerAttr(int64_t(io))),
                          b.getNamedAttr("in_place", b.getI64IntegerAttr(inPlace)),
                          b.getNamedAttr("alignment", b.getI64IntegerAttr(int64_t(align))),
                      }));
  }
};

} // namespace
