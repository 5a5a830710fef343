//===- Place.cpp - Place kernel groups on the NPU or the host -------------===//

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/CostModel.h"
#include "pagoda/Dialect/Graph/Transforms/Kernels.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"
#include "pagoda/Dialect/NPU/IR/NPUOps.h"
#include "pagoda/Target/TargetJSON.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <limits>
#include <memory>
#include <queue>

namespace pagoda::graph {
#define GEN_PASS_DEF_GRAPHPLACE
#include "pagoda/Dialect/Graph/Transforms/Passes.h.inc"
} // namespace pagoda::graph

using namespace mlir;
using namespace pagoda;
using namespace pagoda::graph;

namespace {

/// Group kinds the NPU back end implements (the code-generation issue's
/// kernel list), by the group's kind with any "_epilogue" suffix removed.
const llvm::StringSet<> &npuKinds() {
  static const llvm::StringSet<> kinds = {
      // cube
      "conv", "conv_transpose", "matmul", "gemm", "attention", "conv_integer", "matmul_integer",
      "qlinear_conv", "qlinear_matmul",
      // vector
      "elementwise", "softmax", "log_softmax", "layer_norm", "instance_norm", "batch_norm",
      "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_l1",
      "reduce_l2", "reduce_sum_square", "reduce_log_sum", "reduce_log_sum_exp", "max_pool",
      "avg_pool", "resize", "quantize", "dequantize", "argmax", "argmin",
      // data movement
      "transpose", "concat", "slice", "gather", "gather_elements", "gather_nd", "scatter_nd",
      "scatter_elements", "expand", "pad", "tile", "depth_to_space", "space_to_depth"};
  return kinds;
}

bool isHeavy(StringRef kind) {
  return kind.starts_with("conv") || kind.starts_with("matmul") || kind.starts_with("gemm") ||
         kind.starts_with("qlinear") || kind == "attention" || kind == "einsum" ||
         kind == "recurrent";
}

bool isCubeKind(StringRef kind) {
  return kind.starts_with("conv") || kind.starts_with("matmul") || kind.starts_with("gemm") ||
         kind.starts_with("qlinear") || kind == "attention";
}

bool isDataMovement(StringRef kind) {
  return llvm::is_contained({"transpose", "concat", "slice", "gather", "gather_elements",
                             "gather_nd", "scatter_nd", "scatter_elements", "expand", "pad", "tile",
                             "depth_to_space", "space_to_depth"},
                            kind);
}

/// A placement rule. The glob refers into `pattern`'s characters, so a rule
/// lives at a fixed address (held by unique_ptr) once its glob is built.
struct Rule {
  std::string pattern;
  llvm::GlobPattern glob;
  bool npu = false;
};

/// The kinds whose NPU kernels keep 4-D activations in NC1HWC0.
bool isFractalKind(StringRef base) {
  return base == "conv" || base == "conv_transpose" || base == "conv_integer" ||
         base == "qlinear_conv";
}

StringRef baseKind(StringRef kind) {
  return kind.ends_with("_epilogue") ? kind.drop_back(strlen("_epilogue")) : kind;
}

/// The placement problem: groups, and the tensors between them.
struct Node {
  GroupOp group;
  std::string reason; ///< why it cannot run on the NPU, or the rule that decided
  bool eligible = false;
  bool pinned = false; ///< a placement-file rule decided
  bool fractalKind = false;
  /// Keeps NC1HWC0 when its inputs arrive in it: elementwise groups, pools,
  /// resizes, concats that do not split a C0 block.
  bool passThrough = false;
  int64_t concatAxis = -1;
  double npuSeconds = 0, hostSeconds = 0;
  /// Group input index that feeds the cube op's activation (-1: none).
  int activationInput = -1;
};

struct Consumer {
  int node = -1;        ///< -1: outside any group (return, control flow): device, ND
  unsigned input = 0;   ///< which group input
  bool viaView = false; ///< read through a reshape: needs the plain layout
};

struct Tensor {
  int producer = -1; ///< -1: a function argument or control-flow result: device, ND
  double bytes = 0;
  SmallVector<int64_t> shape;
  SmallVector<Consumer, 2> consumers;
};

/// A placement and what the cost model says of it.
struct Cost {
  double seconds = 0;
  int64_t transfers = 0, conversions = 0;
  double transferBytes = 0;
};

class Problem {
public:
  /// C0, the channel block of NC1HWC0, is the cube's K for f16.
  Problem(const target::TargetDesc &t)
      : t_(t), c0_(t.cube(target::CubeType::F16) ? t.cube(target::CubeType::F16)->k : 16) {}

