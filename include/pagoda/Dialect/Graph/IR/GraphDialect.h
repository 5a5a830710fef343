//===- GraphDialect.h - The graph dialect -----------------------*- C++ -*-===//
#ifndef PAGODA_DIALECT_GRAPH_IR_GRAPHDIALECT_H
#define PAGODA_DIALECT_GRAPH_IR_GRAPHDIALECT_H

#include "mlir/IR/Dialect.h"

#include "pagoda/Dialect/Graph/IR/GraphDialect.h.inc"

#endif // PAGODA_DIALECT_GRAPH_IR_GRAPHDIALECT_H
