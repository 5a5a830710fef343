//===- NPUOps.td - Operations of the npu dialect -----------*- tablegen -*-===//
#ifndef PAGODA_DIALECT_NPU_IR_NPUOPS_TD
#define PAGODA_DIALECT_NPU_IR_NPUOPS_TD

include "pagoda/Dialect/NPU/IR/NPUBase.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def NPU_Buffer : MemRefOf<[AnyType]>;

def NPU_AllocOp : NPU_Op<"alloc", [MemoryEffects<[MemAlloc]>]> {
  let summary = "A buffer in an on-chip memory space";
  let description = [{
    The buffer must have a static shape, the identity layout and an on-chip
    `#npu.space`. `offset`, when present, is its byte offset in that space as
    placed by the on-chip memory planner.

    ```mlir
    %a = npu.alloc : memref<64x64xf16, #npu.space<l0a>>
    ```
  }];
  let arguments = (ins OptionalAttr<I64Attr>:$offset);
  let results = (outs NPU_Buffer:$buffer);
  let assemblyFormat = "attr-dict `:` type($buffer)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Size of the buffer in bytes.
    uint64_t getSizeInBytes();
  }];
}

def NPU_CopyOp : NPU_Op<"copy"> {
  let summary = "Move a tile between memory spaces on a data mover";
  let description = [{
    Copies `source` into `target`. The pair of spaces selects the path and so
    the pipe: GM to L1/UB (and to L0A/L0B on older chips) is MTE2, L1 to
    L0A/L0B is MTE1, L0C out is FixPipe (which may narrow f32 to f16/bf16 and
    i32 to i8/f16), UB to GM is MTE3. Pairs with no path, such as L0A to
    anything, are rejected.

    ```mlir
    npu.copy %l1, %l0a : memref<64x64xf16, #npu.space<l1>>, memref<64x64xf16, #npu.space<l0a>>
    ```
  }];
  let arguments = (ins Arg<NPU_Buffer, "", [MemRead]>:$source,
                       Arg<NPU_Buffer, "", [MemWrite]>:$target);
  let assemblyFormat = "$source `,` $target attr-dict `:` type($source) `,` type($target)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The pipe that executes this copy.
    Pipe getPipe();
  }];
}

def NPU_MmadOp : NPU_Op<"mmad"> {
  let summary = "Cube matrix multiply: C (+)= A x B";
  let description = [{
    `a` is M x K in L0A, `b` is K x N in L0B and `c` is M x N in L0C. With
    `accumulate`, the product is added to `c`; otherwise it overwrites `c`.
    Supported (A, B, C) element types: (f16, f16, f32), (bf16, bf16, f32),
    (f32, f32, f32), (i8, i8, i32), (f8E4M3FN, f8E4M3FN, f32),
    (f8E5M2, f8E5M2, f32), (f4E2M1FN, f4E2M1FN, f32). Whether a chip has
    the type, and whether M, K, N are whole fractals, is checked against the
    target by `-pagoda-npu-check-target`.
  }];
  let arguments = (ins Arg<NPU_Buffer, "", [MemRead]>:$a,
                       Arg<NPU_Buffer, "", [MemRead]>:$b,
                       Arg<NPU_Buffer, "", [MemRead, MemWrite]>:$c,
                       UnitAttr:$accumulate);
  let assemblyFormat = "$a `,` $b `,` $c attr-dict `:` type($a) `,` type($b) `,` type($c)";
  let hasVerifier = 1;
}

class NPU_FlagOp<string mnemonic> : NPU_Op<mnemonic> {
  let arguments = (ins NPU_Pipe:$src, NPU_Pipe:$dst,
                       ConfinedAttr<I32Attr, [IntNonNegative]>:$event);
  let assemblyFormat = "$src `->` $dst `,` $event attr-dict";
  let hasVerifier = 1;
}

def NPU_SetFlagOp : NPU_FlagOp<"set_flag"> {
  let summary = "Signal event `event` from pipe `src` to pipe `dst`";
  let description = [{
    Runs on `src` after everything queued before it on `src`; the matching
    `npu.wait_flag` holds `dst` until then.

    ```mlir
    npu.set_flag mte2 -> mte1, 0
    ```
  }];
}

def NPU_WaitFlagOp : NPU_FlagOp<"wait_flag"> {
  let summary = "Hold pipe `dst` until `src` sets event `event`";
}

def NPU_PipeBarrierOp : NPU_Op<"pipe_barrier"> {
  let summary = "Order everything before and after on one pipe";
  let arguments = (ins NPU_Pipe:$pipe);
  let assemblyFormat = "$pipe attr-dict";
}

#endif // PAGODA_DIALECT_NPU_IR_NPUOPS_TD
