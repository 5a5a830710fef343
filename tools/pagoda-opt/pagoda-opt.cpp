//===- pagoda-opt.cpp - mlir-opt with pagoda's dialects and passes --------===//

#include "pagoda/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  pagoda::registerAllDialects(registry);
  pagoda::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "pagoda optimizer driver\n", registry));
}
