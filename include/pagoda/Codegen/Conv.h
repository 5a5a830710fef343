//===- Conv.h - Cube kernels for 2-D convolutions ---------------*- C++ -*-===//
//
// Y = conv(X, W) (+ bias) (ReLU) on the cube cores as an implicit GEMM
// (docs/codegen.md): M = output positions, K = input channels x kernel
// window, N = output channels. Activations are channels-last in GM (X is
// [N][H][W][C], Y is [N][OH][OW][M] row-major), which is what the data
// movers convert for free: nd2nz turns a band of input rows into the
// [C1][H][W][C0] feature map that load3d reads, load3d builds the img2col
// rows in L0A (padding, strides and dilations in hardware), and FixPipe
// writes the output tile channels-last. Weights are packed at compile time
// as the GEMM's B^T (packConvWeights).
//
// An M tile is `ohc` whole output rows of one image; an L1 step loads the
// tile's input band for `c1s` channel blocks (and the matching weight
// columns); L0 steps of `kext` img2col columns feed the cube from it. Two
// buffers at each level, counting flags as in the matmul kernels. f32 takes
// three hf32 passes, with the input split into high and low parts as for
// matmul (splitHf32).
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_CODEGEN_CONV_H
#define PAGODA_CODEGEN_CONV_H

#include "pagoda/Codegen/Buffers.h"
#include "pagoda/ISA/Program.h"
#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pagoda::codegen {

struct ConvKernel {
  std::string name;
  isa::DType input = isa::DType::F16;      ///< f16, bf16, f32 (three passes) or s8
  isa::DType output = isa::DType::F32;     ///< f32, f16 or bf16; s8 inputs: s32, or
                                           ///< with `scale` f32, f16 or s8
  uint64_t batch = 1, c = 0, h = 0, w = 0; ///< X is [batch][h][w][c x groups]
  uint64_t m = 0, kh = 1, kw = 1;          ///< output channels (all groups), window
  /// Grouped convolution: c input channels per group, m / groups output
  /// channels each; group g reads X's channels [g*c, (g+1)*c) and writes
  /// Y's [g*m/groups, (g+1)*m/groups). Weights are ONNX's [m][c][kh][kw].
  uint64_t groups = 1;
  uint64_t padT = 0, padB = 0, padL = 0, padR = 0;
  uint64_t strideH = 1, strideW = 1, dilH = 1, dilW = 1;
  bool bias = false; ///< add an f32 per output channel (s8 inputs: int32, exact)
  bool relu = false;
  /// s8 inputs: FixPipe multiplies the exact s32 accumulators (bias
  /// included) by this (in f32) and converts, as the int8 matmul does.
  std::optional<float> scale;
  /// s8 inputs: what window positions outside the image read (the input's
  /// zero point, so that they contribute nothing once it is subtracted).
  int64_t padValue = 0;

  uint64_t outH() const;
  uint64_t outW() const;
  /// Elements per 32-byte block of the input type (C0).
  uint64_t c0() const;
  /// The GEMM's K: ceil(c / C0) channel blocks x kh x kw x C0.
  uint64_t packedK() const;
  /// Channels of an X pixel: c x groups.
  uint64_t xChannels() const { return c * groups; }
};

/// Kernel arguments, in order: X (f32: its high and low parts), the packed
/// weights (f32: high and low), the bias if any (m f32 values, s8: int32,
/// zero-padded to a multiple of 8), Y.
unsigned convArgCount(const ConvKernel &k);

/// Weights [m][c][kh][kw] (row-major floats) as the kernel's B^T: row `o`
/// holds column k = ((c1*kh + i)*kw + j)*C0 + cc for channel c1*C0 + cc,
/// zero where that channel does not exist.
std::vector<float> packConvWeights(const ConvKernel &k, const float *weights);

struct ConvPlan {
  uint32_t blockDim = 0;
  uint64_t ohc = 0;     ///< output rows per M tile
  uint64_t nt = 0;      ///< output channels per N tile (within one group)
  uint64_t c1s = 0;     ///< channel blocks per L1 step
  uint64_t kext = 0;    ///< img2col columns per L0 step
  uint64_t tiles = 0;   ///< batch x M tiles x N tiles
  uint64_t classes = 0; ///< distinct input-band shapes over the M tiles
  double predictedCycles = 0;
  std::string describe() const;
};

struct GeneratedConv {
  std::string assembly;
  isa::Program program;
  std::vector<BufferUse> buffers; ///< on-chip placement, verified
  std::vector<uint64_t> argBytes; ///< GM bytes of each kernel argument, in order
  ConvPlan plan;
};

/// Checks the kernel against `target` and chooses its tiles by the cost
/// model, without generating code.
Result<ConvPlan> planConv(const ConvKernel &kernel, const target::TargetDesc &target,
                          unsigned rank = 0);

Result<GeneratedConv> generateConv(const ConvKernel &kernel, const target::TargetDesc &target,
                                   unsigned rank = 0);

/// The kernel's exact result as the ISA defines it (accumulation order of
/// the plan's L1 and L0 steps and passes), for tests of float inputs. Operands as the kernel
/// takes them (element bits; f32: hi parts, xLo/wLo the low parts).
std::vector<float> evaluateConv(const ConvKernel &k, const std::vector<uint32_t> &x,
                                const std::vector<uint32_t> &w, const std::vector<uint32_t> &xLo,
                                const std::vector<uint32_t> &wLo, const std::vector<float> &bias,
                                const ConvPlan &plan);

} // namespace pagoda::codegen

#endif // PAGODA_CODEGEN_CONV_H
