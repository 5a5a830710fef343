//===- ArtifactSample.h - A small complete model for tests and fuzz seeds -*- C++ -*-===//
#ifndef PAGODA_TEST_COMMON_ARTIFACTSAMPLE_H
#define PAGODA_TEST_COMMON_ARTIFACTSAMPLE_H

#include "pagoda/Artifact/Artifact.h"
#include "pagoda/Target/Presets.h"

namespace pagoda::test {

using namespace pagoda::artifact;

/// A small but complete model: a vector kernel, constants, every step kind.
inline Artifact sampleArtifact() {
  Artifact a;
  a.target = *target::getPreset("ascend-950pr");
  Kernel k;
  k.name = "add_bias";
  k.programs = *isa::assemble(".kernel add_bias\n.core aiv\n ldarg x1, 0\n nop\n halt\n", "k.s");
  k.sourceNodes = {"/model/Add_1", "weird \"name\" {0}"};
  k.debugRanges = {{0, 0, 2, "/model/Add_1"}};
  a.kernels.push_back(k);
  a.constants.assign(1000, 0);
  for (size_t i = 0; i < a.constants.size(); ++i)
    a.constants[i] = uint8_t(i * 7);
  a.arenaBytes = 1 << 20;
  a.streams = 2;
  a.events = 1;
  a.inputs = {{"x", ElemType::F32, {1, 3, 4}}};
  a.outputs = {{"y.out", ElemType::F16, {1, 3, 4}}, {"mask", ElemType::Bool, {12}}};

  Step launch;
  launch.kind = Step::Kind::Launch;
  launch.kernel = 0;
  launch.blockDim = 4;
  launch.args = {{Ref::Kind::Input, 0, 0},
                 {Ref::Kind::Constant, 0, 512},
                 {Ref::Kind::Arena, 0, 4096},
                 {Ref::Kind::Scalar, 0, 42}};
  launch.location = "/model/Add_1";
  Step copy;
  copy.kind = Step::Kind::Copy;
  copy.dst = {Ref::Kind::Output, 0, 0};
  copy.src = {Ref::Kind::Arena, 0, 0};
  copy.bytes = 24;
  Step host;
  host.kind = Step::Kind::HostCall;
  host.op = "Greater";
  host.inputs = {{Ref::Kind::Input, 0, 0}};
  host.inputTypes = {{"x", ElemType::F32, {12}}};
  host.outputs = {{Ref::Kind::Output, 1, 0}};
  host.outputTypes = {{"mask", ElemType::Bool, {12}}};
  host.attributes["alpha"].kind = Attribute::Kind::Float;
  host.attributes["alpha"].f = 0.5;
  host.attributes["perm"].kind = Attribute::Kind::Ints;
  host.attributes["perm"].ints = {0, 2, 1};
  host.attributes["mode"].kind = Attribute::Kind::String;
  host.attributes["mode"].s = "nearest";
  Step record;
  record.kind = Step::Kind::Record;
  record.event = 0;
  Step wait = record;
  wait.kind = Step::Kind::Wait;
  wait.stream = 1;
  Step branch;
  branch.kind = Step::Kind::If;
  branch.cond = {Ref::Kind::Arena, 0, 8};
  branch.body = {{copy}, {}};
  Step loop;
  loop.kind = Step::Kind::Loop;
  loop.cond = {Ref::Kind::Arena, 0, 16};
  loop.maxTrip = 100;
  loop.body = {{launch, branch}};
  a.plan = {launch, copy, host, record, wait, loop};
  a.metadata["compiler"] = "pagoda test";
  return a;
}

inline const char *kVaddKernel = R"(
.kernel vadd
.core aiv
    ldarg x1, 0
    ldarg x2, 1
    ldarg x3, 2
    coreid x20
    shli x20, x20, 1
    subid x21
    add x20, x20, x21
    muli x20, x20, 1024
    add x1, x1, x20
    add x2, x2, x20
    add x3, x3, x20
    movi x11, 1024
    movi x12, 2048
    dma_gm_ub x0, x1, len=32
    dma_gm_ub x11, x2, len=32
    setf mte2, v, 0
    waitf mte2, v, 0
    vadd.f16 x12, x0, x11, rep=4
    setf v, mte3, 0
    waitf v, mte3, 0
    dma_ub_gm x3, x12, len=32
    halt
)";

/// c = a + b (f16[n]) on n / 1024 AI cores, followed by a host Relu into d.
inline Artifact vaddArtifact(uint32_t blockDim, const char *target = "ascend-950pr") {
  Artifact a;
  a.target = *target::getPreset(target);
  Kernel k;
  k.name = "vadd";
  k.programs = *isa::assemble(kVaddKernel, "vadd.s");
  k.sourceNodes = {"/Add"};
  a.kernels.push_back(k);
  int64_t n = int64_t(blockDim) * 1024;
  a.inputs = {{"a", ElemType::F16, {n}}, {"b", ElemType::F16, {n}}};
  a.outputs = {{"c", ElemType::F16, {n}}, {"d", ElemType::F16, {n}}};
  Step launch;
  launch.kind = Step::Kind::Launch;
  launch.kernel = 0;
  launch.blockDim = blockDim;
  launch.args = {{Ref::Kind::Input, 0, 0}, {Ref::Kind::Input, 1, 0}, {Ref::Kind::Output, 0, 0}};
  launch.location = "/Add";
  Step relu;
  relu.kind = Step::Kind::HostCall;
  relu.op = "Relu";
  relu.inputs = {{Ref::Kind::Output, 0, 0}};
  relu.inputTypes = {a.outputs[0]};
  relu.outputs = {{Ref::Kind::Output, 1, 0}};
  relu.outputTypes = {a.outputs[1]};
  relu.location = "/Relu";
  a.plan = {launch, relu};
  return a;
}

} // namespace pagoda::test

#endif // PAGODA_TEST_COMMON_ARTIFACTSAMPLE_H
