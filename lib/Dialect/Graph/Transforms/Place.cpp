//===- Place.cpp - Place kernel groups on the NPU or the host -------------===//

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"
#include "pagoda/Dialect/NPU/IR/NPUOps.h"
#include "pagoda/Target/TargetJSON.h"

#include "mlir/IR/TypeUtilities.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>

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
      "transpose", "concat", "slice", "gather", "gather_elements", "scatter_nd", "expand", "pad",
      "tile", "depth_to_space", "space_to_depth"};
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
                             "scatter_nd", "expand", "pad", "tile", "depth_to_space",
                             "space_to_depth"},
                            kind);
}

std::string typeStr(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

/// The node names of a group's ops (their NameLoc names).
SmallVector<std::string> nodeNames(GroupOp group) {
  SmallVector<std::string> names;
  group.getBody().walk([&](Operation *op) {
    if (isa<ConstantOp, YieldOp>(op))
      return;
    if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
      names.push_back(loc.getName().str());
  });
  if (names.empty())
    if (auto loc = dyn_cast<NameLoc>(group.getLoc()))
      names.push_back(loc.getName().str());
  return names;
}

/// A placement rule. The glob refers into `pattern`'s characters, so a rule
/// lives at a fixed address (held by unique_ptr) once its glob is built.
struct Rule {
  std::string pattern;
  llvm::GlobPattern glob;
  bool npu = false;
};

class PlacePass : public pagoda::graph::impl::GraphPlaceBase<PlacePass> {
public:
  using GraphPlaceBase::GraphPlaceBase;

  void runOnOperation() override {
    Result<target::TargetDesc> target = target::resolveTarget(targetName);
    if (!target) {
      getOperation()->emitError() << "pagoda-graph-place: " << target.error().str();
      return signalPassFailure();
    }
    std::vector<std::unique_ptr<Rule>> rules;
    if (!placementFile.empty() && failed(loadRules(rules)))
      return signalPassFailure();

    bool ok = true;
    getOperation()->walk([&](GroupOp group) {
      std::string reason;
      bool npu = npuCan(group, *target, reason);
      SmallVector<std::string> names = nodeNames(group);
      for (const std::unique_ptr<Rule> &r : rules) {
        const Rule &rule = *r;
        if (!llvm::any_of(names, [&](const std::string &n) { return rule.glob.match(n); }))
          continue;
        if (rule.npu && !npu) {
          group.emitError() << "placement file asks for the NPU for node '"
                            << (names.empty() ? "?" : names.front()) << "' (" << group.getKind()
                            << "), which cannot run there: " << reason;
          ok = false;
          return;
        }
        if (!rule.npu && npu)
          reason = "placement file rule '" + rule.pattern + "'";
        npu = rule.npu;
        break;
      }
      if (npu && reason.empty())
        reason = "NPU kernel";
      Builder b(group.getContext());
      group->setAttr("placement", b.getStringAttr(npu ? "npu" : "host"));
      group->setAttr("placement_reason", b.getStringAttr(reason));
      if (!npu && isHeavy(group.getKind()))
        group.emitWarning() << "node '" << (names.empty() ? "?" : names.front()) << "' ("
                            << group.getKind() << ") runs on the host: " << reason;
    });
    if (!ok)
      signalPassFailure();
  }

private:
  /// Whether the NPU can run the group; `reason` says why not.
  bool npuCan(GroupOp group, const target::TargetDesc &t, std::string &reason) {
    StringRef kind = group.getKind();
    StringRef base = kind.ends_with("_epilogue") ? kind.drop_back(strlen("_epilogue")) : kind;
    if (!npuKinds().contains(base)) {
      reason = ("no NPU kernel for " + kind).str();
      return false;
    }
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
                   !isa<GatherOp, GatherElementsOp, ScatterNDOp>(op)) {
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
