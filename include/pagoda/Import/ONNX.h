//===- ONNX.h - The ONNX importer -------------------------------*- C++ -*-===//
//
// Reads an ONNX model (protobuf, any IR version up to 10, default-domain
// opsets 7 to 21) into the graph dialect: one func.func @main whose
// arguments are the model's inputs and whose results are its outputs. Every
// op is located at its ONNX node's name (or a generated one). Shapes must be
// static after the caller's input shapes are applied.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_IMPORT_ONNX_H
#define PAGODA_IMPORT_ONNX_H

#include "pagoda/Support/Npy.h"
#include "pagoda/Support/Result.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pagoda::import {

struct ONNXOptions {
  /// Input name -> its full static shape (`--input-shape NAME:D0,D1,...`);
  /// replaces the model's dynamic (or static) dimensions.
  std::map<std::string, std::vector<int64_t>> inputShapes;
};

/// Imports the model in `path`; external tensor data is read relative to its
/// folder. Every problem is emitted as an error diagnostic on `context`
/// (unsupported ops all at once, each naming node, op type, opset and
/// domain); returns null after any error.
mlir::OwningOpRef<mlir::ModuleOp> importONNXFile(mlir::MLIRContext &context,
                                                 const std::string &path,
                                                 const ONNXOptions &options = {});

/// The same for a model in memory; `source` names it in diagnostics and
/// `baseDir` is where external data files are looked up.
mlir::OwningOpRef<mlir::ModuleOp> importONNX(mlir::MLIRContext &context, const void *data,
                                             size_t size, const std::string &source,
                                             const std::string &baseDir,
                                             const ONNXOptions &options = {});

/// Parses "NAME:D0,D1,..." (the name may itself contain ':'; the last one
/// separates). Returns false with `error` set on a malformed spec.
bool parseInputShape(const std::string &spec, std::string &name, std::vector<int64_t> &dims,
                     std::string &error);

/// Reads a serialized onnx.TensorProto (the input_N.pb / output_N.pb files
/// of ONNX test data) as an array with numpy's dtype string ("<V2" for
/// bfloat16, as Support/Npy.h writes it).
Result<NpyArray> readTensorFile(const std::string &path);

} // namespace pagoda::import

#endif // PAGODA_IMPORT_ONNX_H
