//===- NPUBase.td - The npu dialect ------------------------*- tablegen -*-===//
//
// Operations of a Da Vinci-style AI core on explicitly placed buffers:
// copies between memory spaces (executed by the data movers), cube matrix
// multiplies, vector ops and the flags that order the core's pipes.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_DIALECT_NPU_IR_NPUBASE_TD
#define PAGODA_DIALECT_NPU_IR_NPUBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def NPU_Dialect : Dialect {
  let name = "npu";
  let summary = "Operations of a Da Vinci-style NPU core";
  let description = [{
    Buffers are `memref`s whose memory space is an `#npu.space<...>`
    attribute: `gm` (global memory in HBM), `l1`, `l0a`, `l0b`, `l0c`, `ub`,
    `bt` (bias table) and `fb` (FixPipe buffer). Each op runs on one pipe of
    the core (S, MTE1, MTE2, MTE3, M, V, FIX); pipes run concurrently and are
    ordered only by `npu.set_flag`/`npu.wait_flag` and `npu.pipe_barrier`.
    Which copies exist is decided by the one path table of the target
    library; whether a given chip has a path, its buffer capacities and its
    cube shapes are checked by `-pagoda-npu-check-target`.
  }];
  let cppNamespace = "::pagoda::npu";
  let useDefaultAttributePrinterParser = 1;
}

class NPU_Op<string mnemonic, list<Trait> traits = []>
    : Op<NPU_Dialect, mnemonic, traits>;

// Order matches pagoda::target::MemSpace (checked by a static_assert).
def NPU_MemorySpace : I32EnumAttr<"MemorySpace", "NPU memory space", [
    I32EnumAttrCase<"GM", 0, "gm">,
    I32EnumAttrCase<"L1", 1, "l1">,
    I32EnumAttrCase<"L0A", 2, "l0a">,
    I32EnumAttrCase<"L0B", 3, "l0b">,
    I32EnumAttrCase<"L0C", 4, "l0c">,
    I32EnumAttrCase<"UB", 5, "ub">,
    I32EnumAttrCase<"BT", 6, "bt">,
    I32EnumAttrCase<"FB", 7, "fb">]> {
  let cppNamespace = "::pagoda::npu";
  let genSpecializedAttr = 0;
}

def NPU_MemorySpaceAttr : EnumAttr<NPU_Dialect, NPU_MemorySpace, "space"> {
  let summary = "Memory space of an NPU buffer";
  let assemblyFormat = "`<` $value `>`";
}

// Order matches pagoda::target::Pipe (checked by a static_assert).
def NPU_Pipe : I32EnumAttr<"Pipe", "Instruction pipe of an NPU core", [
    I32EnumAttrCase<"S", 0, "s">,
    I32EnumAttrCase<"MTE1", 1, "mte1">,
    I32EnumAttrCase<"MTE2", 2, "mte2">,
    I32EnumAttrCase<"MTE3", 3, "mte3">,
    I32EnumAttrCase<"M", 4, "m">,
    I32EnumAttrCase<"V", 5, "v">,
    I32EnumAttrCase<"FIX", 6, "fix">]> {
  let cppNamespace = "::pagoda::npu";
}

#endif // PAGODA_DIALECT_NPU_IR_NPUBASE_TD