  std::vector<Node> nodes;
  std::vector<Tensor> tensors;

  void build() {
    DenseMap<Operation *, int> index;
    for (size_t i = 0; i < nodes.size(); ++i)
      index[nodes[i].group] = int(i);
    DenseMap<Value, int> tensorOf;
    auto tensorFor = [&](Value root) -> int {
      auto [it, fresh] = tensorOf.try_emplace(root, int(tensors.size()));
      if (fresh) {
        Tensor tensor;
        tensor.bytes = tensorBytes(root.getType());
        if (auto rt = dyn_cast<RankedTensorType>(root.getType()))
          tensor.shape.assign(rt.getShape().begin(), rt.getShape().end());
        if (auto g = dyn_cast_or_null<GroupOp>(root.getDefiningOp()))
          tensor.producer = index.lookup(g);
        tensors.push_back(std::move(tensor));
      }
      return it->second;
    };
    for (size_t i = 0; i < nodes.size(); ++i) {
      GroupOp g = nodes[i].group;
      for (auto [k, in] : llvm::enumerate(g.getInputs())) {
        Value root = viewRoot(in);
        if (matchPattern(root, m_Constant()))
          continue; // weights: packed for whichever side at compile time
        tensors[tensorFor(root)].consumers.push_back({int(i), unsigned(k), root != in});
      }
      // Uses outside groups (return, control flow, other dialects).
      for (Value out : g.getResults()) {
        int ti = tensorFor(out);
        SmallVector<Value> views = {out};
        while (!views.empty()) {
          Value v = views.pop_back_val();
          for (Operation *user : v.getUsers()) {
            if (auto r = dyn_cast<ReshapeOp>(user))
              views.push_back(r.getResult());
            else if (!isa<GroupOp>(user))
              tensors[ti].consumers.push_back({-1, 0, v != out});
          }
        }
      }
    }
  }

  /// Sets the placement (`npu[i]` per node) and computes its cost.
  void init(ArrayRef<char> placement) {
    inputsOf_.assign(nodes.size(), {});
    outputsOf_.assign(nodes.size(), {});
    for (size_t ti = 0; ti < tensors.size(); ++ti) {
      if (tensors[ti].producer >= 0)
        outputsOf_[tensors[ti].producer].push_back(int(ti));
      for (const Consumer &u : tensors[ti].consumers)
        if (u.node >= 0)
          inputsOf_[u.node].push_back(int(ti));
    }
    npu.assign(placement.begin(), placement.end());
    fractal_.assign(nodes.size(), 0);
    for (size_t i = 0; i < nodes.size(); ++i) // program order: producers first
      fractal_[i] = computeFractal(i);
    tensorCost_.resize(tensors.size());
    nodeMark_.assign(nodes.size(), 0);
    tensorMark_.assign(tensors.size(), 0);
    total = Cost();
    for (size_t i = 0; i < nodes.size(); ++i)
      total.seconds += nodeSeconds(i);
    for (size_t ti = 0; ti < tensors.size(); ++ti) {
      tensorCost_[ti] = tensorCost(ti);
      add(total, tensorCost_[ti], 1);
    }
  }

