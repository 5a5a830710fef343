//===- Passes.h - Passes on the graph dialect -------------------*- C++ -*-===//
#ifndef PAGODA_DIALECT_GRAPH_TRANSFORMS_PASSES_H
#define PAGODA_DIALECT_GRAPH_TRANSFORMS_PASSES_H

#include "pagoda/Dialect/Graph/IR/GraphDialect.h"

#include "mlir/Pass/Pass.h"

#include <memory>

namespace pagoda::graph {

#define GEN_PASS_DECL
#include "pagoda/Dialect/Graph/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "pagoda/Dialect/Graph/Transforms/Passes.h.inc"

} // namespace pagoda::graph

#endif // PAGODA_DIALECT_GRAPH_TRANSFORMS_PASSES_H
