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
  let hasFolder = 1;
}
def Graph_MulOp : Graph_BinaryOp<"mul", [Commutative]> {
  let summary = "Elementwise multiplication with numpy-style broadcasting";
  let hasFolder = 1;
}
def Graph_DivOp : Graph_BinaryOp<"div"> {
  let summary = "Elementwise division with numpy-style broadcasting";
  let hasFolder = 1;
}
def Graph_PowOp : Graph_BinaryOp<"pow"> {
  let summary = "Elementwise power with numpy-style broadcasting";
}
def Graph_MaxOp : Graph_BinaryOp<"max", [Commutative]> {
  let summary = "Elementwise maximum with numpy-style broadcasting";
}
def Graph_MinOp : Graph_BinaryOp<"min", [Commutative]> {
  let summary = "Elementwise minimum with numpy-style broadcasting";
}
def Graph_ModOp : Graph_BinaryOp<"mod"> {
  let summary = "Elementwise remainder (ONNX Mod; `fmod` selects C fmod semantics)";
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs, DefaultValuedAttr<BoolAttr, "false">:$fmod);
}
def Graph_AndOp : Graph_BinaryOp<"and", [Commutative]> {
  let summary = "Elementwise logical and of i1 tensors";
}
def Graph_OrOp : Graph_BinaryOp<"or", [Commutative]> {
  let summary = "Elementwise logical or of i1 tensors";
}
def Graph_XorOp : Graph_BinaryOp<"xor", [Commutative]> {
  let summary = "Elementwise logical xor of i1 tensors";
}

