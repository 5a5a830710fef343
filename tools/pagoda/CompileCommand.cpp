//===- CompileCommand.cpp - `pagoda compile` -------------------------------===//
//
// Imports a model (ONNX, or MLIR in tosa, linalg or the graph dialect), verifies it and runs
// the graph-level cleanups, and writes the graph-level IR (`--emit mlir`).
// The NPU back end and `--emit artifact` come with code generation.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "pagoda/Conversion/Passes.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"
#include "pagoda/Import/ONNX.h"
#include "pagoda/InitAll.h"
#include "pagoda/Target/TargetJSON.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <memory>

using namespace pagoda;

namespace {

struct CompileOptions {
  std::string model;
  std::string output = "-";
  std::string emit = "mlir";
  std::vector<std::string> inputShapes;
  std::string target = "ascend-950pr";
  std::string placementFile;
  bool locations = false;
};

bool endsWith(const std::string &s, const char *suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

int compileModel(const CompileOptions &o) {
  import::ONNXOptions importOptions;
  for (const std::string &spec : o.inputShapes) {
    std::string name, error;
    std::vector<int64_t> dims;
    if (!import::parseInputShape(spec, name, dims, error))
      return driver::reportError(error);
    if (importOptions.inputShapes.count(name))
      return driver::reportError(fmt::format("--input-shape gives '{}' twice", name));
    importOptions.inputShapes[name] = dims;
  }

  // A bad target is rejected before any work.
  if (Result<target::TargetDesc> t = target::resolveTarget(o.target); !t)
    return driver::reportError(t.error().str());

  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  // Every diagnostic is one "pagoda: error: ..." line; importer messages
  // already name the file and node, others get their location.
  int errors = 0;
  context.getDiagEngine().registerHandler([&](mlir::Diagnostic &d) {
    std::string text;
    llvm::raw_string_ostream os(text);
    if (d.getSeverity() == mlir::DiagnosticSeverity::Error)
      ++errors;
    // A node's location is NameLoc(node, file): say "file: node 'name': ".
    std::string message = d.str();
    if (message.rfind(o.model, 0) != 0) {
      mlir::Location loc = d.getLocation();
      if (auto name = mlir::dyn_cast<mlir::NameLoc>(loc)) {
        os << o.model << ": ";
        if (message.rfind("node '", 0) != 0)
          os << "node '" << name.getName().getValue() << "': ";
      } else if (auto file = mlir::dyn_cast<mlir::FileLineColLoc>(loc)) {
        os << file.getFilename().getValue();
        if (file.getLine())
          os << ":" << file.getLine() << ":" << file.getColumn();
        os << ": ";
      } else {
        os << loc << ": ";
      }
    }
    os << message;
    for (const mlir::Diagnostic &note : d.getNotes())
      os << "\n  note: " << note.str();
    const char *kind = d.getSeverity() == mlir::DiagnosticSeverity::Error     ? "error"
                       : d.getSeverity() == mlir::DiagnosticSeverity::Warning ? "warning"
                                                                              : "note";
    std::fflush(stdout);
    fmt::print(stderr, "pagoda: {}: {}\n", kind, text);
    return mlir::success();
  });

  mlir::OwningOpRef<mlir::ModuleOp> module;
  if (endsWith(o.model, ".onnx")) {
    module = import::importONNXFile(context, o.model, importOptions);
  } else if (endsWith(o.model, ".mlir")) {
    if (!o.inputShapes.empty())
      return driver::reportError("--input-shape applies to ONNX models; an .mlir function "
                                 "declares its own argument types");
    llvm::SourceMgr sources;
    std::string error;
    auto file = mlir::openInputFile(o.model, &error);
    if (!file)
      return driver::reportError(error);
    sources.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    module = mlir::parseSourceFile<mlir::ModuleOp>(sources, &context);
  } else {
    return driver::reportError(
        fmt::format("{}: unknown model kind (expected a .onnx or .mlir file)", o.model));
  }
  if (!module || errors)
    return 1;
  if (mlir::failed(mlir::verify(*module)))
    return 1;

  // Graph-level optimization: folding (constants, identities, reshape and
  // transpose chains), batch norms into the ops before them, layer norms
  // recognized, CSE, DCE; then fusion into kernel groups and placement.
  mlir::PassManager pm(&context);
  // .mlir input in tosa or linalg; nothing to do for ONNX.
  pm.addPass(createTosaToGraph());
  pm.addPass(createLinalgToGraph());
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(graph::createGraphSinkTransposes());
  pm.addPass(graph::createGraphFoldBatchNorm());
  pm.addPass(graph::createGraphFuseLayerNorm());
  pm.addPass(graph::createGraphFuseSoftmax());
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
  // Kernel groups, each placed on the NPU or the host.
  pm.addPass(graph::createGraphFuse());
  pm.addPass(mlir::createCanonicalizerPass()); // constants the groups no longer use
  graph::GraphPlaceOptions place;
  place.targetName = o.target;
  place.placementFile = o.placementFile;
  pm.addPass(graph::createGraphPlace(place));
  // Activations in the HBM arena; a model that cannot fit stops here.
  graph::GraphPlanHBMOptions hbm;
  hbm.targetName = o.target;
  pm.addPass(graph::createGraphPlanHBM(hbm));
  if (mlir::failed(pm.run(*module)))
    return 1;

  std::string error;
  auto out = mlir::openOutputFile(o.output, &error);
  if (!out)
    return driver::reportError(error);
  mlir::OpPrintingFlags flags;
  flags.elideLargeElementsAttrs(16);
  if (o.locations)
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  module->print(out->os(), flags);
  out->keep();
  return 0;
}

} // namespace

void pagoda::driver::addCompileCommand(CLI::App &app, CommandFn &run) {
  auto o = std::make_shared<CompileOptions>();
  CLI::App *cmd =
      app.add_subcommand("compile", "Compile a model (.onnx, or .mlir in tosa, linalg or "
                                    "the graph dialect) for a modeled NPU");
  cmd->add_option("model", o->model, "Model file")->required();
  cmd->add_option("-o", o->output, "Output file ('-' for stdout)")->capture_default_str();
  cmd->add_option("--emit", o->emit, "What to write: mlir (the optimized graph-level IR)")
      ->check(CLI::IsMember({"mlir"}))
      ->capture_default_str();
  cmd->add_option("--input-shape", o->inputShapes,
                  "NAME:D0,D1,... fixes an input's shape (repeatable)");
  cmd->add_option("--target", o->target, "Target preset or JSON file (placement uses its types)")
      ->capture_default_str();
  cmd->add_option("--placement-file", o->placementFile,
                  "JSON rules placing nodes on the npu or the host by name glob");
  cmd->add_flag("--locations", o->locations,
                "Print each op's location (its ONNX node name) with --emit mlir");
  cmd->callback([&run, o] { run = [o] { return compileModel(*o); }; });
}
