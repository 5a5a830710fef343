//===- CostModel.cpp - Roofline estimates for graph ops and groups --------===//

#include "pagoda/Dialect/Graph/Transforms/CostModel.h"
#include "pagoda/Dialect/NPU/IR/NPUOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace pagoda::graph {

namespace {

double numElements(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  return t && t.hasStaticShape() ? double(t.getNumElements()) : 0;
}

/// Product of a tensor's dimensions from `from` on (a conv weight's
/// per-output-element reduction).
double trailingProduct(Value v, unsigned from) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t || !t.hasStaticShape())
    return 0;
  double p = 1;
  for (unsigned i = from; i < t.getRank(); ++i)
    p *= double(t.getDimSize(i));
  return p;
}

/// The reduction length of a matmul-like op: the last dimension of `a`.
double reductionOf(Value a) {
  auto t = dyn_cast<RankedTensorType>(a.getType());
  return t && t.hasStaticShape() && t.getRank() > 0 ? double(t.getShape().back()) : 0;
}

unsigned elementBytes(Type elt) {
  return std::max(1u, (getElementTypeOrSelf(elt).getIntOrFloatBitWidth() + 7) / 8);
}

} // namespace

std::string typeStr(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

double tensorBytes(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || !t.getElementType().isIntOrFloat())
    return 0;
  return numElements(t) * elementBytes(t.getElementType());
}

double opFlops(Operation *op) {
  auto out = [&] { return op->getNumResults() ? numElements(op->getResult(0).getType()) : 0; };
  if (auto conv = dyn_cast<ConvOp>(op)) // weight [M, C/group, k...]
    return 2 * out() * trailingProduct(conv.getWeight(), 1);
  if (auto conv = dyn_cast<ConvTransposeOp>(op)) // weight [C, M/group, k...]
    return 2 * numElements(conv.getInput().getType()) * trailingProduct(conv.getWeight(), 1);
  if (auto conv = dyn_cast<ConvIntegerOp>(op))
    return 2 * out() * trailingProduct(conv.getWeight(), 1);
  if (auto conv = dyn_cast<QLinearConvOp>(op))
    return 2 * out() * trailingProduct(conv.getWeight(), 1);
  if (auto mm = dyn_cast<MatMulOp>(op))
    return 2 * out() * reductionOf(mm.getLhs());
  if (auto mm = dyn_cast<MatMulIntegerOp>(op))
    return 2 * out() * reductionOf(mm.getA());
  if (auto mm = dyn_cast<QLinearMatMulOp>(op))
    return 2 * out() * reductionOf(mm.getA());
  if (auto gemm = dyn_cast<GemmOp>(op)) {
    // M*K * K*N / (M*N) = K^2 whatever the transposes.
    double mn = out();
    double k2 =
        mn > 0 ? numElements(gemm.getA().getType()) * numElements(gemm.getB().getType()) / mn : 0;
    return 2 * mn * std::sqrt(k2);
  }
  double n = 0;
  for (Type t : op->getOperandTypes())
    n = std::max(n, numElements(t));
  for (Type t : op->getResultTypes())
    n = std::max(n, numElements(t));
  return n;
}

Work groupWork(GroupOp group) {
  Work w;
  for (Value v : group.getInputs())
    w.bytes += tensorBytes(v.getType());
  for (Type t : group.getResultTypes()) {
    w.bytes += tensorBytes(t);
    Type elt = getElementTypeOrSelf(t);
    if (elt.isIntOrFloat() &&
        (!w.vectorElement || elt.getIntOrFloatBitWidth() > w.vectorElement.getIntOrFloatBitWidth()))
      w.vectorElement = elt;
  }
  group.getBody().walk([&](Operation *op) {
    if (isa<ConstantOp, YieldOp>(op))
      return;
    w.flops += opFlops(op);
    if (!w.cubeElement && isa<ConvOp, ConvTransposeOp, MatMulOp, GemmOp, ConvIntegerOp,
                              MatMulIntegerOp, QLinearConvOp, QLinearMatMulOp>(op)) {
      // The activation (operand 0 in every form) decides the cube type.
      w.cubeElement = getElementTypeOrSelf(op->getOperand(0).getType());
    }
  });
  return w;
}

double npuSeconds(const Work &work, const target::TargetDesc &t) {
  double rate = 0; // operations per second
  if (work.cubeElement) {
    if (std::optional<target::CubeType> ct = npu::getCubeType(work.cubeElement))
      rate = t.peakFlops(*ct);
  } else {
    uint32_t cores =
        t.organization == target::CoreOrganization::Coupled ? t.aiCores : t.totalVectorCores();
    unsigned bytes = work.vectorElement ? elementBytes(work.vectorElement) : 4;
    rate = double(t.vectorBytesPerCycle) / bytes * cores * t.cyclesPerSecond();
  }
  double compute = rate > 0 ? work.flops / rate : 0;
  double memory = work.bytes / (t.hbmGBps * 1e9);
  return work.launches * t.launchOverheadUs * 1e-6 + std::max(compute, memory);
}

double hostSeconds(const Work &work, const target::TargetDesc &t) {
  return std::max(work.flops / (t.hostGflops * 1e9), work.bytes / (t.hostMemoryGBps * 1e9));
}

double transferSeconds(double bytes, const target::TargetDesc &t) {
  return t.hostTransferLatencyUs * 1e-6 + bytes / (t.hostLinkGBps * 1e9);
}

double conversionSeconds(double bytes, const target::TargetDesc &t) {
  return t.launchOverheadUs * 1e-6 + 2 * bytes / (t.hbmGBps * 1e9);
}

} // namespace pagoda::graph
