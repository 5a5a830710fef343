//===- Compiler.h - The compiler as a library call --------------*- C++ -*-===//
//
// What `pagoda compile` does, for any client (the tool, the C API, tests):
// load a model file into MLIR, run the graph-level pipeline (cleanups,
// fusion, placement, HBM planning) and describe the result. Errors are MLIR
// diagnostics on the context, each at the node or line they concern; the
// caller decides how to print them.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_COMPILER_COMPILER_H
#define PAGODA_COMPILER_COMPILER_H

#include "pagoda/Artifact/Artifact.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pagoda::compiler {

struct Options {
  std::string target = "ascend-950pr"; ///< preset name or target JSON path
  std::string placementFile;           ///< placement rules, empty for none
  /// ONNX inputs whose dynamic dimensions are fixed (--input-shape).
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Instrumentation, on stderr: per-pass times, and the IR after every
  /// pass or after the passes named (by their -pagoda-... argument).
  bool timePasses = false;
  bool printIRAfterAll = false;
  std::vector<std::string> printIRAfter;
  /// Which groups placement may put on the NPU: "implemented" (what this
  /// build generates code for) or "all" (every kernel class the target
  /// has: plans for the target, but such a module cannot be emitted yet).
  std::string kernels = "implemented";
  /// fp32 (exact against the reference), fp16, bf16 or mixed
  /// (-pagoda-graph-precision); ops of nodes matching a keepDtype glob stay
  /// in f32.
  std::string precision = "fp32";
  std::vector<std::string> keepDtype;
  /// How each kernel's tiling is chosen: "auto" (the cost model's choice)
  /// or "search" (the fastest on the simulator of the cost model's first
  /// `tilingCandidates`; codegen/Search.h).
  std::string tiling = "auto";
  unsigned tilingCandidates = 4;
  /// Called as work proceeds: after each pass of the graph pipeline
  /// (stage "pass NAME") and after each group emitted ("kernels"), with how
  /// many of `total` are done. The tool prints it for long compiles.
  std::function<void(std::string_view stage, uint64_t done, uint64_t total)> progress;
};

/// What code generation made of one NPU kernel group.
struct KernelCode {
  std::string name;
  std::string tiling;         ///< the generator's choice, in words
  double predictedCycles = 0; ///< the cost model's, launch overhead included
  double predictedSeconds = 0;
  uint32_t blockDim = 0;
  /// Tiling search only: the simulated cycles of the kept tilings (the
  /// group's kernels summed), launch overhead included; 0 otherwise.
  double simulatedCycles = 0;
  std::string assembly; ///< what `--emit asm` prints
};

/// An artifact and, per NPU group, its code.
struct Emitted {
  artifact::Artifact artifact;
  std::vector<KernelCode> kernels;
  /// The group op each entry of `kernels` came from.
  std::map<mlir::Operation *, size_t> groups;
};

/// Emits the artifact of a module the graph pipeline ran on: weights
/// packed, activations at their planned offsets, NPU groups as generated
/// kernels, host groups as host calls (docs/codegen.md). Errors are
/// diagnostics at the node concerned; `source` is recorded as metadata.
mlir::FailureOr<Emitted> emitArtifact(mlir::ModuleOp module, const Options &options,
                                      llvm::StringRef source);

/// Loads `path` (.onnx, or .mlir in tosa, linalg or the graph dialect) and
/// verifies it; null after reporting on failure.
mlir::OwningOpRef<mlir::ModuleOp> loadModel(mlir::MLIRContext &context, const std::string &path,
                                            const Options &options);

/// Adds the graph-level pipeline: raising of tosa/linalg, folding, fusion
/// of normalizations, CSE, kernel groups, placement, HBM planning.
void buildGraphPipeline(mlir::OpPassManager &pm, const Options &options);

/// Whether `name` is the argument of a pass buildGraphPipeline adds.
bool isPipelinePass(const std::string &name);

/// Runs the graph-level pipeline on `module`, with the options'
/// instrumentation.
mlir::LogicalResult runGraphPipeline(mlir::ModuleOp module, const Options &options);

/// The compile report (JSON): compile_seconds, target, HBM figures, the
/// placement totals, host_nodes (name, op, reason) and kernels (name, kind,
/// placement, source nodes, arena offsets) of a module the pipeline ran on;
/// with `emitted`, NPU kernels also give their tiling, block dim and
/// predicted cycles and microseconds.
std::string reportJSON(mlir::ModuleOp module, const Options &options, double compileSeconds,
                       const Emitted *emitted = nullptr);

} // namespace pagoda::compiler

#endif // PAGODA_COMPILER_COMPILER_H
