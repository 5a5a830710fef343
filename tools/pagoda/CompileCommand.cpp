//===- CompileCommand.cpp - `pagoda compile` -------------------------------===//
//
// A thin shell over include/pagoda/Compiler: load a model (ONNX, or MLIR in
// tosa, linalg or the graph dialect), run the graph-level pipeline, emit
// the artifact (`-o model.pgd`), the generated kernels' assembly (`--emit
// asm`) or the planned graph-level IR (`--emit mlir`, the default when -o
// is not a .pgd file), and with --report a JSON report.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "pagoda/Compiler/Compiler.h"
#include "pagoda/Import/ONNX.h"
#include "pagoda/InitAll.h"
#include "pagoda/Target/TargetJSON.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <memory>

using namespace pagoda;

namespace {

bool endsWith(const std::string &s, const char *suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

struct CompileOptions {
  std::string model;
  std::string output = "-";
  std::string emit = "auto";
  std::vector<std::string> inputShapes;
  std::string target = "ascend-950pr";
  std::string placementFile;
  std::string report;
  std::string targetSpec;
  std::string kernels = "implemented";
  std::string precision = "fp32";
  std::vector<std::string> keepDtype;
  std::string progress = "auto";
  std::string tiling = "auto";
  unsigned tilingCandidates = 4;
  bool locations = false;
  bool timePasses = false;
  bool printIRAfterAll = false;
  std::vector<std::string> printIRAfter;
  unsigned jobs = 0;
};

int compileModel(const CompileOptions &o) {
  auto start = std::chrono::steady_clock::now();
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
  const std::string &targetName = o.targetSpec.empty() ? o.target : o.targetSpec;
  Result<target::TargetDesc> t =
      o.targetSpec.empty() ? target::resolveTarget(o.target) : target::loadTargetFile(o.targetSpec);
  if (!t)
    return driver::reportError(t.error().str());

  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  // -j: the threads MLIR may use (1: none besides this one). The pool
  // outlives the context, which must start without threads to take it.
  std::unique_ptr<llvm::DefaultThreadPool> pool;
  if (o.jobs > 1)
    pool = std::make_unique<llvm::DefaultThreadPool>(llvm::hardware_concurrency(o.jobs));
  mlir::MLIRContext context(registry, o.jobs == 0 ? mlir::MLIRContext::Threading::ENABLED
                                                  : mlir::MLIRContext::Threading::DISABLED);
  if (pool)
    context.setThreadPool(*pool);
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
      } else if (!mlir::isa<mlir::UnknownLoc>(loc)) {
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

  compiler::Options options;
  options.timePasses = o.timePasses;
  options.printIRAfterAll = o.printIRAfterAll;
  for (const std::string &pass : o.printIRAfter) {
    std::string name = pass.rfind("-", 0) == 0 ? pass.substr(pass.find_first_not_of('-')) : pass;
    if (!compiler::isPipelinePass(name))
      return driver::reportError(
          fmt::format("--print-ir-after: '{}' is not a pass of the pipeline "
                      "(names as pagoda-opt takes them, e.g. pagoda-graph-place)",
                      pass));
    options.printIRAfter.push_back(name);
  }
  options.target = targetName;
  options.placementFile = o.placementFile;
  options.kernels = o.kernels;
  options.precision = o.precision;
  options.keepDtype = o.keepDtype;
  options.tiling = o.tiling;
  options.tilingCandidates = o.tilingCandidates;
  // Progress on stderr: always, never, or (auto) once a compile has taken
  // 2 s, at most a line a second and the last of each stage.
  double lastPrint = -1;
  std::string lastStage;
  if (o.progress != "never")
    options.progress = [&, start](std::string_view stage, uint64_t done, uint64_t total) {
      const double t =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const bool kernels = stage == "kernels";
      if (o.progress == "auto" &&
          (t < 2 || (t - lastPrint < 1 && done != total && (kernels || stage == lastStage))))
        return;
      lastPrint = t;
      lastStage = std::string(stage);
      fmt::print(stderr, "pagoda: compile: {} {}/{} ({:.1f} s)\n", stage, done, total, t);
    };
  options.inputShapes = importOptions.inputShapes;
  mlir::OwningOpRef<mlir::ModuleOp> module = compiler::loadModel(context, o.model, options);
  if (!module || errors)
    return 1;
  if (mlir::failed(compiler::runGraphPipeline(*module, options)))
    return 1;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::string emit = o.emit;
  if (emit == "auto")
    emit = endsWith(o.output, ".pgd") ? "artifact" : "mlir";
  if (emit == "artifact" && o.output == "-")
    return driver::reportError("an artifact is binary: give -o FILE.pgd");

  // The report's kernel code (tiling, predictions) comes with emission;
  // --emit mlir stops before code generation.
  std::optional<compiler::Emitted> emitted;
  if (emit != "mlir") {
    mlir::FailureOr<compiler::Emitted> e = compiler::emitArtifact(*module, options, o.model);
    if (mlir::failed(e))
      return 1;
    emitted = std::move(*e);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  if (!o.report.empty()) {
    std::string error;
    auto report = mlir::openOutputFile(o.report, &error);
    if (!report)
      return driver::reportError(error);
    report->os() << compiler::reportJSON(*module, options, seconds, emitted ? &*emitted : nullptr);
    report->keep();
  }

  std::string error;
  auto out = mlir::openOutputFile(o.output, &error);
  if (!out)
    return driver::reportError(error);
  if (emit == "artifact") {
    Result<std::vector<uint8_t>> bytes = artifact::write(emitted->artifact);
    if (!bytes)
      return driver::reportError(bytes.error().str());
    out->os().write(reinterpret_cast<const char *>(bytes->data()), bytes->size());
    out->keep();
    return 0;
  }
  if (emit == "asm") {
    for (const compiler::KernelCode &k : emitted->kernels)
      out->os() << "# kernel " << k.name << ": " << k.tiling << ", block dim " << k.blockDim
                << ", predicted " << fmt::format("{:.2f}", k.predictedSeconds * 1e6) << " us\n"
                << k.assembly << "\n";
    out->keep();
    return 0;
  }
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
  cmd->add_option("--emit", o->emit,
                  "What to write: artifact (the compiled model, the default for -o *.pgd), "
                  "asm (the generated kernels) or mlir (the planned graph-level IR, the "
                  "default otherwise)")
      ->check(CLI::IsMember({"auto", "artifact", "asm", "mlir"}))
      ->capture_default_str();
  cmd->add_option("--input-shape", o->inputShapes,
                  "NAME:D0,D1,... fixes an input's shape (repeatable)");
  CLI::Option *preset =
      cmd->add_option("--target", o->target, "Target preset (or a target JSON file)")
          ->capture_default_str();
  cmd->add_option("--target-spec", o->targetSpec,
                  "A target description JSON (docs/targets.md), checked before compiling")
      ->excludes(preset);
  cmd->add_option("--placement-file", o->placementFile,
                  "JSON rules placing nodes on the npu or the host by name glob");
  cmd->add_option("--report", o->report,
                  "Write a JSON report: compile time, HBM plan, host nodes, kernels");
  cmd->add_option("--kernels", o->kernels,
                  "What placement may put on the NPU: implemented (what this build generates "
                  "code for) or all (every kernel class of the target: a plan to study with "
                  "--emit mlir; it cannot be emitted until the back end has those kernels)")
      ->check(CLI::IsMember({"implemented", "all"}))
      ->capture_default_str();
  cmd->add_option("--precision", o->precision,
                  "fp32 (exact against the reference), fp16 or bf16 (16-bit compute, f32 "
                  "accumulation on the cube), mixed (fp16, with softmax, normalizations, "
                  "reductions, exp/log/pow/div in f32)")
      ->check(CLI::IsMember({"fp32", "fp16", "bf16", "mixed"}))
      ->capture_default_str();
  cmd->add_option("--keep-dtype", o->keepDtype,
                  "Node-name glob whose ops stay in f32 in a 16-bit mode (repeatable)");
  cmd->add_option("--tiling", o->tiling,
                  "auto (each kernel's tiling by the cost model) or search (the fastest on the "
                  "simulator of the cost model's first --tiling-candidates; slower compiles)")
      ->check(CLI::IsMember({"auto", "search"}))
      ->capture_default_str();
  cmd->add_option("--tiling-candidates", o->tilingCandidates,
                  "Tilings per kernel that --tiling search simulates")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  cmd->add_option("--progress", o->progress,
                  "Progress lines on stderr: auto (once a compile has run 2 s), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_flag("--time-passes", o->timePasses, "Print each pass's time on stderr");
  cmd->add_flag("--print-ir-after-all", o->printIRAfterAll, "Print the IR after every pass");
  cmd->add_option("--print-ir-after", o->printIRAfter,
                  "Print the IR after the named pass, e.g. pagoda-graph-fuse (repeatable)");
  cmd->add_option("-j", o->jobs, "Threads the compiler may use (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_flag("--locations", o->locations,
                "Print each op's location (its ONNX node name) with --emit mlir");
  cmd->callback([&run, o] { run = [o] { return compileModel(*o); }; });
}
