//===- Resize.h - Linear (bilinear) resize on the vector unit ---*- C++ -*-===//
//
// Y = Resize(X, mode = linear) over two adjacent axes of an f32 tensor
// viewed as [outer][H][W][E] (E the elements after W: channels of a
// channels-last image, 1 for NCHW), to [outer][OH][OW][E]. The compiler
// evaluates ONNX's coordinate mapping at compile time into per-row and
// per-column tables (the two source indices and the fraction of the second);
// the kernel blends two source rows vertically, then picks each output
// element's two neighbours with vgather and blends them horizontally
// (docs/codegen.md, "Linear resize"):
//
//   v   = r0 + (r1 - r0) * fy          (vsub, then the fused vaxpy)
//   out = a + (b - a) * fx             (vgather a, b from v; vsub, vmla)
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_CODEGEN_RESIZE_H
#define PAGODA_CODEGEN_RESIZE_H

#include "pagoda/Codegen/Buffers.h"
#include "pagoda/ISA/Program.h"
#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pagoda::codegen {

/// One resized axis: for each output coordinate, the two source
/// coordinates blended and the weight of the second.
struct LinearAxis {
  std::vector<uint32_t> lo, hi;
  std::vector<float> frac;
  size_t size() const { return lo.size(); }
};

/// The input coordinate ONNX Resize reads for output coordinate `x` along
/// an axis of `in` -> `out` elements at `scale` (the model's, or out / in),
/// for the coordinate transformation modes half_pixel, pytorch_half_pixel,
/// asymmetric and align_corners (nullopt for others).
std::optional<double> resizeSourceCoordinate(std::string_view mode, double scale, uint64_t in,
                                             uint64_t out, uint64_t x);

/// ONNX's linear interpolation along one axis: the coordinate clamped to
/// [0, in - 1], its floor and the next (clamped) and the fraction between.
std::optional<LinearAxis> linearAxis(std::string_view mode, double scale, uint64_t in,
                                     uint64_t out);

struct ResizeLinearKernel {
  std::string name;
  uint64_t outer = 1, h = 0, w = 0, e = 1; ///< X as [outer][h][w][e], f32
  LinearAxis rows, cols;                   ///< OH and OW entries
};

struct ResizePlan {
  uint32_t blockDim = 0;
  uint32_t vectorCores = 0;
  uint64_t rows = 0; ///< output rows (outer x OH), one a tile
  double predictedCycles = 0;
  std::string describe() const;
};

struct GeneratedResize {
  std::string assembly;
  isa::Program program;
  std::vector<BufferUse> buffers; ///< on-chip placement, verified
  std::vector<uint64_t> argBytes; ///< GM bytes of each kernel argument, in order
  /// The kernel's table argument: per output row (source row byte offsets,
  /// fraction), then per output element the two gather offsets and the
  /// column fraction.
  std::vector<uint8_t> table;
  ResizePlan plan;
};

/// Checks the kernel against `target` (the tables and two buffer sets must
/// fit UB) and predicts its cycles.
Result<ResizePlan> planResizeLinear(const ResizeLinearKernel &kernel,
                                    const target::TargetDesc &target, unsigned rank = 0);

/// Kernel arguments: X, the table, Y.
Result<GeneratedResize> generateResizeLinear(const ResizeLinearKernel &kernel,
                                             const target::TargetDesc &target, unsigned rank = 0);

/// What the kernel computes, bit for bit (f32, fused multiply-adds), for
/// tests.
std::vector<float> evaluateResizeLinear(const ResizeLinearKernel &kernel,
                                        const std::vector<float> &x);

} // namespace pagoda::codegen

#endif // PAGODA_CODEGEN_RESIZE_H
