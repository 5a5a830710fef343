//===- Compiler.cpp - The compiler as a library call ----------------------===//

#include "pagoda/Compiler/Compiler.h"

#include "pagoda/Conversion/Passes.h"
#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"
#include "pagoda/Import/ONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/JSON.h"

#include "llvm/Support/SourceMgr.h"
#include <cmath>

using namespace mlir;

namespace pagoda::compiler {

namespace {

bool endsWith(const std::string &s, const char *suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

std::string opNames(graph::GroupOp group) {
  std::string names;
  group.getBody().walk([&](Operation *op) {
    if (llvm::isa<graph::ConstantOp, graph::YieldOp>(op))
      return;
    names += (names.empty() ? "" : ",") + op->getName().stripDialect().str();
  });
  return names;
}

int64_t intAttr(DictionaryAttr d, StringRef key) {
  auto a = d ? dyn_cast_or_null<IntegerAttr>(d.get(key)) : IntegerAttr();
  return a ? a.getInt() : 0;
}

} // namespace

OwningOpRef<ModuleOp> loadModel(MLIRContext &context, const std::string &path,
                                const Options &options) {
  OwningOpRef<ModuleOp> module;
  if (endsWith(path, ".onnx")) {
    import::ONNXOptions importOptions;
    importOptions.inputShapes = options.inputShapes;
    module = import::importONNXFile(context, path, importOptions);
  } else if (endsWith(path, ".mlir")) {
    if (!options.inputShapes.empty()) {
      emitError(UnknownLoc::get(&context))
          << "--input-shape applies to ONNX models; an .mlir function declares its own "
             "argument types";
      return nullptr;
    }
    std::string error;
    auto file = openInputFile(path, &error);
    if (!file) {
      emitError(UnknownLoc::get(&context)) << error;
      return nullptr;
    }
    llvm::SourceMgr sources;
    sources.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    module = parseSourceFile<ModuleOp>(sources, &context);
  } else {
    emitError(UnknownLoc::get(&context))
        << path << ": unknown model kind (expected a .onnx or .mlir file)";
    return nullptr;
  }
  if (!module || failed(verify(*module)))
    return nullptr;
  return module;
}

void buildGraphPipeline(OpPassManager &pm, const Options &options) {
  // .mlir input in tosa or linalg; nothing to do for ONNX.
  pm.addPass(createTosaToGraph());
  pm.addPass(createLinalgToGraph());
  // QDQ-format products the cube's int8 mode covers as int8 ops, before the
  // weights' dequantization folds.
  graph::GraphQdqToInt8Options qdq;
  qdq.targetName = options.target;
  pm.addPass(graph::createGraphQdqToInt8(qdq));
  // Folding (constants, identities, reshape and transpose chains),
  // non-overlapping transposed convs as matmuls, normalizations recognized (before transposes move:
  // a transpose would otherwise move through a decomposed layer norm's reductions and off its last
  // axis), batch norms into the ops before them.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(graph::createGraphConvTransposeAsMatmul());
  graph::GraphConv3dAsConv2dOptions conv3d;
  conv3d.targetName = options.target;
  pm.addPass(graph::createGraphConv3dAsConv2d(conv3d));
  pm.addPass(graph::createGraphFuseLayerNorm());
  pm.addPass(graph::createGraphFuseSoftmax());
  pm.addPass(graph::createGraphSinkTransposes());
  pm.addPass(graph::createGraphFoldBatchNorm());
  // 16-bit compute where the precision mode says (after the folds, which
  // run in the weights' f32).
  graph::GraphPrecisionOptions precision;
  precision.mode = options.precision;
  precision.keepDtype.assign(options.keepDtype.begin(), options.keepDtype.end());
  pm.addPass(graph::createGraphPrecision(precision));
  // Convolutions the cube kernels cover become channels-last; the layout
  // transposes between them cancel.
  graph::GraphConvLayoutOptions layout;
  layout.targetName = options.target;
  pm.addPass(graph::createGraphConvLayout(layout));
  pm.addPass(graph::createGraphSinkTransposes());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Kernel groups, each placed on the NPU or the host.
  pm.addPass(graph::createGraphFuse());
  pm.addPass(createCanonicalizerPass()); // constants the groups no longer use
  graph::GraphPlaceOptions place;
  place.targetName = options.target;
  place.placementFile = options.placementFile;
  place.kernels = options.kernels;
  pm.addPass(graph::createGraphPlace(place));
  // Activations in the HBM arena; a model that cannot fit stops here.
  graph::GraphPlanHBMOptions hbm;
  hbm.targetName = options.target;
  pm.addPass(graph::createGraphPlanHBM(hbm));
}

bool isPipelinePass(const std::string &name) {
  MLIRContext context;
  PassManager probe(&context);
  buildGraphPipeline(probe, Options());
  for (Pass &p : probe.getPasses())
    if (p.getArgument() == name)
      return true;
  return false;
}

namespace {

/// Reports each finished pass of the top-level pipeline to Options::progress.
class ProgressInstrumentation : public PassInstrumentation {
public:
  ProgressInstrumentation(const Options &options, uint64_t total)
      : options_(options), total_(total) {}
  void runAfterPass(Pass *pass, Operation *op) override {
    if (llvm::isa<ModuleOp>(op))
      options_.progress("pass " + pass->getArgument().str(), ++done_, total_);
  }

private:
  const Options &options_;
  uint64_t total_, done_ = 0;
};

} // namespace

LogicalResult runGraphPipeline(ModuleOp module, const Options &options) {
  PassManager pm(module.getContext());
  buildGraphPipeline(pm, options);
  if (options.progress)
    pm.addInstrumentation(std::make_unique<ProgressInstrumentation>(options, pm.size()));
  if (options.timePasses)
    pm.enableTiming();
  if (options.printIRAfterAll || !options.printIRAfter.empty()) {
    // MLIR prints IR only from a single-threaded pass manager.
    module.getContext()->disableMultithreading();
    std::vector<std::string> names = options.printIRAfter;
    bool all = options.printIRAfterAll;
    OpPrintingFlags flags;
    flags.elideLargeElementsAttrs(16);
    pm.enableIRPrinting([](Pass *, Operation *) { return false; },
                        [all, names](Pass *pass, Operation *) {
                          return all || llvm::is_contained(names, pass->getArgument().str());
                        },
                        /*printModuleScope=*/true, /*printAfterOnlyOnChange=*/false,
                        /*printAfterOnlyOnFailure=*/false, llvm::errs(), flags);
  }
  return pm.run(module);
}

std::string reportJSON(ModuleOp module, const Options &options, double compileSeconds,
                       const Emitted *emitted) {
  auto hbm = module->getAttrOfType<DictionaryAttr>("pagoda.hbm");
  auto placement = module->getAttrOfType<DictionaryAttr>("pagoda.placement");
  llvm::json::Array hostNodes, kernels;
  module.walk([&](graph::GroupOp group) {
    auto where = group->getAttrOfType<StringAttr>("placement");
    auto reason = group->getAttrOfType<StringAttr>("placement_reason");
    SmallVector<std::string> nodes = graph::sourceNodes(group);
    llvm::json::Array source;
    for (const std::string &n : nodes)
      source.push_back(n);
    llvm::json::Array offsets;
    if (auto o = group->getAttrOfType<DenseI64ArrayAttr>("hbm_offsets"))
      for (int64_t v : o.asArrayRef())
        offsets.push_back(v);
    std::string name = nodes.empty() ? group.getKind().str() : nodes.back();
    llvm::json::Object kernel{
        {"name", name},
        {"kind", group.getKind()},
        {"placement", where ? where.getValue() : ""},
        {"source_nodes", std::move(source)},
        {"hbm_offsets", std::move(offsets)},
    };
    if (emitted) {
      auto it = emitted->groups.find(group.getOperation());
      if (it != emitted->groups.end()) {
        const KernelCode &code = emitted->kernels[it->second];
        kernel["tiling"] = code.tiling;
        kernel["block_dim"] = int64_t(code.blockDim);
        kernel["predicted_cycles"] = std::round(code.predictedCycles);
        kernel["predicted_us"] = std::round(code.predictedSeconds * 1e8) / 100;
        if (code.simulatedCycles > 0)
          kernel["simulated_cycles"] = std::round(code.simulatedCycles);
      }
    }
    kernels.push_back(std::move(kernel));
    if (where && where.getValue() == "host")
      for (const std::string &n : nodes.empty() ? SmallVector<std::string>{name} : nodes)
        hostNodes.push_back(llvm::json::Object{
            {"name", n}, {"op", opNames(group)}, {"reason", reason ? reason.getValue() : ""}});
  });
  llvm::json::Object report{
      {"compile_seconds", compileSeconds},
      {"target", options.target},
      {"tiling", options.tiling},
      {"hbm_peak_bytes", intAttr(hbm, "arena_bytes")},
      {"hbm_lower_bound_bytes", intAttr(hbm, "lower_bound_bytes")},
      {"weight_bytes", intAttr(hbm, "weight_bytes")},
      {"io_bytes", intAttr(hbm, "io_bytes")},
      {"in_place_groups", intAttr(hbm, "in_place")},
      {"npu_groups", intAttr(placement, "npu_groups")},
      {"host_groups", intAttr(placement, "host_groups")},
      {"host_transfers", intAttr(placement, "transfers")},
      {"layout_conversions", intAttr(placement, "layout_conversions")},
      {"host_nodes", std::move(hostNodes)},
      {"kernels", std::move(kernels)},
  };
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(report))) << "\n";
  return text;
}

} // namespace pagoda::compiler