  /// Moves node `i` to the other side; keeps the move when it lowers the
  /// total by more than `minGain` seconds, and returns whether it did. Only
  /// the layouts that the move changes (forward through pass-through
  /// groups) and the tensors next to those nodes are recomputed.
  bool tryFlip(size_t i, double minGain) {
    Cost before = total;
    SmallVector<std::pair<int, char>> oldFractal;
    double seconds = total.seconds - nodeSeconds(i);
    npu[i] = !npu[i];
    seconds += nodeSeconds(i);
    // Layout changes, in program order.
    std::priority_queue<int, std::vector<int>, std::greater<int>> work;
    // Marks for this move: nodes queued, tensors to recount.
    ++epoch_;
    nodeMark_[i] = epoch_;
    work.push(int(i));
    SmallVector<int> affected;
    while (!work.empty()) {
      int j = work.top();
      work.pop();
      affected.push_back(j);
      char f = computeFractal(j);
      if (f == fractal_[j])
        continue;
      oldFractal.push_back({j, fractal_[j]});
      fractal_[j] = f;
      for (int ti : outputsOf_[j])
        for (const Consumer &u : tensors[ti].consumers)
          if (u.node >= 0 && nodes[u.node].passThrough && nodeMark_[u.node] != epoch_) {
            nodeMark_[u.node] = epoch_;
            work.push(u.node);
          }
    }
    SmallVector<int, 32> touched;
    auto touch = [&](ArrayRef<int> list) {
      for (int ti : list)
        if (tensorMark_[ti] != epoch_) {
          tensorMark_[ti] = epoch_;
          touched.push_back(ti);
        }
    };
    for (int j : affected) {
      touch(inputsOf_[j]);
      touch(outputsOf_[j]);
    }
    SmallVector<std::pair<int, Cost>> newCosts;
    Cost after = total;
    after.seconds = seconds;
    for (int ti : touched) {
      Cost c = tensorCost(ti);
      add(after, tensorCost_[ti], -1);
      add(after, c, 1);
      newCosts.push_back({ti, c});
    }
    if (after.seconds < before.seconds - minGain) {
      total = after;
      for (auto &[ti, c] : newCosts)
        tensorCost_[ti] = c;
      return true;
    }
    npu[i] = !npu[i];
    for (auto &[j, f] : oldFractal)
      fractal_[j] = f;
    return false;
  }

  /// Whether a tensor node `i` reads or writes has its other end on the host.
  bool touchesHost(size_t i) const {
    for (int ti : inputsOf_[i])
      if (tensors[ti].producer >= 0 && !npu[tensors[ti].producer])
        return true;
    for (int ti : outputsOf_[i])
      for (const Consumer &u : tensors[ti].consumers)
        if (u.node >= 0 && !npu[u.node])
          return true;
    return false;
  }

  /// What the model would cost with node `i` on the other side.
  double secondsIfFlipped(size_t i) {
    Cost saved = total;
    if (tryFlip(i, -std::numeric_limits<double>::infinity())) {
      double seconds = total.seconds;
      tryFlip(i, -std::numeric_limits<double>::infinity());
      total = saved; // exact, whatever the rounding of the two moves
      return seconds;
    }
    return total.seconds;
  }

  SmallVector<char> npu;
  Cost total;

private:
  static void add(Cost &into, const Cost &c, int sign) {
    into.seconds += sign * c.seconds;
    into.transfers += sign * c.transfers;
    into.conversions += sign * c.conversions;
    into.transferBytes += sign * c.transferBytes;
  }

  double nodeSeconds(size_t i) const { return npu[i] ? nodes[i].npuSeconds : nodes[i].hostSeconds; }

  /// Layouts: cube kinds produce NC1HWC0; pass-through groups keep it when
  /// every input arrives in it in whole blocks.
  char computeFractal(size_t i) const {
    if (!npu[i] || resultRank(i) != 4)
      return 0;
    if (nodes[i].fractalKind)
      return 1;
    if (!nodes[i].passThrough || inputsOf_[i].empty())
      return 0;
    return llvm::all_of(inputsOf_[i], [&](int ti) {
      const Tensor &tensor = tensors[ti];
      return tensor.producer >= 0 && fractal_[tensor.producer] && keepsBlocks(i, tensor) &&
             llvm::none_of(tensor.consumers,
                           [&](const Consumer &u) { return u.node == int(i) && u.viaView; });
    });
  }

