//===- CostModel.h - Roofline estimates for graph ops and groups -*- C++ -*-===//
//
// First-order estimates of what a kernel group costs where it runs, from the
// target description alone: the NPU side is a roofline (cube or vector peak
// against HBM bandwidth) plus the launch overhead; the host side is the
// host figures of the description; moving a tensor between them costs the
// host link. Placement uses these to compare; the code-generation issue's
// tiling model refines the NPU side per kernel.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_DIALECT_GRAPH_TRANSFORMS_COSTMODEL_H
#define PAGODA_DIALECT_GRAPH_TRANSFORMS_COSTMODEL_H

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Target/TargetDesc.h"

namespace pagoda::graph {

/// Bytes of a ranked tensor (sub-byte elements round up to a byte), 0 for
/// anything else.
double tensorBytes(mlir::Type type);

/// A type as MLIR prints it, for messages ("tensor<4xf32>", "f16").
std::string typeStr(mlir::Type type);

/// Arithmetic of one op: 2 per multiply-add for the cube family (conv,
/// conv_transpose, matmul, gemm and their integer/quantized forms), one per
/// element of its largest operand or result for everything else.
double opFlops(mlir::Operation *op);

/// What a kernel group does.
struct Work {
  double flops = 0;         ///< sum of opFlops over the body
  double bytes = 0;         ///< inputs read plus results written, in HBM
  mlir::Type cubeElement;   ///< element type of the cube op's operands; null: vector-only
  mlir::Type vectorElement; ///< element type the vector unit works in (the widest result)
  unsigned launches = 1;    ///< kernels launched (Kernels.h npuLaunches)
};
Work groupWork(GroupOp group);

/// Seconds for the group on the NPU: its launches' overhead plus the larger
/// of compute (cube peak for the cube element type, else the vector units'
/// bytes per cycle) and HBM traffic.
double npuSeconds(const Work &work, const target::TargetDesc &t);
/// Seconds for the group as a host kernel: the larger of compute and memory
/// at the description's host rates.
double hostSeconds(const Work &work, const target::TargetDesc &t);
/// Seconds to copy `bytes` between host and device (one direction).
double transferSeconds(double bytes, const target::TargetDesc &t);
/// Seconds for an NPU layout conversion kernel (e.g. NCHW <-> NC1HWC0) of a
/// tensor of `bytes`: a launch plus reading and writing it once.
double conversionSeconds(double bytes, const target::TargetDesc &t);

} // namespace pagoda::graph

#endif // PAGODA_DIALECT_GRAPH_TRANSFORMS_COSTMODEL_H
