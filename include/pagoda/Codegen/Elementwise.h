//===- Elementwise.h - Vector kernels for elementwise chains ----*- C++ -*-===//
//
// Code generation for `elementwise` kernel groups: a chain of vector
// operations over tensors of one element type becomes a program for the
// target's vector cores (docs/codegen.md). The tensor is split into one
// contiguous range per vector core; each core streams its range through the
// unified buffer in tiles sized from the target, with two buffer sets so
// that loading tile i+1 and storing tile i-1 overlap computing tile i. The
// generator writes assembly text (what `pagoda compile --emit asm` prints)
// and assembles it.
//
// Links neither MLIR nor LLVM: the compiler lowers graph ops to an
// ElementwiseKernel; tests build them directly.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_CODEGEN_ELEMENTWISE_H
#define PAGODA_CODEGEN_ELEMENTWISE_H

#include "pagoda/Codegen/Buffers.h"
#include "pagoda/ISA/Program.h"
#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pagoda::codegen {

/// Operations of an elementwise kernel. Binary ones read two values, unary
/// ones one; LRelu also takes `imm` (the slope).
enum class VOp : uint8_t {
  Add,
  Sub,
  Mul,
  Div,
  Max,
  Min,
  And, ///< bitwise, on the elements' bits (masks such as the hf32 split's)
  Relu,
  Exp,
  Log,
  Sqrt,
  Rsqrt,
  Rec,
  Abs,
  Neg,
  Tanh,
  Sigmoid,
  LRelu,
  Cast, ///< to ElementwiseOp::to (vcvt, round to nearest even): between f32 and
        ///< f16/bf16, and between f32 and u8/s8/s32 (saturating)
};
const char *vopName(VOp op);

/// `name` as an assembly identifier (kernel names come from model nodes
/// such as "/encoder/layer.0/MatMul"): other characters become '_'.
std::string identifier(std::string_view name);
bool isBinary(VOp op);

/// Where a kernel input comes from.
struct ElementwiseInput {
  enum class Kind : uint8_t {
    Tensor,    ///< a GM tensor with one element per output element
    Scalar,    ///< a GM tensor of one element, broadcast
    Immediate, ///< the value `imm`, broadcast (a constant folded in)
    Row,       ///< a GM tensor of `rowElements`, repeated along the output's
               ///< innermost elements (per-channel operands of channels-last
               ///< tensors); its rows must be whole 32-byte blocks
  };
  Kind kind = Kind::Tensor;
  double imm = 0;
  /// An Immediate given as the element's bit pattern, not as a value.
  bool raw = false;
  uint64_t rowElements = 0; ///< Row: the row's length
  /// A Tensor's or Immediate's type when not the kernel's (f16 or f32:
  /// chains with casts; a Tensor may also be u8, s8 or s32, which only a
  /// cast reads); Scalar and Row inputs have the kernel's type.
  std::optional<isa::DType> type;
  /// A Scalar or Row of an f32 kernel stored as bf16 in GM: widened
  /// exactly (the bits shifted up) as the scalar unit reads it; its value
  /// is f32. A row's f32 bytes repeat every rowPeriodBytes (at most 31
  /// blocks, as for rows of partial blocks).
  bool bf16InGm = false;
};

/// One operation: values are numbered inputs first, then one per
/// operation in order.
struct ElementwiseOp {
  VOp op = VOp::Add;
  uint32_t a = 0, b = 0;
  double imm = 0;
  isa::DType to = isa::DType::F32; ///< Cast: the result's type
};

/// A kernel: kernel arguments are the GM addresses of the Tensor, Scalar and
/// Row inputs in order, then of the outputs. Every value has a type (an
/// input's own or the kernel's, a cast's `to`, otherwise its operands'):
/// f16 and f32 may mix; integer values (u8, s8, s32) only move and
/// convert (quantization: x / scale cast to s32 and back rounds half to
/// even, + zero point, cast to u8 saturates); tiles are counted in
/// elements, and each value's slot holds a tile of the widest type.
struct ElementwiseKernel {
  std::string name;
  isa::DType type = isa::DType::F32; ///< f32 or f16 (f16 computes in f32, rounds once)
  uint64_t elements = 0;
  std::vector<ElementwiseInput> inputs;
  std::vector<ElementwiseOp> ops;
  std::vector<uint32_t> outputs; ///< value numbers written to the outputs
};

/// What the generator chose, and what its cost model predicts.
struct ElementwisePlan {
  uint32_t blockDim = 0;    ///< AI cores launched
  uint32_t vectorCores = 0; ///< vector cores with work
  uint64_t chunkBytes = 0; ///< bytes per vector core in the kernel's type (the last may have fewer)
  uint64_t tileBytes = 0;  ///< bytes of one value per tile, in the kernel's type
  uint64_t slotBytes = 0;  ///< UB bytes of a slot (a tile of the widest type)
  uint32_t slots = 0;      ///< tile buffers per buffer set
  uint32_t broadcastSlots = 0;
  double predictedCycles = 0; ///< the cost model's prediction, launch overhead included
  /// e.g. "48 vector cores x 20480 B, tiles of 8192 B, 2 buffer sets of 3"
  std::string describe() const;
};

struct GeneratedKernel {
  std::string assembly;
  isa::Program program;
  std::vector<BufferUse> buffers; ///< on-chip placement, verified
  std::vector<uint64_t> argBytes; ///< GM bytes of each kernel argument, in order
  ElementwisePlan plan;
};

/// Checks the kernel against `target` and chooses its split and tiles
/// without generating code; errors say what is out of reach (an
/// unsupported type, too many operands, a target without a GM-UB path).
/// `vectorCores` forces the split (0: the cost model picks).
Result<ElementwisePlan> planElementwise(const ElementwiseKernel &kernel,
                                        const target::TargetDesc &target, uint32_t vectorCores = 0,
                                        unsigned rank = 0);

/// Each value's type (inputs, then ops), as ElementwiseKernel describes.
std::vector<isa::DType> elementwiseValueTypes(const ElementwiseKernel &kernel);

/// Plans the kernel and generates it.
Result<GeneratedKernel> generateElementwise(const ElementwiseKernel &kernel,
                                            const target::TargetDesc &target,
                                            uint32_t vectorCores = 0, unsigned rank = 0);

/// The kernel's result as the ISA defines it, computed on the host (the
/// reference tests compare the simulator against). `inputs` holds one byte
/// vector per Tensor, Scalar or Row input in order.
std::vector<std::vector<uint8_t>>
evaluateElementwise(const ElementwiseKernel &kernel,
                    const std::vector<std::vector<uint8_t>> &inputs);

} // namespace pagoda::codegen

#endif // PAGODA_CODEGEN_ELEMENTWISE_H
