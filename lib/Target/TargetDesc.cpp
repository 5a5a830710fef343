//===- TargetDesc.cpp - Names, derived figures and validation -------------===//

#include "pagoda/Target/TargetDesc.h"

#include <fmt/format.h>

#include <cmath>

namespace pagoda::target {
namespace {

constexpr const char *kMemSpaceNames[kNumMemSpaces] = {"gm",  "l1", "l0a", "l0b",
                                                       "l0c", "ub", "bt",  "fb"};
constexpr const char *kPipeNames[kNumPipes] = {"s", "mte1", "mte2", "mte3", "m", "v", "fix"};
constexpr const char *kCubeTypeNames[kNumCubeTypes] = {"f16",    "bf16", "f32", "s8", "f8e4m3",
                                                       "f8e5m2", "hif8", "s4",  "f4"};
constexpr unsigned kCubeTypeBits[kNumCubeTypes] = {16, 16, 32, 8, 8, 8, 8, 4, 4};

using MS = MemSpace;
// The one table of data paths; the NPU dialect's copy verifier and the
// simulator derive legality and pipe assignment from it.
constexpr PathInfo kPaths[kNumPaths] = {
    {Path::GmToL1, "gm_to_l1", MS::GM, MS::L1, Pipe::MTE2, true},
    {Path::GmToUb, "gm_to_ub", MS::GM, MS::UB, Pipe::MTE2, true},
    {Path::GmToL0A, "gm_to_l0a", MS::GM, MS::L0A, Pipe::MTE2, false},
    {Path::GmToL0B, "gm_to_l0b", MS::GM, MS::L0B, Pipe::MTE2, false},
    {Path::L1ToL0A, "l1_to_l0a", MS::L1, MS::L0A, Pipe::MTE1, true},
    {Path::L1ToL0B, "l1_to_l0b", MS::L1, MS::L0B, Pipe::MTE1, true},
    {Path::L1ToBt, "l1_to_bt", MS::L1, MS::BT, Pipe::MTE1, false},
    {Path::L1ToFb, "l1_to_fb", MS::L1, MS::FB, Pipe::MTE1, false},
    {Path::L1ToUb, "l1_to_ub", MS::L1, MS::UB, Pipe::MTE1, false},
    {Path::L0cToGm, "l0c_to_gm", MS::L0C, MS::GM, Pipe::FIX, false},
    {Path::L0cToL1, "l0c_to_l1", MS::L0C, MS::L1, Pipe::FIX, false},
    {Path::L0cToUb, "l0c_to_ub", MS::L0C, MS::UB, Pipe::FIX, false},
    {Path::UbToGm, "ub_to_gm", MS::UB, MS::GM, Pipe::MTE3, true},
    {Path::UbToL1, "ub_to_l1", MS::UB, MS::L1, Pipe::MTE3, false},
};

template <size_t N, typename E>
std::optional<E> parseName(const char *const (&names)[N], std::string_view name) {
  for (size_t i = 0; i < N; ++i)
    if (name == names[i])
      return static_cast<E>(i);
  return std::nullopt;
}

bool isPowerOfTwo(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

} // namespace

const char *memSpaceName(MemSpace space) { return kMemSpaceNames[static_cast<unsigned>(space)]; }
std::optional<MemSpace> parseMemSpace(std::string_view name) {
  return parseName<kNumMemSpaces, MemSpace>(kMemSpaceNames, name);
}
const char *pipeName(Pipe pipe) { return kPipeNames[static_cast<unsigned>(pipe)]; }
std::optional<Pipe> parsePipe(std::string_view name) {
  return parseName<kNumPipes, Pipe>(kPipeNames, name);
}
const PathInfo &pathInfo(Path path) { return kPaths[static_cast<unsigned>(path)]; }
std::optional<Path> parsePath(std::string_view name) {
  for (const PathInfo &info : kPaths)
    if (name == info.name)
      return info.path;
  return std::nullopt;
}
std::optional<Path> findPath(MemSpace src, MemSpace dst) {
  for (const PathInfo &info : kPaths)
    if (info.src == src && info.dst == dst)
      return info.path;
  return std::nullopt;
}
const char *cubeTypeName(CubeType type) { return kCubeTypeNames[static_cast<unsigned>(type)]; }
std::optional<CubeType> parseCubeType(std::string_view name) {
  return parseName<kNumCubeTypes, CubeType>(kCubeTypeNames, name);
}
unsigned cubeTypeBits(CubeType type) { return kCubeTypeBits[static_cast<unsigned>(type)]; }
const char *organizationName(CoreOrganization org) {
  return org == CoreOrganization::Coupled ? "coupled" : "split";
}

double TargetDesc::peakFlops(CubeType type) const {
  const std::optional<CubeShape> &shape = cube(type);
  if (!shape)
    return 0;
  return 2.0 * double(shape->macsPerCycle()) * aiCores * cyclesPerSecond();
}

namespace {

/// Collects validation messages, each naming the JSON field at fault.
class Checker {
public:
  std::vector<std::string> messages;

