//===- Kernels.h - Which groups this build has NPU kernels for --*- C++ -*-===//
//
// Placement asks it (in `kernels=implemented` mode) so that a compiled
// model only puts on either side what that side can run.
// KernelLowering.h has the descriptions the code generators take.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_DIALECT_GRAPH_TRANSFORMS_KERNELS_H
#define PAGODA_DIALECT_GRAPH_TRANSFORMS_KERNELS_H

#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Target/TargetDesc.h"

#include <string>

namespace pagoda::graph {

/// Whether this build generates an NPU kernel for the group on `target`;
/// if not, `why`.
bool hasNpuKernel(GroupOp group, const target::TargetDesc &target, std::string &why);

/// How many kernels the NPU form of the group launches on `target` (each
/// pays the launch overhead): the main kernel plus f32 split kernels, a
/// run-time B's transpose, a K split's reduction, an epilogue's vector
/// kernel, attention's steps and head pads.
unsigned npuLaunches(GroupOp group, const target::TargetDesc &target);

/// Whether the runtime has a host kernel for every op of the group
/// (Artifact/HostOps.h); if not, `why` names the first op without one.
bool hasHostKernels(GroupOp group, std::string &why);

} // namespace pagoda::graph

#endif // PAGODA_DIALECT_GRAPH_TRANSFORMS_KERNELS_H