// Comparisons: operands of one element type, an i1 result.
def Graph_BroadcastCompare : NativeOpTrait<"BroadcastCompare"> {
  let cppNamespace = "::pagoda::graph::OpTrait";
}
class Graph_CompareOp<string mnemonic, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits, [Pure, Graph_BroadcastCompare])> {
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs TensorOf<[I1]>:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` `(` type($lhs) `,` type($rhs) `)` `->` type($output)
  }];
}
def Graph_EqualOp : Graph_CompareOp<"equal", [Commutative]> { let summary = "lhs == rhs"; }
def Graph_LessOp : Graph_CompareOp<"less"> { let summary = "lhs < rhs"; }
def Graph_LessEqualOp : Graph_CompareOp<"less_equal"> { let summary = "lhs <= rhs"; }
def Graph_GreaterOp : Graph_CompareOp<"greater"> { let summary = "lhs > rhs"; }
def Graph_GreaterEqualOp : Graph_CompareOp<"greater_equal"> { let summary = "lhs >= rhs"; }

def Graph_WhereOp : Graph_Op<"where", [Pure]> {
  let summary = "Elementwise select: cond ? lhs : rhs, all three broadcast";
  let arguments = (ins TensorOf<[I1]>:$cond, Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
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
def Graph_SigmoidOp : Graph_UnaryOp<"sigmoid"> { let summary = "1 / (1 + exp(-x))"; }
def Graph_TanhOp : Graph_UnaryOp<"tanh"> { let summary = "Hyperbolic tangent"; }
def Graph_ExpOp : Graph_UnaryOp<"exp"> { let summary = "e^x"; }
def Graph_LogOp : Graph_UnaryOp<"log"> { let summary = "Natural logarithm"; }
def Graph_SqrtOp : Graph_UnaryOp<"sqrt"> { let summary = "Square root"; }
def Graph_AbsOp : Graph_UnaryOp<"abs"> { let summary = "|x|"; }
def Graph_NegOp : Graph_UnaryOp<"neg"> { let summary = "-x"; }
def Graph_ErfOp : Graph_UnaryOp<"erf"> { let summary = "The error function"; }
def Graph_ReciprocalOp : Graph_UnaryOp<"reciprocal"> { let summary = "1 / x"; }
def Graph_FloorOp : Graph_UnaryOp<"floor"> { let summary = "Round toward -inf"; }
def Graph_CeilOp : Graph_UnaryOp<"ceil"> { let summary = "Round toward +inf"; }
def Graph_RoundOp : Graph_UnaryOp<"round"> { let summary = "Round half to even"; }
def Graph_SignOp : Graph_UnaryOp<"sign"> { let summary = "-1, 0 or 1"; }
def Graph_SinOp : Graph_UnaryOp<"sin"> { let summary = "Sine"; }
def Graph_CosOp : Graph_UnaryOp<"cos"> { let summary = "Cosine"; }
def Graph_SoftplusOp : Graph_UnaryOp<"softplus"> { let summary = "log(1 + exp(x))"; }
def Graph_HardSwishOp : Graph_UnaryOp<"hard_swish"> {
  let summary = "x * max(0, min(1, x / 6 + 1 / 2))";
}
def Graph_NotOp : Graph_UnaryOp<"not"> { let summary = "Logical not of an i1 tensor"; }
def Graph_TanOp : Graph_UnaryOp<"tan"> { let summary = "Tangent"; }
def Graph_AsinOp : Graph_UnaryOp<"asin"> { let summary = "Arcsine"; }
def Graph_AcosOp : Graph_UnaryOp<"acos"> { let summary = "Arccosine"; }
def Graph_AtanOp : Graph_UnaryOp<"atan"> { let summary = "Arctangent"; }
def Graph_SinhOp : Graph_UnaryOp<"sinh"> { let summary = "Hyperbolic sine"; }
def Graph_CoshOp : Graph_UnaryOp<"cosh"> { let summary = "Hyperbolic cosine"; }
def Graph_AsinhOp : Graph_UnaryOp<"asinh"> { let summary = "Inverse hyperbolic sine"; }
def Graph_AcoshOp : Graph_UnaryOp<"acosh"> { let summary = "Inverse hyperbolic cosine"; }
def Graph_AtanhOp : Graph_UnaryOp<"atanh"> { let summary = "Inverse hyperbolic tangent"; }
def Graph_SoftsignOp : Graph_UnaryOp<"softsign"> { let summary = "x / (1 + |x|)"; }
def Graph_SeluOp : Graph_UnaryOp<"selu"> {
  let summary = "gamma * (x > 0 ? x : alpha * (exp(x) - 1))";
  let arguments = (ins Graph_Tensor:$input, F64Attr:$alpha, F64Attr:$gamma);
}
def Graph_CeluOp : Graph_UnaryOp<"celu"> {
  let summary = "max(0, x) + min(0, alpha * (exp(x / alpha) - 1))";
  let arguments = (ins Graph_Tensor:$input, F64Attr:$alpha);
}
def Graph_ThresholdedReluOp : Graph_UnaryOp<"thresholded_relu"> {
  let summary = "x > alpha ? x : 0";
  let arguments = (ins Graph_Tensor:$input, F64Attr:$alpha);
}
def Graph_ShrinkOp : Graph_UnaryOp<"shrink"> {
  let summary = "x < -lambd ? x + bias : x > lambd ? x - bias : 0";
  let arguments = (ins Graph_Tensor:$input, F64Attr:$lambd, F64Attr:$bias);
}
def Graph_IsNaNOp : Graph_Op<"is_nan", [Pure, SameOperandsAndResultShape]> {
  let summary = "Whether each element is NaN";
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs TensorOf<[I1]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}
def Graph_IsInfOp : Graph_Op<"is_inf", [Pure, SameOperandsAndResultShape]> {
  let summary = "Whether each element is +inf (if detect_positive) or -inf (if detect_negative)";
  let arguments = (ins Graph_Tensor:$input, BoolAttr:$detect_positive, BoolAttr:$detect_negative);
  let results = (outs TensorOf<[I1]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Graph_LeakyReluOp : Graph_UnaryOp<"leaky_relu"> {
  let summary = "x >= 0 ? x : alpha * x";
  let arguments = (ins Graph_Tensor:$input, F64Attr:$alpha);
}
def Graph_EluOp : Graph_UnaryOp<"elu"> {
  let summary = "x >= 0 ? x : alpha * (exp(x) - 1)";
  let arguments = (ins Graph_Tensor:$input, F64Attr:$alpha);
}
def Graph_HardSigmoidOp : Graph_UnaryOp<"hard_sigmoid"> {
  let summary = "max(0, min(1, alpha * x + beta))";
  let arguments = (ins Graph_Tensor:$input, F64Attr:$alpha, F64Attr:$beta);
}
def Graph_GeluOp : Graph_UnaryOp<"gelu"> {
  let summary = "x * Phi(x); `approximate` is \"none\" or \"tanh\"";
  let arguments = (ins Graph_Tensor:$input, StrAttr:$approximate);
}
def Graph_ClipOp : Graph_UnaryOp<"clip"> {
  let summary = "min(max(x, min), max); absent bounds do not clip";
  let arguments = (ins Graph_Tensor:$input, OptionalAttr<F64Attr>:$min, OptionalAttr<F64Attr>:$max);
}
def Graph_CastOp : Graph_Op<"cast", [Pure, SameOperandsAndResultShape]> {
  let summary = "Element type conversion (ONNX Cast: round to nearest even, saturating to int)";
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Data movement (static shapes; the result type carries the new shape)
//===----------------------------------------------------------------------===//

def Graph_ReshapeOp : Graph_Op<"reshape", [Pure]> {
  let summary = "The same elements in row-major order under a new static shape";
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}
def Graph_TransposeOp : Graph_Op<"transpose", [Pure]> {
  let summary = "Permutes dimensions: output dim i is input dim perm[i]";
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}
def Graph_ConcatOp : Graph_Op<"concat", [Pure]> {
  let summary = "Joins tensors along `axis`";
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasVerifier = 1;
}
def Graph_SliceOp : Graph_Op<"slice", [Pure]> {
  let summary = "Strided slice with static, normalized starts and steps per dimension";
  let description = [{
    Output element i of dimension d is input element starts[d] + i * steps[d];
    the output shape gives the counts. Negative steps walk backwards.
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$starts, DenseI64ArrayAttr:$steps);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}
def Graph_GatherOp : Graph_Op<"gather", [Pure]> {
  let summary = "ONNX Gather: takes slices of `data` along `axis` at `indices`";
  let arguments = (ins Graph_Tensor:$data, TensorOf<[I32, I64]>:$indices, I64Attr:$axis);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Graph_ExpandOp : Graph_Op<"expand", [Pure]> {
  let summary = "Broadcasts the input to the result's static shape";
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}
def Graph_PadOp : Graph_Op<"pad", [Pure]> {
  let summary = "Constant, reflect, edge or wrap padding; pads are all begins then all ends";
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$pads, StrAttr:$mode,
                       F64Attr:$value);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Normalization, reductions, pooling
//===----------------------------------------------------------------------===//

def Graph_SoftmaxOp : Graph_UnaryOp<"softmax"> {
  let summary = "exp(x) / sum(exp(x)) along `axis` (opset >= 13 semantics)";
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis);
  let hasVerifier = 1;
}
def Graph_LogSoftmaxOp : Graph_UnaryOp<"log_softmax"> {
  let summary = "log(softmax(x)) along `axis` (opset >= 13 semantics)";
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis);
  let hasVerifier = 1;
}
def Graph_BatchNormOp : Graph_Op<"batch_norm", [Pure]> {
  let summary = "Inference batch normalization over dimension 1";
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$scale, Graph_Tensor:$bias,
                       Graph_Tensor:$mean, Graph_Tensor:$variance, F64Attr:$epsilon);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Graph_LayerNormOp : Graph_Op<"layer_norm", [Pure]> {
  let summary = "Normalizes over the dimensions from `axis` on, then scale and bias";
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$scale, Optional<Graph_Tensor>:$bias,
                       I64Attr:$axis, F64Attr:$epsilon);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Graph_InstanceNormOp : Graph_Op<"instance_norm", [Pure]> {
  let summary = "Normalizes each (N, C) over its spatial dimensions, then scale and bias";
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$scale, Graph_Tensor:$bias,
                       F64Attr:$epsilon);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

class Graph_ReduceOp<string mnemonic> : Graph_Op<mnemonic, [Pure]> {
  let summary = "Reduction over `axes` (sorted, non-negative); `keepdims` keeps them as 1";
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$axes, BoolAttr:$keepdims);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() { return verifyReduce(*this); }
  }];
}
def Graph_ReduceSumOp : Graph_ReduceOp<"reduce_sum">;
def Graph_ReduceMeanOp : Graph_ReduceOp<"reduce_mean">;
def Graph_ReduceMaxOp : Graph_ReduceOp<"reduce_max">;
def Graph_ReduceMinOp : Graph_ReduceOp<"reduce_min">;
def Graph_ReduceProdOp : Graph_ReduceOp<"reduce_prod">;
def Graph_ReduceL2Op : Graph_ReduceOp<"reduce_l2">;
def Graph_ReduceL1Op : Graph_ReduceOp<"reduce_l1">;
def Graph_ReduceSumSquareOp : Graph_ReduceOp<"reduce_sum_square">;
def Graph_ReduceLogSumOp : Graph_ReduceOp<"reduce_log_sum">;
def Graph_ReduceLogSumExpOp : Graph_ReduceOp<"reduce_log_sum_exp">;

class Graph_ArgOp<string mnemonic> : Graph_Op<mnemonic, [Pure]> {
  let summary = "Index of the extreme element along `axis` (i64 result)";
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis, BoolAttr:$keepdims,
                       BoolAttr:$select_last_index);
  let results = (outs TensorOf<[I64]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() { return verifyArg(*this); }
  }];
}
def Graph_ArgMaxOp : Graph_ArgOp<"argmax">;
def Graph_ArgMinOp : Graph_ArgOp<"argmin">;

// With `channels_last` the input is [N, D1, ..., Dn, C] and the result
// [N, O1, ..., On, C] (sink-transposes moves layout transposes through
// pools this way; the vector kernels read channels-last).
class Graph_PoolOp<string mnemonic> : Graph_Op<mnemonic, [Pure]> {
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, UnitAttr:$channels_last);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() { return verifyPool(*this); }
  }];
}
def Graph_MaxPoolOp : Graph_PoolOp<"max_pool"> {
  let summary = "Max pooling over the spatial dimensions (pads: begins then ends)";
}
def Graph_AvgPoolOp : Graph_PoolOp<"avg_pool"> {
  let summary = "Average pooling; `count_include_pad` counts padding in the divisor";
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, BoolAttr:$count_include_pad,
                       UnitAttr:$channels_last);
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

def Graph_GemmOp : Graph_Op<"gemm", [Pure]> {
  let summary = "alpha * op(A) * op(B) + beta * C, op transposing when asked (ONNX Gemm)";
  let arguments = (ins Graph_Tensor:$a, Graph_Tensor:$b, Optional<Graph_Tensor>:$c,
                       F64Attr:$alpha, F64Attr:$beta, BoolAttr:$trans_a, BoolAttr:$trans_b);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ConvOp : Graph_Op<"conv", [Pure]> {
  let summary = "N-D convolution with ONNX Conv semantics";
  let description = [{
    `input` is [N, C, D1, ..., Dn], `weight` is [M, C/group, k1, ..., kn] and
    the optional `bias` is [M]. `strides` and `dilations` have n entries and
    `pads` has 2n (all begins, then all ends), as ONNX writes them. With
    `channels_last` the input is [N, D1, ..., Dn, C] and the result
    [N, O1, ..., On, M] (the layout the cube kernels read and write; the
    weight keeps its layout); -pagoda-graph-conv-layout introduces it.

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
                       DenseI64ArrayAttr:$dilations, I64Attr:$group,
                       UnitAttr:$channels_last);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The dimension of the input's channels (and of the result's).
    int64_t getChannelDim() {
      return getChannelsLast()
                 ? ::mlir::cast<::mlir::RankedTensorType>(getInput().getType()).getRank() - 1
                 : 1;
    }
    /// The dimension of spatial dimension i (of the input and the result).
    int64_t getSpatialDim(int64_t i) { return getChannelsLast() ? 1 + i : 2 + i; }
    /// Number of spatial dimensions (1 for Conv1D, 2 for Conv2D, ...).
    int64_t getNumSpatialDims() {
      return ::mlir::cast<::mlir::RankedTensorType>(getInput().getType()).getRank() - 2;
    }
  }];
}

def Graph_ConvTransposeOp : Graph_Op<"conv_transpose", [Pure]> {
  let summary = "N-D transposed convolution with ONNX ConvTranspose semantics";
  let description = [{
    `weight` is [C, M/group, k1, ..., kn]; `pads` has 2n entries (begins then
    ends) after resolving `output_padding`, `output_shape` and `auto_pad`.
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$weight,
                       Optional<Graph_Tensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, DenseI64ArrayAttr:$output_padding,
                       I64Attr:$group);
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// More data movement, indexing and sequence-free ops of the ONNX set
//===----------------------------------------------------------------------===//

class Graph_GenericOp<string mnemonic, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits, [Pure])> {
  let results = (outs Graph_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Graph_PReluOp : Graph_BinaryOp<"prelu"> {
  let summary = "x >= 0 ? x : slope * x, slope broadcasting to x";
}
def Graph_ResizeOp : Graph_GenericOp<"resize"> {
  let summary = "ONNX Resize to the result's static shape";
  let description = [{
    `mode` is nearest, linear or cubic; `coordinate_transformation_mode`,
    `nearest_mode`, `cubic_coeff_a` and `exclude_outside` as in ONNX. The
    scales are the result's dims over the input's unless `scales` records
    the model's own (which may differ from the rounded ratio).
  }];
  let arguments = (ins Graph_Tensor:$input, StrAttr:$mode,
                       StrAttr:$coordinate_transformation_mode, StrAttr:$nearest_mode,
                       F64Attr:$cubic_coeff_a, BoolAttr:$exclude_outside,
                       OptionalAttr<DenseF64ArrayAttr>:$scales);
  let hasVerifier = 1;
}
def Graph_TileOp : Graph_GenericOp<"tile"> {
  let summary = "Repeats the input `repeats[d]` times along each dimension d";
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$repeats);
  let hasVerifier = 1;
}
def Graph_GatherElementsOp : Graph_GenericOp<"gather_elements"> {
  let summary = "output[i...] = data[i... with index[i...] on `axis`]";
  let arguments = (ins Graph_Tensor:$data, TensorOf<[I32, I64]>:$indices, I64Attr:$axis);
  let hasVerifier = 1;
}
def Graph_ScatterNDOp : Graph_GenericOp<"scatter_nd"> {
  let summary = "A copy of data with slices at `indices` replaced (or reduced) by `updates`";
  let arguments = (ins Graph_Tensor:$data, TensorOf<[I64]>:$indices, Graph_Tensor:$updates,
                       StrAttr:$reduction);
  let hasVerifier = 1;
}
def Graph_GatherNDOp : Graph_GenericOp<"gather_nd"> {
  let summary = "output[b..., j...] = data[b..., indices[b..., j..., :]] (slices at index tuples)";
  let description = [{
    The first `batch_dims` dimensions of data and indices are shared; each
    index tuple (indices' last dimension, its depth) addresses the next
    dimensions of data, and the output takes the slice after them:
    shape indices.shape[:-1] + data.shape[batch_dims + depth:].
  }];
  let arguments = (ins Graph_Tensor:$data, TensorOf<[I64]>:$indices, I64Attr:$batch_dims);
  let hasVerifier = 1;
}
def Graph_ScatterElementsOp : Graph_GenericOp<"scatter_elements"> {
  let summary = "A copy of data with data[i with i[axis] = indices[i]] replaced (or reduced) "
                "by updates[i]";
  let arguments = (ins Graph_Tensor:$data, TensorOf<[I32, I64]>:$indices, Graph_Tensor:$updates,
                       I64Attr:$axis, StrAttr:$reduction);
  let hasVerifier = 1;
}
def Graph_CumSumOp : Graph_GenericOp<"cumsum"> {
  let summary = "Running sum along `axis`, optionally exclusive and/or reversed";
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis, BoolAttr:$exclusive,
                       BoolAttr:$reverse);
  let hasVerifier = 1;
}
def Graph_DepthToSpaceOp : Graph_GenericOp<"depth_to_space"> {
  let summary = "Moves channel blocks into spatial blocks (`mode` DCR or CRD)";
  let arguments = (ins Graph_Tensor:$input, I64Attr:$blocksize, StrAttr:$mode);
  let hasVerifier = 1;
}
def Graph_SpaceToDepthOp : Graph_GenericOp<"space_to_depth"> {
  let summary = "Moves spatial blocks into channels";
  let arguments = (ins Graph_Tensor:$input, I64Attr:$blocksize);
  let hasVerifier = 1;
}
def Graph_EinsumOp : Graph_GenericOp<"einsum"> {
  let summary = "Einstein summation with an explicit `equation` (\"ij,jk->ik\")";
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, StrAttr:$equation);
}
def Graph_TopKOp : Graph_Op<"topk", [Pure]> {
  let summary = "The k largest (or smallest) elements along `axis` and their indices";
  let arguments = (ins Graph_Tensor:$input, I64Attr:$k, I64Attr:$axis, BoolAttr:$largest,
                       BoolAttr:$sorted);
  let results = (outs Graph_Tensor:$values, TensorOf<[I64]>:$indices);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

def Graph_QuantizeOp : Graph_GenericOp<"quantize"> {
  let summary = "saturate(round(x / scale) + zero_point), per tensor or per `axis`";
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$scale, Graph_Tensor:$zero_point,
                       I64Attr:$axis);
  let hasVerifier = 1;
}
def Graph_DequantizeOp : Graph_GenericOp<"dequantize"> {
  let summary = "(x - zero_point) * scale, per tensor or per `axis`";
  let description = [{
    Folds when every operand is a constant (a QDQ model's weights become
    float weights at compile time), computed as the host kernel computes
    it: `float(x - zero_point) * scale` in f32, rounded once to the result
    type.
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$scale, Graph_Tensor:$zero_point,
                       I64Attr:$axis);
  let hasVerifier = 1;
  let hasFolder = 1;
}
def Graph_DynamicQuantizeOp : Graph_Op<"dynamic_quantize", [Pure]> {
  let summary = "uint8 quantization with scale and zero point computed from the data";
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$output, Graph_Tensor:$scale, Graph_Tensor:$zero_point);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}
def Graph_MatMulIntegerOp : Graph_GenericOp<"matmul_integer"> {
  let summary = "(A - a_zero_point) x (B - b_zero_point) in int32";
  let arguments = (ins Graph_Tensor:$a, Graph_Tensor:$b, Graph_Tensor:$a_zero_point,
                       Graph_Tensor:$b_zero_point);
}
def Graph_ConvIntegerOp : Graph_GenericOp<"conv_integer"> {
  let summary = "Convolution of zero-point-shifted 8-bit operands in int32";
  let description = [{
    With `channels_last` the input is [N, D..., C] and the result
    [N, O..., M], as for graph.conv (-pagoda-graph-conv-layout sets it).
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$weight, Graph_Tensor:$x_zero_point,
                       Graph_Tensor:$w_zero_point, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations, I64Attr:$group,
                       UnitAttr:$channels_last);
}
def Graph_QLinearMatMulOp : Graph_GenericOp<"qlinear_matmul"> {
  let summary = "Quantized matmul: dequantize, multiply, requantize to y's scale and zero point";
  let arguments = (ins Graph_Tensor:$a, Graph_Tensor:$a_scale, Graph_Tensor:$a_zero_point,
                       Graph_Tensor:$b, Graph_Tensor:$b_scale, Graph_Tensor:$b_zero_point,
                       Graph_Tensor:$y_scale, Graph_Tensor:$y_zero_point);
}
def Graph_QLinearConvOp : Graph_GenericOp<"qlinear_conv"> {
  let summary = "Quantized convolution with an optional int32 bias";
  let description = [{
    With `channels_last` the input is [N, D..., C] and the result
    [N, O..., M], as for graph.conv (-pagoda-graph-conv-layout sets it).
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$x_scale, Graph_Tensor:$x_zero_point,
                       Graph_Tensor:$weight, Graph_Tensor:$w_scale, Graph_Tensor:$w_zero_point,
                       Graph_Tensor:$y_scale, Graph_Tensor:$y_zero_point,
                       Optional<Graph_Tensor>:$bias, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations, I64Attr:$group,
                       UnitAttr:$channels_last);
}

//===----------------------------------------------------------------------===//
// Recurrent layers
//===----------------------------------------------------------------------===//

def Graph_RecurrentOp : Graph_Op<"recurrent", [Pure, AttrSizedOperandSegments]> {
  let summary = "An ONNX LSTM, GRU or RNN layer (`cell`), all gates and directions";
  let description = [{
    Operands as ONNX orders them (X, W, R, optional B, sequence_lens,
    initial_h, initial_c, P); results Y, Y_h and, for LSTM, Y_c, each present
    as a static tensor (an output the model does not use is still computed).
    `layout` 0 is [seq, batch, ...], 1 is [batch, seq, ...].
  }];
  let arguments = (ins Graph_Tensor:$x, Graph_Tensor:$w, Graph_Tensor:$r,
                       Optional<Graph_Tensor>:$b, Optional<Graph_Tensor>:$sequence_lens,
                       Optional<Graph_Tensor>:$initial_h, Optional<Graph_Tensor>:$initial_c,
                       Optional<Graph_Tensor>:$p,
                       StrAttr:$cell, StrAttr:$direction, I64Attr:$hidden_size,
                       StrArrayAttr:$activations, DenseF64ArrayAttr:$activation_alpha,
                       DenseF64ArrayAttr:$activation_beta, OptionalAttr<F64Attr>:$clip,
                       BoolAttr:$input_forget, BoolAttr:$linear_before_reset, I64Attr:$layout);
  let results = (outs Variadic<Graph_Tensor>:$outputs);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Control flow (the host plan's branches and loops; bodies are graphs)
//===----------------------------------------------------------------------===//

def Graph_IfOp : Graph_Op<"if", [RecursiveMemoryEffects, NoRegionArguments]> {
  let summary = "ONNX If: runs one of two graphs on a runtime condition";
  let description = [{
    Each region yields the results; both yield the same static types. The
    regions may use any value defined before the op (as ONNX subgraphs do).
    An If whose condition is a constant is inlined by the importer instead.
  }];
  let arguments = (ins TensorOf<[I1]>:$cond);
  let results = (outs Variadic<Graph_Tensor>:$outputs);
  let regions = (region SizedRegion<1>:$then_region, SizedRegion<1>:$else_region);
  let assemblyFormat = [{
    $cond `:` type($cond) (`->` `(` type($outputs)^ `)`)? $then_region `else` $else_region attr-dict
  }];
  let hasVerifier = 1;
}

def Graph_LoopOp : Graph_Op<"loop", [RecursiveMemoryEffects, AttrSizedOperandSegments]> {
  let summary = "ONNX Loop: a graph run while a condition holds, at most max_trip times";
  let description = [{
    The body's block arguments are the iteration number (tensor<i64>), the
    condition (tensor<i1>) and the loop-carried values; it yields the next
    condition, the next carried values and one slice per scan output.
    Results: the final carried values, then each scan output stacked along a
    new first dimension (of the static trip count). `max_trip` absent means
    no bound but the condition.
  }];
  let arguments = (ins Optional<TensorOf<[I64]>>:$max_trip, TensorOf<[I1]>:$cond,
                       Variadic<Graph_Tensor>:$inits, I64Attr:$num_scan_outputs);
  let results = (outs Variadic<Graph_Tensor>:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    (`max_trip` $max_trip^ `:` type($max_trip))? `cond` $cond `:` type($cond)
    (`inits` `(` $inits^ `:` type($inits) `)`)? (`->` `(` type($outputs)^ `)`)? $body attr-dict
  }];
  let hasVerifier = 1;
}

def Graph_GroupOp : Graph_Op<"group", [IsolatedFromAbove, RecursiveMemoryEffects]> {
  let summary = "A kernel group: ops the back end implements as one kernel";
  let description = [{
    Made by -pagoda-graph-fuse. The body computes the group's results from
    its block arguments (the group's inputs: activations and weights; small
    splat constants are cloned inside). `kind` names the pattern the back
    end implements ("conv_epilogue", "matmul_epilogue", "attention",
    "elementwise", or the single op's name).

    ```mlir
    %y = graph.group "conv_epilogue" (%x, %w, %b) : (tensor<...>, ...) -> tensor<...> {
    ^bb0(%a: tensor<...>, %wa: tensor<...>, %ba: tensor<...>):
      %c = graph.conv %a, %wa, %ba {...}
      %r = graph.relu %c
      graph.yield %r : tensor<...>
    }
    ```
  }];
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, StrAttr:$kind);
  let results = (outs Variadic<Graph_Tensor>:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $kind `(` $inputs `)` `:` functional-type($inputs, $outputs) $body attr-dict
  }];
  let hasVerifier = 1;
}

def Graph_YieldOp : Graph_Op<"yield", [Pure, Terminator,
                                       ParentOneOf<["IfOp", "LoopOp", "GroupOp"]>]> {
  let summary = "The results of an if branch, a loop iteration or a kernel group";
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

#endif // PAGODA_DIALECT_GRAPH_IR_GRAPHOPS_TD