  template <typename... Args>
  void fail(std::string_view field, fmt::format_string<Args...> f, Args &&...args) {
    messages.push_back(
        fmt::format("field '{}': {}", field, fmt::format(f, std::forward<Args>(args)...)));
  }
  void positive(std::string_view field, double v) {
    if (!(v > 0) || !std::isfinite(v))
      fail(field, "must be a positive finite number, got {}", v);
  }
  void positive(std::string_view field, uint64_t v) {
    if (v == 0)
      fail(field, "must be positive, got 0");
  }
  void nonNegative(std::string_view field, double v) {
    if (!(v >= 0) || !std::isfinite(v))
      fail(field, "must be a non-negative finite number, got {}", v);
  }
  void range(std::string_view field, uint64_t v, uint64_t lo, uint64_t hi) {
    if (v < lo || v > hi)
      fail(field, "must be between {} and {}, got {}", lo, hi, v);
  }
  void powerOfTwo(std::string_view field, uint64_t v) {
    if (!isPowerOfTwo(v))
      fail(field, "must be a power of two, got {}", v);
  }
};

} // namespace

std::vector<std::string> validate(const TargetDesc &d) {
  Checker c;
  if (d.formatVersion != 2)
    c.fail("format_version", "unsupported version {} (this pagoda reads version 2)",
           d.formatVersion);
  if (d.name.empty())
    c.fail("name", "must not be empty");
  for (char ch : d.name) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_' || ch == '.';
    if (!ok) {
      c.fail("name", "may hold only letters, digits, '-', '_' and '.', got '{}'", d.name);
      break;
    }
  }

  // cores
  c.range("cores.ai_cores", d.aiCores, 1, 4096);
  if (d.organization == CoreOrganization::Coupled && d.vectorCoresPerAiCore != 0)
    c.fail("cores.vector_cores_per_ai_core",
           "must be 0 for a coupled core (its vector unit is inside the AI core), got {}",
           d.vectorCoresPerAiCore);
  if (d.organization == CoreOrganization::Split)
    c.range("cores.vector_cores_per_ai_core", d.vectorCoresPerAiCore, 1, 16);
  c.positive("cores.clock_ghz", d.clockGHz);
  if (d.clockGHz > 10)
    c.fail("cores.clock_ghz", "{} GHz is not a plausible NPU clock (at most 10)", d.clockGHz);

  // cube
  if (!d.cube(CubeType::F16))
    c.fail("cube.shapes.f16", "is required (every Da Vinci cube computes fp16)");
  for (unsigned i = 0; i < kNumCubeTypes; ++i) {
    if (!d.cubeShapes[i])
      continue;
    std::string base = fmt::format("cube.shapes.{}", kCubeTypeNames[i]);
    const CubeShape &s = *d.cubeShapes[i];
    c.range(base + ".m", s.m, 1, 1024);
    c.range(base + ".k", s.k, 1, 1024);
    c.range(base + ".n", s.n, 1, 1024);
  }

  // vector
  c.positive("vector.bytes_per_cycle", uint64_t(d.vectorBytesPerCycle));
  c.powerOfTwo("vector.block_bytes", d.vectorBlockBytes);
  c.range("vector.blocks_per_repeat", d.vectorBlocksPerRepeat, 1, 64);
  c.range("vector.max_repeat", d.vectorMaxRepeat, 1, 65535);
  c.positive("vector.min_cycles", uint64_t(d.vectorMinCycles));
  c.positive("scalar.cycles_per_instruction", uint64_t(d.scalarCyclesPerInstruction));
  c.range("pipes.queue_depth", d.pipeQueueDepth, 1, 1024);

