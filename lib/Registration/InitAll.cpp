//===- InitAll.cpp - Register pagoda's dialects and passes ----------------===//

#include "pagoda/InitAll.h"

#include "pagoda/Conversion/Passes.h"

#include "pagoda/Dialect/Graph/IR/GraphDialect.h"
#include "pagoda/Dialect/Graph/Transforms/Passes.h"
#include "pagoda/Dialect/NPU/IR/NPUDialect.h"
#include "pagoda/Dialect/NPU/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

void pagoda::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<graph::GraphDialect, npu::NPUDialect, mlir::arith::ArithDialect,
                  mlir::func::FuncDialect, mlir::memref::MemRefDialect, mlir::scf::SCFDialect,
                  mlir::tensor::TensorDialect, mlir::tosa::TosaDialect, mlir::linalg::LinalgDialect,
                  mlir::math::MathDialect>();
}

void pagoda::registerAllPasses() {
  mlir::registerTransformsPasses(); // canonicalize, cse, inline, ...
  graph::registerGraphPasses();
  registerConversionPasses();
  npu::registerNPUPasses();
}
