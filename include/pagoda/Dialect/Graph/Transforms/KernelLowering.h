//===- KernelLowering.h - Kernel groups to generator input -*- C++ -*-===//
//
// The bridge from kernel groups to the code generators of lib/Codegen:
// a group becomes a kernel description, or the reason it cannot (artifact
// emission uses the descriptions; Kernels.h answers placement's question).
// Include it only where `isa<...>` is written qualified: it brings the
// pagoda::isa namespace along.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_DIALECT_GRAPH_TRANSFORMS_KERNELLOWERING_H
#define PAGODA_DIALECT_GRAPH_TRANSFORMS_KERNELLOWERING_H

#include "pagoda/Codegen/Conv.h"
#include "pagoda/Codegen/Depthwise.h"
#include "pagoda/Codegen/Elementwise.h"
#include "pagoda/Codegen/Matmul.h"
#include "pagoda/Codegen/Movement.h"
#include "pagoda/Codegen/Reduce.h"
#include "pagoda/Codegen/Resize.h"
#include "pagoda/Codegen/Rows.h"
#include "pagoda/Codegen/Transpose.h"
#include "pagoda/Dialect/Graph/IR/GraphOps.h"

#include <optional>
#include <string>

namespace pagoda::graph {

/// The group's kernel: inputs are the group's operands in order, except
/// splat constants, which become immediates (`operandOf` maps each kernel
/// input back to its group operand, -1 for an immediate). Outputs are the
/// group's results in order.
struct LoweredElementwise {
  codegen::ElementwiseKernel kernel;
  std::vector<int> operandOf;
  /// Per kernel input: a constant row whose bytes are not whole 32-byte
  /// blocks is passed repeated this many times (rowElements is the
  /// period); 1 otherwise.
  std::vector<uint32_t> repeatOf;
  /// Per kernel input: a bf16 constant passed as f32 (bf16 groups compute
  /// in f32, each op rounded to bf16).
  std::vector<bool> widenOf;
  /// Per kernel input (or empty): the bytes of a kComputedConstant input,
  /// one row (passed repeated repeatOf times).
  std::vector<std::vector<uint8_t>> constants;
};
/// `operandOf` entry of an epilogue tail's input that is the cube result.
inline constexpr int kCubeResult = -2;
/// `operandOf` entry of an input the lowering computed (a row of
/// per-channel requantization multipliers): `constants` holds it.
inline constexpr int kComputedConstant = -3;

/// Lowers an `elementwise` group; on failure `why` names the op and the
/// reason (an op without a vector form, a broadcast other than from one
/// element, an element type the vector unit does not compute in).
std::optional<LoweredElementwise> lowerElementwiseGroup(GroupOp group, std::string &why);

/// The ops of a cube group's epilogue from `tailStart` on (what FixPipe
/// cannot apply) as a vector kernel whose input kCubeResult is `head`, the
/// cube kernel's result.
std::optional<LoweredElementwise> lowerEpilogueTail(GroupOp group, mlir::Value head,
                                                    mlir::Operation *tailStart, std::string &why);

/// A matmul or gemm group (with a bias add and a ReLU as its epilogue) as a
/// cube kernel: A is group operand `aOperand` (any rank, rows flattened
/// when B is 2-D), B a constant, packed by the emitter as B^T, or a group
/// operand computed at run time (batched when both are: [..., M, K] x
/// [..., K, N] with the same batch dimensions); the bias a constant row.
struct LoweredMatmul {
  codegen::MatmulKernel kernel;
  int aOperand = -1;
  mlir::DenseElementsAttr b; ///< [K, N], or [N, K] when bTransposed
  int bOperand = -1;         ///< B computed at run time: this group operand
  bool bTransposed = false;
  /// A run-time f32 B ([batch][K][N]): the emitter transposes it to B^T
  /// with this vector kernel first (16-bit B is read as K x N, kernel.bKxN).
  std::optional<codegen::TransposeKernel> bTranspose;
  mlir::DenseElementsAttr bias; ///< N elements (or a splat), when kernel.bias
  double biasScale = 1;         ///< Gemm's beta
  /// The epilogue beyond bias and ReLU, on the vector unit after the cube
  /// kernel, which then writes `head` to scratch (as the tail's cube-result
  /// input: an int8 product's requantization reads f32).
  std::optional<LoweredElementwise> tail;
  mlir::Value head;
  /// int8 products: a uint8 A shifted to int8 (a - 128) by this vector
  /// kernel first; the int32 bias row (zero-point corrections, `b` being B
  /// minus its zero points), when kernel.bias.
  std::optional<codegen::ElementwiseKernel> aShift;
  std::vector<int32_t> intBias;
  /// Kernels launched: the cube kernel, f32's splits, B's transpose, A's
  /// shift, the tail.
  unsigned launches() const;
};

/// Lowers a `matmul`/`gemm` (`_epilogue`) group, or a `matmul_integer` or
/// `qlinear_matmul` one on the cube's s8 mode: 8-bit A (uint8 shifted to
/// int8 first) with one constant zero point, a constant 8-bit B whose
/// values minus its zero points (one, or one per column) fit int8, and
/// (QLinearMatMul) one constant scale each; A's zero point becomes an
/// exact int32 bias (-za * column sums of B). QLinearMatMul requantizes in
/// FixPipe (int8 without a zero point) or in a vector tail (rounding, the
/// zero point, saturation). On failure `why` says what has no cube form
/// yet (a constant batched B, batch dimensions that broadcast, alpha,
/// trans_a, an epilogue without a vector form, B beyond int8).
std::optional<LoweredMatmul> lowerMatmulGroup(GroupOp group, std::string &why);

/// An `attention` group, matmul -> [scale by a constant] -> softmax (last
/// axis) -> matmul, in f32 or f16, as kernels run in turn: the scores Q.K^T (both
/// from group operands), the scale as a vector kernel, the softmax row
/// kernel, and P.V (A: the probabilities, `context.aOperand` -1).
struct LoweredAttention {
  LoweredMatmul scores;
  std::optional<codegen::ElementwiseKernel> scale;
  codegen::RowKernel softmax;
  LoweredMatmul context;
  /// 16-bit heads whose batches are not whole 32-byte blocks (a 40 x 15
  /// f16 head is 1200 bytes; the cube's batch bases must be DMA-aligned):
  /// Q and K, and V, are first copied into rows of whole blocks, zero
  /// padded (exact: the padding adds zero products), the products run on
  /// the padded head (scores.kernel.k, context.kernel.n), and `unpad`
  /// slices the context back.
  std::optional<codegen::PadKernel> padQ, padK, padV;
  std::optional<codegen::SliceKernel> unpad;
  /// Kernels launched: products (with their helpers), scale, softmax, pads.
  unsigned launches() const;
};
std::optional<LoweredAttention> lowerAttentionGroup(GroupOp group, std::string &why);

/// The cube kernel's description of a 1-D or 2-D, one-group conv with
/// float operands, read as channels-last whatever the op's layout (the
/// layout pass asks before it converts); kernel.bias is set when the op has
/// a bias. On failure `why` says what the cube kernels do not cover.
std::optional<codegen::ConvKernel> convKernelShape(ConvOp conv, std::string &why);

/// The vector kernel's description of a 2-D depthwise conv (one filter per
/// channel) in f32, read as channels-last.
std::optional<codegen::DepthwiseKernel> depthwiseKernelShape(ConvOp conv, std::string &why);

/// Why the target has no generated kernel for `conv` (the kernel shape's
/// reason or the planner's error, the kernel named `name`); nothing when
/// it has one. The layout pass asks before converting, placement to
/// explain a conv left channels-first.
std::optional<std::string> convKernelProblem(ConvOp conv, const target::TargetDesc &target,
                                             const std::string &name);

/// A `conv` (`_epilogue`) group whose conv is channels-last with a constant
/// weight (and bias): a cube kernel (one group) or a depthwise vector kernel
/// (`depthwise` set), each applying a per-channel add and a ReLU itself,
/// and the rest of the epilogue as a vector kernel. A `conv_integer` or
/// `qlinear_conv` group (the op alone, channels-last, a constant 8-bit
/// weight whose values minus its zero points fit int8, constant zero
/// points and one constant scale each): the cube's s8 mode, as the int8
/// matmul (a uint8 input shifted to int8 first, windows outside the image
/// reading the input's zero point, which an int32 bias subtracts exactly;
/// QLinearConv scaled in FixPipe, requantized by a vector tail when the
/// result has a zero point or is uint8).
struct LoweredConv {
  codegen::ConvKernel kernel;
  std::optional<codegen::DepthwiseKernel> depthwise;
  int xOperand = -1;
  mlir::DenseElementsAttr weight;         ///< [M, C, k...] (int8: minus its zero points)
  mlir::DenseElementsAttr bias;           ///< M elements, when kernel.bias (float kernels)
  std::optional<LoweredElementwise> tail; ///< as for LoweredMatmul
  mlir::Value head;
  std::optional<codegen::ElementwiseKernel> xShift; ///< int8: a uint8 input to int8 first
  std::vector<int32_t> intBias; ///< int8: the bias and zero-point corrections, when kernel.bias
  unsigned launches() const;
};
std::optional<LoweredConv> lowerConvGroup(GroupOp group, std::string &why);

/// Why the target has no s8 cube kernel for a conv_integer or
/// qlinear_conv `op` (in either layout, as it would be lowered
/// channels-last; `group`: the group holding it, if any); nothing when it
/// has one. The layout pass asks, and placement to explain one it left.
std::optional<std::string>
int8ConvKernelProblem(mlir::Operation *op, const target::TargetDesc &target, GroupOp group = {});

/// Group kinds lowerConvGroup takes.
inline bool isConvKind(llvm::StringRef kind) {
  return kind == "conv" || kind == "conv_epilogue" || kind == "conv_integer" ||
         kind == "qlinear_conv";
}

/// A `max_pool`/`avg_pool` group of one channels-last 2-D pool (f32 or
/// f16; an average's divisor the whole window: no pads, or pads counted) as
/// the depthwise generator's window walk without weights, reading group
/// operand `xOperand`.
std::optional<codegen::DepthwiseKernel> lowerPoolGroup(GroupOp group, int &xOperand,
                                                       std::string &why);

/// A `transpose` group as a vector kernel reading group operand 0: a
/// batched 2-D transpose once dimensions are merged (NCHW <-> NHWC among
/// them) of 1-, 2- or 4-byte elements (`elements`, vgather), or one that
/// moves whole blocks of 32-byte units ([B][R][S][E] -> [B][S][R][E],
/// attention's heads; `blocks`, DMA only).
struct LoweredTranspose {
  std::optional<codegen::TransposeKernel> elements;
  std::optional<codegen::BlockTransposeKernel> blocks;
};
std::optional<LoweredTranspose> lowerTransposeGroup(GroupOp group, std::string &why);

/// A `reduce_sum`/`reduce_mean`/`reduce_max` group over one run of
/// adjacent axes with dimensions after it ([B][R][C] -> [B][C], like a
/// global pool of a channels-last tensor), of f32 or f16 tensors summed in f32, as a vector kernel
/// reading group operand 0.
std::optional<codegen::ReduceKernel> lowerReduceGroup(GroupOp group, std::string &why);

/// A group computing along the innermost axis, on f32 or f16 tensors
/// (computed in f32), as a row kernel
/// ([R][C], C the elements reduced or normalized together): a reduction
/// (sum, mean, max, min) over axes that run to the last, a softmax or
/// log-softmax whose axis has only size-1 axes after it, or a layer norm.
struct LoweredRows {
  codegen::RowKernel kernel;
  int xOperand = -1;
  /// A layer norm's scale or bias: a group operand, or a constant; an
  /// instance norm's (kernel.rowAffine): C constant values, row r taking
  /// value r % C.
  struct Row {
    int operand = -1;
    mlir::DenseElementsAttr values;
  };
  Row scale, bias;
  uint64_t channels = 0; ///< instance norm: C
};
std::optional<LoweredRows> lowerRowGroup(GroupOp group, std::string &why);
/// A `concat` group, a nearest `resize` group that upsamples the two axes
/// before the last by integer factors (a channels-last image), a `slice`
/// group of one axis with step 1, a `gather` group (rows along one axis
/// at int32/int64 indices), a `gather_nd` group (rows at index tuples) or
/// a `scatter_nd` group (reduction none), as a data-movement kernel; a linear `resize` of
/// an f32 tensor over two adjacent axes as the vector unit's bilinear
/// kernel; `operands` maps its inputs to group operands (-1: the constant
/// in `constants` at the same place, e.g. the zero planes that pad a 3-D
/// conv's depth).
struct LoweredMovement {
  std::optional<codegen::ResizeLinearKernel> linear;
  std::optional<codegen::ConcatKernel> concat;
  std::optional<codegen::UpsampleKernel> upsample;
  std::optional<codegen::SliceKernel> slice;
  std::optional<codegen::GatherKernel> gather;
  std::optional<codegen::ScatterKernel> scatter;
  std::vector<int> operands;
  std::vector<mlir::DenseElementsAttr> constants;
};
std::optional<LoweredMovement> lowerMovementGroup(GroupOp group, std::string &why);
/// The plan (or generated kernel) of a lowered DMA kernel (not `linear`).
Result<codegen::MovementPlan> planMovement(const LoweredMovement &l,
                                           const target::TargetDesc &target, unsigned rank = 0);
Result<codegen::GeneratedMovement>
generateMovement(const LoweredMovement &l, const target::TargetDesc &target, unsigned rank = 0);

/// Group kinds lowerElementwiseGroup takes: elementwise chains, and
/// quantize/dequantize groups (per-tensor, between f32 and 8-bit integers).
inline bool isElementwiseKind(llvm::StringRef kind) {
  return kind == "elementwise" || kind == "quantize" || kind == "dequantize";
}

/// Group kinds lowerMatmulGroup takes: MatMul and Gemm (with epilogues),
/// and the int8 products MatMulInteger and QLinearMatMul.
inline bool isMatmulKind(llvm::StringRef kind) {
  return kind == "matmul" || kind == "matmul_epilogue" || kind == "gemm" ||
         kind == "gemm_epilogue" || kind == "matmul_integer" || kind == "qlinear_matmul";
}

/// Group kinds lowerMovementGroup takes.
inline bool isMovementKind(llvm::StringRef kind) {
  return kind == "concat" || kind == "resize" || kind == "slice" || kind == "gather" ||
         kind == "gather_nd" || kind == "scatter_nd";
}

/// Group kinds a row kernel may compute (lowerRowGroup decides).
inline bool isRowKind(llvm::StringRef kind) {
  return kind == "softmax" || kind == "log_softmax" || kind == "layer_norm" ||
         kind == "instance_norm" || kind.starts_with("reduce_");
}

} // namespace pagoda::graph

#endif // PAGODA_DIALECT_GRAPH_TRANSFORMS_KERNELLOWERING_H
