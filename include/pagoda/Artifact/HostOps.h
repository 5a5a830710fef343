//===- HostOps.h - The host kernels a plan may call -------------*- C++ -*-===//
//
// The contract between the compiler and the runtime for host work: the
// graph ops (by their graph-dialect name) that have a host kernel, and the
// kernel's name in HostCall steps (ONNX-style). The compiler places and
// emits from this table; the runtime's registry implements every entry (a
// unit test checks it). Attributes are the graph op's own.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_ARTIFACT_HOSTOPS_H
#define PAGODA_ARTIFACT_HOSTOPS_H

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace pagoda::artifact {

/// (graph op name without the dialect prefix, host kernel name), sorted by
/// graph op name.
const std::vector<std::pair<std::string_view, std::string_view>> &hostOps();

/// The host kernel of a graph op, if there is one.
std::optional<std::string_view> hostKernelFor(std::string_view graphOp);

} // namespace pagoda::artifact

#endif // PAGODA_ARTIFACT_HOSTOPS_H
