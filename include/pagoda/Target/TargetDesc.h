//===- TargetDesc.h - Description of a modeled NPU chip ---------*- C++ -*-===//
//
// The single source of every hardware number in pagoda: core counts, clock,
// cube shapes, scratchpad sizes and alignments, data-path bandwidths and
// latencies, HBM/L2, synchronization resources. Passes, cost models, the
// simulator and the runtime read these; none hard-codes a buffer size.
//
// This library does not link MLIR or LLVM, so the runtime can use it.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_TARGET_TARGETDESC_H
#define PAGODA_TARGET_TARGETDESC_H

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pagoda::target {

/// How an AI core is built: one core holding cube, vector and scalar units
/// (910), or one cube core plus N vector cores with separate instruction
/// streams (910B, 950).
enum class CoreOrganization : uint8_t { Coupled, Split };

/// Memory spaces of the chip. GM is the HBM-backed global memory; the rest
/// are per-core scratchpads (BT: bias table, FB: FixPipe parameter buffer).
enum class MemSpace : uint8_t { GM, L1, L0A, L0B, L0C, UB, BT, FB };
inline constexpr unsigned kNumMemSpaces = 8;

/// Instruction pipes of a core; each consumes its queue in order.
enum class Pipe : uint8_t { S, MTE1, MTE2, MTE3, M, V, FIX };
inline constexpr unsigned kNumPipes = 7;

/// Data paths a core can move data along; each is executed by one pipe.
enum class Path : uint8_t {
  GmToL1,
  GmToUb,
  GmToL0A,
  GmToL0B,
  L1ToL0A,
  L1ToL0B,
  L1ToBt,
  L1ToFb,
  L1ToUb,
  L0cToGm,
  L0cToL1,
  L0cToUb,
  UbToGm,
  UbToL1,
};
inline constexpr unsigned kNumPaths = 14;

/// Static facts about a path: its JSON name, endpoints, the pipe that moves
/// it, and whether every target must have it.
struct PathInfo {
  Path path;
  const char *name;
  MemSpace src;
  MemSpace dst;
  Pipe pipe;
  bool required;
};

/// Element types the cube unit may support. F32 is the "hf32" mode.
enum class CubeType : uint8_t { F16, BF16, F32, S8, F8E4M3, F8E5M2, HiF8, S4, F4 };
inline constexpr unsigned kNumCubeTypes = 9;

const char *memSpaceName(MemSpace space);
std::optional<MemSpace> parseMemSpace(std::string_view name);
const char *pipeName(Pipe pipe);
std::optional<Pipe> parsePipe(std::string_view name);
const PathInfo &pathInfo(Path path);
std::optional<Path> parsePath(std::string_view name);
/// The path that moves data from `src` to `dst`, if the architecture has one.
std::optional<Path> findPath(MemSpace src, MemSpace dst);
const char *cubeTypeName(CubeType type);
std::optional<CubeType> parseCubeType(std::string_view name);
/// Storage bits of one element of a cube type.
unsigned cubeTypeBits(CubeType type);
const char *organizationName(CoreOrganization org);

/// One cube instruction's fractal shape: C[m×n] += A[m×k]·B[k×n] per cycle.
struct CubeShape {
  uint32_t m = 0;
  uint32_t k = 0;
  uint32_t n = 0;
  uint64_t macsPerCycle() const { return uint64_t(m) * k * n; }
  bool operator==(const CubeShape &o) const { return m == o.m && k == o.k && n == o.n; }
};

/// A scratchpad: capacity and the alignment every operand in it must have.
struct BufferSpec {
  uint64_t sizeBytes = 0;
  uint32_t alignBytes = 0;
  bool operator==(const BufferSpec &o) const {
    return sizeBytes == o.sizeBytes && alignBytes == o.alignBytes;
  }
};

/// A data path's per-core peak rate and start-up latency: moving B bytes
/// costs latencyCycles + B / bytesPerCycle (before sharing of L2/HBM).
struct PathSpec {
  double bytesPerCycle = 0;
  uint32_t latencyCycles = 0;
  bool operator==(const PathSpec &o) const {
    return bytesPerCycle == o.bytesPerCycle && latencyCycles == o.latencyCycles;
  }
};

/// A modeled chip. Field names follow the JSON schema (docs/targets.md).
struct TargetDesc {
  int formatVersion = 2; ///< 2 added the host object
  std::string name;
  std::string description;

  // cores
  CoreOrganization organization = CoreOrganization::Split;
  uint32_t aiCores = 0;              ///< cube cores (split) or coupled cores
  uint32_t vectorCoresPerAiCore = 0; ///< 0 when coupled
  double clockGHz = 0;

  // cube
  std::array<std::optional<CubeShape>, kNumCubeTypes> cubeShapes{};
  uint32_t cubeLatencyCycles = 0;

  // vector
  uint32_t vectorBytesPerCycle = 0;
  uint32_t vectorBlockBytes = 0;
  uint32_t vectorBlocksPerRepeat = 0;
  uint32_t vectorMaxRepeat = 0;
  uint32_t vectorMinCycles = 0;

  // scalar unit and instruction issue
  uint32_t scalarCyclesPerInstruction = 0;
  uint32_t pipeQueueDepth = 0;

  /// Indexed by MemSpace; the GM entry is unused (see hbm*).
  std::array<BufferSpec, kNumMemSpaces> buffers{};
  /// Indexed by Path; absent paths do not exist on this chip.
  std::array<std::optional<PathSpec>, kNumPaths> paths{};

  // DMA efficiency by alignment (burst size is modeled by path latency).
  uint32_t dmaFullRateAlignBytes = 0;
  uint32_t dmaMinAlignBytes = 0;
  double dmaPartialAlignEfficiency = 0;

  // memory system
  uint64_t hbmBytes = 0;
  double hbmGBps = 0; ///< decimal GB/s, whole chip
  /// Added to a GM access that misses L2 (path latencies cover a hit).
  uint32_t hbmMissLatencyCycles = 0;
  uint64_t l2Bytes = 0;
  double l2GBps = 0; ///< decimal GB/s, whole chip, hits
  uint32_t l2LineBytes = 0;

  // synchronization
  uint32_t eventIds = 0;         ///< per pipe pair, intra-core
  uint32_t crossCoreFlagIds = 0; ///< 0: cores synchronize only through GM

  double launchOverheadUs = 0; ///< empty kernel on all cores
  double chipLinkGBps = 0;     ///< chip-to-chip, per NPU

  // the host the NPU is attached to (placement's cost model, docs/targets.md)
  double hostLinkGBps = 0;          ///< host<->device, per direction
  double hostTransferLatencyUs = 0; ///< one copy's fixed cost, incl. the stream sync
  double hostGflops = 0;            ///< what host kernels reach on fp32 arithmetic
  double hostMemoryGBps = 0;        ///< what host kernels reach streaming memory

  // ---- derived figures ----
  const BufferSpec &buffer(MemSpace space) const { return buffers[static_cast<unsigned>(space)]; }
  BufferSpec &buffer(MemSpace space) { return buffers[static_cast<unsigned>(space)]; }
  const std::optional<PathSpec> &path(Path p) const { return paths[static_cast<unsigned>(p)]; }
  std::optional<PathSpec> &path(Path p) { return paths[static_cast<unsigned>(p)]; }
  const std::optional<CubeShape> &cube(CubeType t) const {
    return cubeShapes[static_cast<unsigned>(t)];
  }
  std::optional<CubeShape> &cube(CubeType t) { return cubeShapes[static_cast<unsigned>(t)]; }
  bool hasPath(Path p) const { return path(p).has_value(); }

  double cyclesPerSecond() const { return clockGHz * 1e9; }
  uint32_t totalVectorCores() const { return aiCores * vectorCoresPerAiCore; }
  /// Peak cube throughput in FLOP/s (2 per MAC) for a dtype, 0 if unsupported.
  double peakFlops(CubeType type) const;
  /// HBM bandwidth in bytes per cycle for the whole chip.
  double hbmBytesPerCycle() const { return hbmGBps * 1e9 / cyclesPerSecond(); }
  /// Flops per HBM byte a kernel needs to be compute-bound at fp16.
  double ridgeFlopsPerByte() const { return peakFlops(CubeType::F16) / (hbmGBps * 1e9); }

  bool operator==(const TargetDesc &o) const;
  bool operator!=(const TargetDesc &o) const { return !(*this == o); }
};

/// Checks a description for consistency (positive sizes, L0A/L0B within L1,
/// power-of-two alignments, required paths present, ...). Returns one message
/// per problem, each naming the JSON field; empty when valid.
std::vector<std::string> validate(const TargetDesc &desc);

} // namespace pagoda::target

#endif // PAGODA_TARGET_TARGETDESC_H
