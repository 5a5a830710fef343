//===- Passes.td - Passes on the npu dialect ---------------*- tablegen -*-===//
#ifndef PAGODA_DIALECT_NPU_TRANSFORMS_PASSES_TD
#define PAGODA_DIALECT_NPU_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def NPUCheckTarget : Pass<"pagoda-npu-check-target"> {
  let summary = "Check npu ops against a target description";
  let description = [{
    Rejects what a particular chip cannot run, naming the chip and the
    offending limit: a buffer larger than its memory space (or placed at a
    misaligned or overflowing offset), a copy along a path the chip lacks
    (e.g. GM to L0A on a 950), an mmad in a dtype the cube lacks or whose
    M/K/N are not whole fractals of the target's cube shape, and event ids
    beyond the chip's count. The dialect verifiers check what holds on every
    chip; this pass checks the rest, with every number taken from the target.
  }];
  let options = [
    Option<"targetName", "target", "std::string", /*default=*/"\"ascend-950pr\"",
           "Preset name or path of a target JSON file">
  ];
}

#endif // PAGODA_DIALECT_NPU_TRANSFORMS_PASSES_TD
