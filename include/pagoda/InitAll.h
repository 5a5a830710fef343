//===- InitAll.h - Register pagoda's dialects and passes --------*- C++ -*-===//
//
// One place that lists every dialect and pass pagoda-opt and the compiler
// driver know, so that tools stay thin.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_INITALL_H
#define PAGODA_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace pagoda {

/// Adds pagoda's dialects and the upstream dialects its pipelines use.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers pagoda's passes and the upstream passes its pipelines use with
/// the global pass registry (for textual pipelines and pagoda-opt flags).
void registerAllPasses();

} // namespace pagoda

#endif // PAGODA_INITALL_H
