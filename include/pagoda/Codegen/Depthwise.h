//===- Depthwise.h - Vector kernels for depthwise convolutions --*- C++ -*-===//
//
// Y = depthwise_conv(X, W) (+ bias) (ReLU) on the vector cores
// (docs/codegen.md). Each channel has its own kh x kw window, so there is no
// reduction over channels for the cube to do; channels-last activations
// (X [N][H][W][C], Y [N][OH][OW][C]) make it a vector job: for one output
// row and one window tap, one multiply-add instruction covers every output
// column (a repeat per column, source repeat stride = stride x C) and up to
// one repeat's worth of channels, with the tap's per-channel weights read at
// repeat stride 0.
//
// A tile is `rows` output rows of one image, `cols` of its output columns
// and `channels` of its channels; its input band (with the rows above and
// below the image zero-filled, and zero columns for the left and right
// padding) is loaded row by row into one of two UB buffer sets, so loads,
// arithmetic and stores of consecutive tiles overlap. Column tiles (a row
// too wide for UB) read their input columns with the window's overlap and
// refill the padding columns of the first and last column tile each time.
// f32 and f16 (each tap one fused multiply-add, rounded once to the type),
// and bf16 computed in f32 (depthwiseComputeType).
//
// Local max and average pools of channels-last tensors are the same window
// walk without weights (`op`): each tap is a vmax or a vadd into the
// accumulator, the padding holds the op's identity (-inf for max), and the
// average multiplies by 1 / (kh x kw) (the window's size, pads included).
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_CODEGEN_DEPTHWISE_H
#define PAGODA_CODEGEN_DEPTHWISE_H

#include "pagoda/Codegen/Buffers.h"
#include "pagoda/ISA/Program.h"
#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pagoda::codegen {

struct DepthwiseKernel {
  enum class Op : uint8_t { Conv, MaxPool, AvgPool };
  std::string name;
  isa::DType type = isa::DType::F32;
  uint64_t batch = 1, c = 0, h = 0, w = 0; ///< X is [batch][h][w][c]
  uint64_t kh = 1, kw = 1;
  uint64_t padT = 0, padB = 0, padL = 0, padR = 0;
  uint64_t strideH = 1, strideW = 1, dilH = 1, dilW = 1;
  bool bias = false; ///< one value per channel, of the kernel's type
  bool relu = false;
  Op op = Op::Conv; ///< pools take no weights, bias or ReLU

  uint64_t outH() const;
  uint64_t outW() const;
};

/// What the vector unit computes in: the kernel's type, f32 for bf16 (the
/// vector unit has no bf16 arithmetic: the band is staged in bf16 and
/// widened by vcvt, the output narrowed once, rounding to nearest even).
isa::DType depthwiseComputeType(const DepthwiseKernel &k);

/// Kernel arguments: X, the weights as [kh*kw][cp] (packDepthwiseWeights),
/// the bias ([c]) if any, Y; pools: X, Y. X and Y are of the kernel's type,
/// the weights and bias of depthwiseComputeType.
unsigned depthwiseArgCount(const DepthwiseKernel &k);

/// The channels of one pixel in UB: c rounded up to whole 32-byte blocks.
/// When that pads (24 f16 channels), pixels move by byte-granular DMA and
/// the padding lanes compute on zeros that are never stored.
uint64_t depthwisePaddedChannels(const DepthwiseKernel &k);

/// Weights [c][1][kh][kw] (row-major) as the kernel reads them, [kh*kw][cp]
/// (cp = depthwisePaddedChannels, the padding zero).
std::vector<float> packDepthwiseWeights(const DepthwiseKernel &k, const float *weights);

struct DepthwisePlan {
  uint32_t blockDim = 0;
  uint32_t vectorCores = 0;
  uint64_t rows = 0;     ///< output rows per tile
  uint64_t cols = 0;     ///< output columns per tile (outW unless a row does not fit)
  uint64_t colTiles = 1; ///< ceil(outW / cols)
  uint64_t channels = 0; ///< channels per tile (a divisor of c)
  uint64_t tiles = 0;    ///< batch x ceil(outH / rows) x ceil(outW / cols) x c / channels
  double predictedCycles = 0;
  std::string describe() const;
};

struct GeneratedDepthwise {
  std::string assembly;
  isa::Program program;
  std::vector<BufferUse> buffers; ///< on-chip placement, verified
  std::vector<uint64_t> argBytes; ///< GM bytes of each kernel argument, in order
  DepthwisePlan plan;
};

Result<DepthwisePlan> planDepthwise(const DepthwiseKernel &kernel, const target::TargetDesc &target,
                                    unsigned rank = 0);
Result<GeneratedDepthwise> generateDepthwise(const DepthwiseKernel &kernel,
                                             const target::TargetDesc &target, unsigned rank = 0);

/// The kernel's exact result: per output, the bias (or 0), then one fused
/// multiply-add per tap in row-major window order (rounded to the type),
/// then ReLU. Operands as floats (f16 kernels: values of f16).
std::vector<float> evaluateDepthwise(const DepthwiseKernel &k, const std::vector<float> &x,
                                     const std::vector<float> &packedWeights,
                                     const std::vector<float> &bias);

} // namespace pagoda::codegen

#endif // PAGODA_CODEGEN_DEPTHWISE_H
