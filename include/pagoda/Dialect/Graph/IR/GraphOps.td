//===- GraphOps.td - Operations of the graph dialect -------*- tablegen -*-===//
#ifndef PAGODA_DIALECT_GRAPH_IR_GRAPHOPS_TD
#define PAGODA_DIALECT_GRAPH_IR_GRAPHOPS_TD

include "pagoda/Dialect/Graph/IR/GraphBase.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Graph_ConstantOp : Graph_Op<"constant",
    [ConstantLike, Pure, AllTypesMatch<["value", "output"]>]> {
  let summary = "A constant tensor (weights, folded values)";
  let description = [{
    ```mlir
    %w = graph.constant dense<1.0> : tensor<16x3x3x3xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class Graph_BinaryOp<string mnemonic, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits, [Pure, Graph_BroadcastElementwise])> {
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` `(` type($lhs) `,` type($rhs) `)` `->` type($output)
  }];
}

def Graph_AddOp : Graph_BinaryOp<"add", [Commutative]> {
  let summary = "Elementwise addition with numpy-style broadcasting";
  let hasFolder = 1;
}
def Graph_SubOp : Graph_BinaryOp<"sub"> {
  let summary = "Elementwise subtraction with numpy-style broadcasting";
}
def Graph_MulOp : Graph_BinaryOp<"mul", [Commutative]> {
  let summary = "Elementwise multiplication with numpy-style broadcasting";
  let hasFolder = 1;
}
def Graph_DivOp : Graph_BinaryOp<"div"> {
  let summary = "Elementwise division with numpy-style broadcasting";
}

class Graph_UnaryOp<string mnemonic, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType])> {
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Graph_ReluOp : Graph_UnaryOp<"relu"> {
  let summary = "Rectified linear unit, max(x, 0)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Cube-class ops
//===----------------------------------------------------------------------===//

def Graph_MatMulOp : Graph_Op<"matmul", [Pure]> {
  let summary = "Matrix product with numpy (ONNX MatMul) semantics";
  let description = [{
    Rank-1 operands are promoted as in numpy; leading (batch) dimensions
    broadcast. The result's shape must agree with the operands' where both
    are static.
  }];
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` `(` type($lhs) `,` type($rhs) `)` `->` type($output)
  }];
  let hasVerifier = 1;
}

def Graph_ConvOp : Graph_Op<"conv", [Pure]> {
  let summary = "N-D convolution with ONNX Conv semantics";
  let description = [{
    `input` is [N, C, D1, ..., Dn], `weight` is [M, C/group, k1, ..., kn] and
    the optional `bias` is [M]. `strides` and `dilations` have n entries and
    `pads` has 2n (all begins, then all ends), as ONNX writes them.

    ```mlir
    %y = graph.conv %x, %w, %b {strides = array<i64: 1, 1>,
        pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}
        : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>)
        -> tensor<1x16x32x32xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$weight,
                       Optional<Graph_Tensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$group);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Number of spatial dimensions (1 for Conv1D, 2 for Conv2D, ...).
    int64_t getNumSpatialDims() {
      return ::mlir::cast<::mlir::RankedTensorType>(getInput().getType()).getRank() - 2;
    }
  }];
}

#endif // PAGODA_DIALECT_GRAPH_IR_GRAPHOPS_TD
