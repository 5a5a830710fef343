//===- Fuse.cpp - Group ops into kernels ----------------------------------===//
//
// Chooses groups on each block (function body, if branches, loop bodies) in
// program order, then outlines each into a graph.group at the position of
// its last op. Every group is a chain whose intermediate values have one use
// inside the chain, so only the last op's results escape and moving the
// computation to the last op's position keeps every use dominated.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/SetVector.h"

namespace pagoda::graph {
#define GEN_PASS_DEF_GRAPHFUSE
#include "pagoda/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace pagoda::graph

using namespace mlir;
using namespace pagoda::graph;

namespace {

bool isCube(Operation *op) { return isa<ConvOp, ConvTransposeOp, MatMulOp, GemmOp>(op); }

/// Ops that stay outside groups: constants, views, control flow.
bool isUngrouped(Operation *op) {
  return isa<ConstantOp, ReshapeOp, IfOp, LoopOp, GroupOp, YieldOp>(op) ||
         op->getDialect() != op->getContext()->getLoadedDialect<GraphDialect>();
}

/// The single user of `op`'s single result, in the same block.
Operation *soleUser(Operation *op) {
  if (op->getNumResults() != 1 || !op->getResult(0).hasOneUse())
    return nullptr;
  Operation *user = *op->getResult(0).getUsers().begin();
  return user->getBlock() == op->getBlock() ? user : nullptr;
}

bool isConstant(Value v) { return matchPattern(v, m_Constant()); }

/// A transpose that swaps the last two axes only (K^T of attention).
bool swapsLastTwo(TransposeOp t) {
  ArrayRef<int64_t> perm = t.getPerm();
  const size_t r = perm.size();
  if (r < 2 || perm[r - 1] != int64_t(r - 2) || perm[r - 2] != int64_t(r - 1))
    return false;
  for (size_t i = 0; i + 2 < r; ++i)
    if (perm[i] != int64_t(i))
      return false;
  return true;
}

struct Group {
  SmallVector<Operation *> ops;
  std::string kind;
};

class FusePass : public pagoda::graph::impl::GraphFuseBase<FusePass> {
public:
  void runOnOperation() override {
    SmallVector<Block *> blocks;
    getOperation()->walk([&](Block *block) {
      if (!isa<GroupOp>(block->getParentOp()))
        blocks.push_back(block);
    });
    for (Block *block : blocks)
      fuseBlock(*block);
  }

private:
  void fuseBlock(Block &block) {
    DenseSet<Operation *> taken;
    std::vector<Group> groups;
    auto take = [&](Group g) {
      for (Operation *op : g.ops)
        taken.insert(op);
      groups.push_back(std::move(g));
    };
    auto free = [&](Operation *op) { return op && !taken.count(op); };

    // Attention: [K^T ->] matmul -> [mul/div by a constant] -> softmax ->
    // matmul; the cube reads K as B^T, so K's transpose joins the group.
    for (Operation &op : block) {
      auto sm = dyn_cast<SoftmaxOp>(op);
      if (!sm || !free(sm))
        continue;
      Operation *before = sm.getInput().getDefiningOp();
      Operation *scale = nullptr;
      if (before && isa<MulOp, DivOp>(before) && isConstant(before->getOperand(1))) {
        scale = before;
        before = before->getOperand(0).getDefiningOp();
      }
      auto qk = dyn_cast_or_null<MatMulOp>(before);
      auto pv = dyn_cast_or_null<MatMulOp>(soleUser(sm));
      if (!qk || !pv || pv.getLhs() != sm.getResult() || !free(qk) || !free(pv) ||
          soleUser(qk) != (scale ? scale : sm.getOperation()) || (scale && soleUser(scale) != sm))
        continue;
      Group g{{}, "attention"};
      if (auto kt = qk.getRhs().getDefiningOp<TransposeOp>();
          kt && free(kt) && swapsLastTwo(kt) && soleUser(kt) == qk)
        g.ops.push_back(kt);
      g.ops.push_back(qk);
      if (scale)
        g.ops.push_back(scale);
      g.ops.append({sm, pv});
      take(std::move(g));
    }

    // Cube ops with their epilogues.
    for (Operation &op : block) {
      if (!isCube(&op) || !free(&op))
        continue;
      Group g{{&op}, op.getName().stripDialect().str()};
      Operation *cur = &op;
      while (Operation *user = soleUser(cur)) {
        if (!free(user) || !isElementwise(user) ||
            user->getResult(0).getType() != cur->getResult(0).getType())
          break;
        g.ops.push_back(user);
        cur = user;
      }
      if (g.ops.size() > 1)
        g.kind += "_epilogue";
      take(std::move(g));
    }

    // Elementwise chains.
    for (Operation &op : block) {
      if (!isElementwise(&op) || !free(&op))
        continue;
      Group g{{&op}, "elementwise"};
      Operation *cur = &op;
      while (Operation *user = soleUser(cur)) {
        if (!free(user) || !isElementwise(user))
          break;
        g.ops.push_back(user);
        cur = user;
      }
      take(std::move(g));
    }

    // The rest alone.
    for (Operation &op : block)
      if (free(&op) && !isUngrouped(&op) && !op.hasTrait<mlir::OpTrait::IsTerminator>())
        take(Group{{&op}, op.getName().stripDialect().str()});

    for (Group &g : groups)
      outline(g);
  }

  /// Replaces the ops of `g` by one graph.group at the last op's position.
  void outline(Group &g) {
    std::sort(g.ops.begin(), g.ops.end(),
              [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
    DenseSet<Operation *> members(g.ops.begin(), g.ops.end());
    llvm::SetVector<Value> inputs;
    SmallVector<Operation *> splats;
    for (Operation *op : g.ops)
      for (Value v : op->getOperands()) {
        Operation *def = v.getDefiningOp();
        if (def && members.count(def))
          continue;
        DenseElementsAttr c;
        if (def && matchPattern(v, m_Constant(&c)) && c.isSplat()) {
          if (!llvm::is_contained(splats, def))
            splats.push_back(def);
          continue;
        }
        inputs.insert(v);
      }
    SmallVector<Value> outputs;
    for (Operation *op : g.ops)
      for (Value r : op->getResults())
        if (llvm::any_of(r.getUsers(), [&](Operation *u) { return !members.count(u); }))
          outputs.push_back(r);

    OpBuilder b(g.ops.back());
    auto group = GroupOp::create(b, g.ops.back()->getLoc(), ValueRange(outputs).getTypes(),
                                 inputs.getArrayRef(), b.getStringAttr(g.kind));
    Block *body = new Block();
    group.getBody().push_back(body);
    IRMapping map;
    for (Value in : inputs)
      map.map(in, body->addArgument(in.getType(), in.getLoc()));
    OpBuilder inner = OpBuilder::atBlockBegin(body);
    for (Operation *c : splats)
      inner.clone(*c, map);
    for (Operation *op : g.ops)
      inner.clone(*op, map);
    SmallVector<Value> yielded;
    for (Value out : outputs)
      yielded.push_back(map.lookup(out));
    YieldOp::create(inner, g.ops.back()->getLoc(), yielded);
    for (auto [out, res] : llvm::zip(outputs, group.getResults()))
      out.replaceAllUsesWith(res);
    for (Operation *op : llvm::reverse(g.ops))
      op->erase();
  }
};

} // namespace