  /// One tensor's copies across the host link and layout conversions.
  Cost tensorCost(size_t ti) const {
    const Tensor &tensor = tensors[ti];
    Cost c;
    bool fromNpu = tensor.producer < 0 || npu[tensor.producer];
    bool fromFractal = tensor.producer >= 0 && fractal_[tensor.producer];
    bool crosses = false, needPlain = false, needFractal = false;
    for (const Consumer &u : tensor.consumers) {
      bool onNpu = u.node < 0 || npu[u.node];
      crosses |= onNpu != fromNpu;
      // A cube kind's activation, every input of a pass-through group
      // working in NC1HWC0, and a residual input of a cube epilogue want
      // NC1HWC0.
      bool wantsFractal =
          u.node >= 0 && onNpu && !u.viaView && tensor.shape.size() == 4 &&
          ((nodes[u.node].fractalKind && int(u.input) == nodes[u.node].activationInput) ||
           (fractal_[u.node] &&
            (nodes[u.node].passThrough || ArrayRef<int64_t>(tensor.shape) == resultShape(u.node))));
      (wantsFractal ? needFractal : needPlain) = true;
    }
    if (crosses) {
      c.transfers = 1;
      c.transferBytes = tensor.bytes;
      c.seconds += transferSeconds(tensor.bytes, t_);
    }
    c.conversions = fromFractal ? needPlain : needFractal;
    c.seconds += c.conversions * conversionSeconds(tensor.bytes, t_);
    return c;
  }

  /// Whether node `i` can read `tensor` as NC1HWC0 blocks: the same batch
  /// and channels as its result (broadcast over H and W allowed), or whole
  /// C0 blocks stacked by a channel concat.
  bool keepsBlocks(size_t i, const Tensor &tensor) const {
    ArrayRef<int64_t> out = resultShape(i);
    if (tensor.shape.size() != 4 || out.size() != 4 || tensor.shape[0] != out[0] ||
        ShapedType::isDynamic(tensor.shape[1]) || ShapedType::isDynamic(out[1]))
      return false;
    if (nodes[i].concatAxis == 1)
      return tensor.shape[1] % c0_ == 0;
    return tensor.shape[1] == out[1];
  }
  int64_t resultRank(size_t i) const { return resultShape(i).size(); }
  ArrayRef<int64_t> resultShape(size_t i) const {
    GroupOp g = nodes[i].group;
    if (g->getNumResults() == 0)
      return {};
    auto rt = dyn_cast<RankedTensorType>(g->getResult(0).getType());
    return rt ? rt.getShape() : ArrayRef<int64_t>();
  }

  const target::TargetDesc &t_;
  int64_t c0_;
  std::vector<SmallVector<int, 4>> inputsOf_, outputsOf_;
  SmallVector<char> fractal_;
  std::vector<Cost> tensorCost_;
  std::vector<uint64_t> nodeMark_, tensorMark_;
  uint64_t epoch_ = 0;
};

std::string micros(double seconds) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.1f us", seconds * 1e6);
  return s;
}

class PlacePass : public pagoda::graph::impl::GraphPlaceBase<PlacePass> {
public:
  using GraphPlaceBase::GraphPlaceBase;