  // buffers
  for (unsigned i = 1; i < kNumMemSpaces; ++i) {
    auto space = static_cast<MemSpace>(i);
    const BufferSpec &b = d.buffers[i];
    std::string base = fmt::format("buffers.{}", kMemSpaceNames[i]);
    bool optional = space == MemSpace::BT || space == MemSpace::FB;
    if (!optional)
      c.positive(base + ".size_bytes", b.sizeBytes);
    c.powerOfTwo(base + ".align_bytes", b.alignBytes);
    if (isPowerOfTwo(b.alignBytes) && b.sizeBytes % b.alignBytes != 0)
      c.fail(base + ".size_bytes", "{} is not a multiple of align_bytes ({})", b.sizeBytes,
             b.alignBytes);
  }
  const uint64_t l1 = d.buffer(MemSpace::L1).sizeBytes;
  for (MemSpace s : {MemSpace::L0A, MemSpace::L0B}) {
    uint64_t size = d.buffer(s).sizeBytes;
    if (size > l1)
      c.fail(fmt::format("buffers.{}.size_bytes", memSpaceName(s)),
             "{} exceeds buffers.l1.size_bytes ({}); L0 buffers are fed from L1", size, l1);
  }

  // paths
  for (const PathInfo &info : kPaths) {
    const std::optional<PathSpec> &p = d.path(info.path);
    std::string base = fmt::format("paths.{}", info.name);
    if (!p) {
      if (info.required)
        c.fail(base, "is required on every target");
      continue;
    }
    c.positive(base + ".bytes_per_cycle", p->bytesPerCycle);
  }
  if (!d.hasPath(Path::L0cToGm) && !d.hasPath(Path::L0cToUb))
    c.fail("paths", "needs l0c_to_gm or l0c_to_ub: cube results must leave L0C");

  // dma
  c.powerOfTwo("dma.full_rate_align_bytes", d.dmaFullRateAlignBytes);
  c.powerOfTwo("dma.min_align_bytes", d.dmaMinAlignBytes);
  if (d.dmaMinAlignBytes > d.dmaFullRateAlignBytes)
    c.fail("dma.min_align_bytes", "{} exceeds dma.full_rate_align_bytes ({})", d.dmaMinAlignBytes,
           d.dmaFullRateAlignBytes);
  if (!(d.dmaPartialAlignEfficiency > 0 && d.dmaPartialAlignEfficiency <= 1))
    c.fail("dma.partial_align_efficiency", "must be in (0, 1], got {}",
           d.dmaPartialAlignEfficiency);

  // memory system
  c.positive("hbm.size_bytes", d.hbmBytes);
  c.positive("hbm.bandwidth_gb_per_s", d.hbmGBps);
  c.positive("l2.size_bytes", d.l2Bytes);
  c.positive("l2.bandwidth_gb_per_s", d.l2GBps);
  if (d.l2GBps < d.hbmGBps)
    c.fail("l2.bandwidth_gb_per_s",
           "{} is below hbm.bandwidth_gb_per_s ({}); L2 hits cannot be slower than HBM", d.l2GBps,
           d.hbmGBps);
  c.powerOfTwo("l2.line_bytes", d.l2LineBytes);
  if (d.l2Bytes > 0 && d.l2Bytes > d.hbmBytes)
    c.fail("l2.size_bytes", "{} exceeds hbm.size_bytes ({})", d.l2Bytes, d.hbmBytes);

  // sync, launch, interconnect
  c.range("sync.event_ids", d.eventIds, 1, 64);
  c.range("sync.cross_core_flag_ids", d.crossCoreFlagIds, 0, 64);
  c.nonNegative("launch.overhead_us", d.launchOverheadUs);
  c.nonNegative("interconnect.chip_link_gb_per_s", d.chipLinkGBps);

  // host: placement divides by every rate
  c.positive("host.link_gb_per_s", d.hostLinkGBps);
  c.nonNegative("host.transfer_latency_us", d.hostTransferLatencyUs);
  c.positive("host.gflops", d.hostGflops);
  c.positive("host.memory_gb_per_s", d.hostMemoryGBps);
  return std::move(c.messages);
}

} // namespace pagoda::target