  void runOnOperation() override {
    Result<target::TargetDesc> target = target::resolveTarget(targetName);
    if (!target) {
      getOperation()->emitError() << "pagoda-graph-place: " << target.error().str();
      return signalPassFailure();
    }
    if (kernels != "all" && kernels != "implemented") {
      getOperation()->emitError() << "pagoda-graph-place: kernels must be 'all' or "
                                     "'implemented', not '"
                                  << kernels << "'";
      return signalPassFailure();
    }
    std::vector<std::unique_ptr<Rule>> rules;
    if (!placementFile.empty() && failed(loadRules(rules)))
      return signalPassFailure();

    // What can run where, and what the placement file decides.
    Problem problem(*target);
    SmallVector<char> npu;
    bool ok = true;
    getOperation()->walk([&](GroupOp group) {
      Node node;
      node.group = group;
      node.eligible = npuCan(group, *target, node.reason);
      bool place = node.eligible;
      // In implemented mode a group the host has no kernels for stays on
      // the NPU (and one neither side runs fails at emission, by name).
      std::string noHost;
      if (kernels == "implemented" && !hasHostKernels(group, noHost) && node.eligible)
        node.pinned = true;
      SmallVector<std::string> names = sourceNodes(group);
      for (const std::unique_ptr<Rule> &r : rules) {
        const Rule &rule = *r;
        if (!llvm::any_of(names, [&](const std::string &n) { return rule.glob.match(n); }))
          continue;
        if (rule.npu && !node.eligible) {
          group.emitError() << "placement file asks for the NPU for node '"
                            << (names.empty() ? "?" : names.front()) << "' (" << group.getKind()
                            << "), which cannot run there: " << node.reason;
          ok = false;
          return;
        }
        if (!rule.npu && !noHost.empty()) {
          group.emitError() << "placement file asks for the host for node '"
                            << (names.empty() ? "?" : names.front()) << "' (" << group.getKind()
                            << "), which cannot run there: " << noHost;
          ok = false;
          return;
        }
        if (!rule.npu && node.eligible)
          node.reason = "placement file rule '" + rule.pattern + "'";
        place = rule.npu;
        node.pinned = true;
        break;
      }
      StringRef base = baseKind(group.getKind());
      node.fractalKind = isFractalKind(base);
      node.passThrough =
          llvm::is_contained({"elementwise", "avg_pool", "max_pool", "resize", "concat"}, base);
      if (base == "concat")
        group.getBody().walk([&](ConcatOp c) { node.concatAxis = c.getAxis(); });
      Work work = groupWork(group);
      if (node.eligible)
        work.launches = npuLaunches(group, *target);
      node.npuSeconds = npuSeconds(work, *target);
      node.hostSeconds = hostSeconds(work, *target);
      group.getBody().walk([&](Operation *op) {
        if (node.activationInput < 0 &&
            isa<ConvOp, ConvTransposeOp, ConvIntegerOp, QLinearConvOp>(op))
          if (auto arg = dyn_cast<BlockArgument>(op->getOperand(0)))
            node.activationInput = int(arg.getArgNumber());
      });
      problem.nodes.push_back(std::move(node));
      npu.push_back(place);
    });
    if (!ok)
      return signalPassFailure();
    problem.build();

    // Local search from "everything the NPU can run runs there": move one
    // free group at a time to the side that lowers the modeled total, until
    // no move helps. Each move lowers the total strictly, so it ends. The
    // NPU is the home of every group it can run: a group moves to the host
    // only next to host work (what must run there, or groups moved
    // already), to save the transfers and conversions of a split; a model
    // with no host work stays whole on the NPU however small it is.
    problem.init(npu);
    if (costModel) {
      for (unsigned round = 0, changed = 1; changed && round < 16; ++round) {
        changed = 0;
        for (size_t i = 0; i < problem.nodes.size(); ++i) {
          const Node &node = problem.nodes[i];
          if (!node.eligible || node.pinned || (problem.npu[i] && !problem.touchesHost(i)))
            continue;
          changed |= problem.tryFlip(i, problem.total.seconds * 1e-9);
        }
      }
    }
    npu = problem.npu;
    // The search kept its totals by differences; recount from scratch and
    // refuse to report numbers that disagree.
    Cost searched = problem.total;
    problem.init(npu);
    Cost best = problem.total;
    if (searched.transfers != best.transfers || searched.conversions != best.conversions ||
        std::abs(searched.seconds - best.seconds) > 1e-9 * std::max(1.0, best.seconds)) {
      getOperation()->emitError() << "pagoda-graph-place: internal error: the incremental cost ("
                                  << searched.seconds << " s) disagrees with a recount ("
                                  << best.seconds << " s)";
      return signalPassFailure();
    }

    Builder b(&getContext());
    for (size_t i = 0; i < problem.nodes.size(); ++i) {
      Node &node = problem.nodes[i];
      GroupOp group = node.group;
      if (npu[i]) {
        node.reason = "NPU kernel";
      } else if (node.eligible && !node.pinned) {
        // Positive unless the search stopped at its round cap.
        double onNpu = std::max(problem.secondsIfFlipped(i), best.seconds);
        node.reason = "cost model: the model is " + micros(onNpu - best.seconds) +
                      " faster with it on the host (kernel " + micros(node.npuSeconds) +
                      " on the NPU, " + micros(node.hostSeconds) +
                      " on the host, transfers and layout conversions counted)";
      }
      group->setAttr("placement", b.getStringAttr(npu[i] ? "npu" : "host"));
      group->setAttr("placement_reason", b.getStringAttr(node.reason));
      if (!npu[i] && isHeavy(group.getKind())) {
        SmallVector<std::string> names = sourceNodes(group);
        group.emitWarning() << "node '" << (names.empty() ? "?" : names.front()) << "' ("
                            << group.getKind() << ") runs on the host: " << node.reason;
      }
    }
    unsigned onNpu = llvm::count(npu, 1);
    getOperation()->setAttr(
        "pagoda.placement",
        b.getDictionaryAttr({
            b.getNamedAttr("npu_groups", b.getI64IntegerAttr(onNpu)),
            b.getNamedAttr("host_groups", b.getI64IntegerAttr(npu.size() - onNpu)),
            b.getNamedAttr("transfers", b.getI64IntegerAttr(best.transfers)),
            b.getNamedAttr("transfer_bytes", b.getI64IntegerAttr(int64_t(best.transferBytes))),
            b.getNamedAttr("layout_conversions", b.getI64IntegerAttr(best.conversions)),
            b.getNamedAttr("modeled_us", b.getF64FloatAttr(std::round(best.seconds * 1e7) / 10)),
        }));
  }

private:
  /// Whether the NPU can run the group; `reason` says why not.
  bool npuCan(GroupOp group, const target::TargetDesc &t, std::string &reason) {
    StringRef kind = group.getKind();
    StringRef base = baseKind(kind);
    if (!npuKinds().contains(base)) {
      reason = ("no NPU kernel for " + kind).str();
      return false;
    }
    if (kernels == "implemented" && !hasNpuKernel(group, t, reason))
      return false;
    bool ok = true;
    group.getBody().walk([&](Operation *op) {
      if (!ok || isa<YieldOp, ConstantOp>(op))
        return;
      for (Type type : op->getOperandTypes()) {
        Type elt = getElementTypeOrSelf(type);
        bool cubeOperand = isCubeKind(base) && isa<ConvOp, ConvTransposeOp, MatMulOp, GemmOp>(op);
        if (cubeOperand) {
          std::optional<target::CubeType> ct = npu::getCubeType(elt);
          if (!ct || !t.cube(*ct)) {
            reason = "the " + t.name + " cube has no " + typeStr(elt) + " (" +
                     op->getName().stripDialect().str() + ")";
            ok = false;
            return;
          }
        } else if (!isDataMovement(base) && (elt.isF64() || elt.isInteger(64)) &&
                   !isa<GatherOp, GatherElementsOp, GatherNDOp, ScatterNDOp, ScatterElementsOp>(
                       op)) {
          reason = typeStr(elt) + " arithmetic (" + op->getName().stripDialect().str() +
                   ") is not an NPU vector type";
          ok = false;
          return;
        }
      }
    });
    return ok;
  }

  LogicalResult loadRules(std::vector<std::unique_ptr<Rule>> &rules) {
    auto buf = llvm::MemoryBuffer::getFile(placementFile);
    if (!buf)
      return getOperation()->emitError()
             << placementFile << ": cannot open: " << buf.getError().message();
    llvm::Expected<llvm::json::Value> json = llvm::json::parse((*buf)->getBuffer());
    if (!json)
      return getOperation()->emitError()
             << placementFile << ": not JSON: " << llvm::toString(json.takeError());
    const llvm::json::Object *root = json->getAsObject();
    const llvm::json::Array *list = root ? root->getArray("rules") : nullptr;
    if (!list)
      return getOperation()->emitError() << placementFile << ": expected {\"rules\": [...]}";
    for (size_t i = 0; i < list->size(); ++i) {
      const llvm::json::Object *r = (*list)[i].getAsObject();
      std::optional<StringRef> node = r ? r->getString("node") : std::nullopt;
      std::optional<StringRef> where = r ? r->getString("placement") : std::nullopt;
      if (!node || !where || (*where != "npu" && *where != "host"))
        return getOperation()->emitError()
               << placementFile << ": rule " << i
               << " needs \"node\" (a glob) and \"placement\" (\"npu\" or \"host\")";
      auto rule = std::make_unique<Rule>();
      rule->pattern = node->str();
      rule->npu = *where == "npu";
      llvm::Expected<llvm::GlobPattern> glob = llvm::GlobPattern::create(rule->pattern);
      if (!glob)
        return getOperation()->emitError() << placementFile << ": rule " << i << ": bad glob '"
                                           << *node << "': " << llvm::toString(glob.takeError());
      rule->glob = std::move(*glob);
      rules.push_back(std::move(rule));
    }
    return success();
  }
};

} // namespace
