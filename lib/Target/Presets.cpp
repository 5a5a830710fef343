//===- Presets.cpp - The built-in modeled chips ---------------------------===//
//
// Every number traces to ../shared/docs/npu-facts.md ("facts"), to the
// measured curves in sim-design-notes.md / kernel-design-notes.md ("msKPP",
// "kernel notes"), or is marked "assumption" with its reasoning. How 960 and
// 970 were scaled from the 950 design is in docs/targets.md.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Target/Presets.h"

namespace pagoda::target {
namespace {

constexpr uint64_t KiB = 1024;
constexpr uint64_t MiB = 1024 * KiB;
constexpr uint64_t GiB = 1024 * MiB;

void setBuffer(TargetDesc &t, MemSpace space, uint64_t size, uint32_t align) {
  t.buffer(space) = BufferSpec{size, align};
}
void setPath(TargetDesc &t, Path path, double bytesPerCycle, uint32_t latency) {
  t.path(path) = PathSpec{bytesPerCycle, latency};
}

/// Figures shared by every Da Vinci-style core modeled here.
void setCommonCore(TargetDesc &t) {
  // facts, "Vector": one repeat is 8 blocks x 32 B = 256 B, 256 B per cycle,
  // up to 255 repeats per instruction.
  t.vectorBytesPerCycle = 256;
  t.vectorBlockBytes = 32;
  t.vectorBlocksPerRepeat = 8;
  t.vectorMaxRepeat = 255;
  // msKPP: "a vector add takes max(3, repeats) cycles".
  t.vectorMinCycles = 3;
  // assumption: facts call the scalar unit "slow" without a figure; 2 cycles
  // per scalar instruction until issue 3 fits it.
  t.scalarCyclesPerInstruction = 2;
  // sim-design-notes: per-pipe instruction queues are 16-32 deep; upper end.
  t.pipeQueueDepth = 32;
  // assumption, fitted to msKPP's "small mmad ~41% of cube peak": a 32x32x32
  // fp16 mmad (8 fractal steps) at 41% implies ~12 cycles of start-up.
  t.cubeLatencyCycles = 12;
  // kernel notes: 512 B-aligned GM offsets reach full DMA rate, 32 B-aligned
  // ones only about 70%.
  t.dmaFullRateAlignBytes = 512;
  t.dmaMinAlignBytes = 32;
  t.dmaPartialAlignEfficiency = 0.7;
  // assumption: extra latency of an L2 miss to HBM (path latencies below are
  // fitted to L2-hit transfers); to be fitted in the simulator issue.
  t.hbmMissLatencyCycles = 200;
  // assumption: L2 tracked in 512 B lines, the DMA full-rate granule.
  t.l2LineBytes = 512;
  // kernel notes: "an empty kernel on all cores ~20 us" (910B-class); used
  // for every preset until another figure is public.
  t.launchOverheadUs = 20;
  // The host. Assumptions (no public figure in the facts): the NPU sits on a
  // PCIe 4.0 x16 link, ~25 GB/s per direction in practice; a copy that hands
  // data between a device kernel and a host kernel costs a stream
  // synchronization plus a DMA set-up, ~25 us; pagoda's host kernels are
  // plain loops on one thread, ~5 GFLOP/s and ~10 GB/s.
  t.hostLinkGBps = 25;
  t.hostTransferLatencyUs = 25;
  t.hostGflops = 5;
  t.hostMemoryGBps = 10;
}

// facts, "Per-core bandwidth": L2 ~100 B/cycle per core. The whole chip's L2
// hit bandwidth is that times the cores at the clock.
double l2GBps(uint32_t cores, double ghz) { return 100.0 * cores * ghz; }

// msKPP: GM->UB is 7.3 GB/s for 1 KB on 910B (1.8 GHz): 1024 B take 252
// cycles, of which 24 are transfer at 43 B/cycle, so ~228 cycles of start-up.
constexpr uint32_t kGmLatency = 228;
// assumption: on-chip moves start far faster than GM ones.
constexpr uint32_t kMte1Latency = 16;
constexpr uint32_t kFixLatency = 32;

TargetDesc ascend910() {
  TargetDesc t;
  t.name = "ascend-910";
  t.description = "Ascend 910 (2019): 32 coupled Da Vinci cores at 1.0 GHz, 32 GiB HBM2";
  setCommonCore(t);
  t.organization = CoreOrganization::Coupled; // facts: "910: coupled"
  t.aiCores = 32;                             // facts: 32 coupled
  t.vectorCoresPerAiCore = 0;                 // the vector unit is in the core
  // facts: ~1.0 GHz. Derived fp16 peak 262 TFLOPS vs the vendor's 256 (+2%).
  t.clockGHz = 1.0;
  t.cube(CubeType::F16) = CubeShape{16, 16, 16}; // facts: 16x16x16
  t.cube(CubeType::S8) = CubeShape{16, 32, 16};  // facts: 16x32x16, 512 TOPS
  setBuffer(t, MemSpace::L1, 1 * MiB, 32);       // facts: L1 1 MB (910); 32 B
  setBuffer(t, MemSpace::L0A, 64 * KiB, 512);    // facts: 64 KB; 512 B
  setBuffer(t, MemSpace::L0B, 64 * KiB, 512);    // facts: 64 KB; 512 B
  setBuffer(t, MemSpace::L0C, 256 * KiB, 64);    // facts: 256 KB (910); 64 B
  setBuffer(t, MemSpace::UB, 256 * KiB, 32);     // facts: 256 KB (910); 32 B
  setBuffer(t, MemSpace::BT, 0, 64);             // no FixPipe on 910: no BT
  setBuffer(t, MemSpace::FB, 0, 64);             // no FixPipe on 910: no FB
  // Paths (bytes/cycle per core). GM->core ports: assumption, as 910B.
  setPath(t, Path::GmToL1, 128, kGmLatency);
  setPath(t, Path::GmToUb, 43, kGmLatency);
  setPath(t, Path::GmToL0A, 128, kGmLatency); // facts: GM->L0A/L0B before 950
  setPath(t, Path::GmToL0B, 128, kGmLatency);
  setPath(t, Path::L1ToL0A, 256, kMte1Latency); // facts: L1->L0A 256-512
  setPath(t, Path::L1ToL0B, 256, kMte1Latency); // facts: L1->L0B 256
  // 910 drains L0C through UB (no FixPipe to GM); modeled on the FIX pipe.
  setPath(t, Path::L0cToUb, 128, kFixLatency); // facts: L0C->UB 128-256
  setPath(t, Path::UbToGm, 64, kGmLatency);    // facts: UB->GM 64-128
  t.hbmBytes = 32 * GiB;                       // facts: 32 GB HBM2
  t.hbmGBps = 1200;                            // facts: ~1.2 TB/s
  t.l2Bytes = 32 * MiB;                        // facts: 32 MB
  t.l2GBps = l2GBps(t.aiCores, t.clockGHz);
  t.eventIds = 4;         // facts: event ids 0-3 on 910
  t.crossCoreFlagIds = 0; // assumption: no hardware cross-core flags on 910
  // assumption: facts name HCCS without a figure; 3 links x 30 GB/s.
  t.chipLinkGBps = 90;
  return t;
}

TargetDesc ascend910b2() {
  TargetDesc t;
  t.name = "ascend-910b2";
  t.description = "Ascend 910B2: 24 AI cores (24 cube + 48 vector) at 1.8 GHz, 64 GiB HBM";
  setCommonCore(t);
  t.organization = CoreOrganization::Split; // facts: 910B split
  t.aiCores = 24;                           // facts: 24 / 48
  t.vectorCoresPerAiCore = 2;
  t.clockGHz = 1.8;                              // facts: 1.8 GHz; derived fp16 peak 353.9 TFLOPS
  t.cube(CubeType::F16) = CubeShape{16, 16, 16}; // facts: fp16/bf16 16x16x16
  t.cube(CubeType::BF16) = CubeShape{16, 16, 16};
  t.cube(CubeType::F32) = CubeShape{16, 8, 16}; // facts: fp32 ("hf32") 16x8x16
  t.cube(CubeType::S8) = CubeShape{16, 32, 16}; // facts: int8 16x32x16
  setBuffer(t, MemSpace::L1, 512 * KiB, 32);    // facts: 512 KB (910B)
  setBuffer(t, MemSpace::L0A, 64 * KiB, 512);
  setBuffer(t, MemSpace::L0B, 64 * KiB, 512);
  setBuffer(t, MemSpace::L0C, 128 * KiB, 64); // facts: 128 KB (910B)
  setBuffer(t, MemSpace::UB, 192 * KiB, 32);  // facts: 192 KB (910B AIV)
  setBuffer(t, MemSpace::BT, 1 * KiB, 64);    // facts: BT 1 KB; align assumed
  setBuffer(t, MemSpace::FB, 7 * KiB, 64);    // facts: FB 7 KB; align assumed
  // msKPP: GM->L1 230-280 GB/s per core = 128 B/cycle at 1.8 GHz (low end);
  // GM->UB ~78 GB/s per core = 43 B/cycle.
  setPath(t, Path::GmToL1, 128, kGmLatency);
  setPath(t, Path::GmToUb, 43, kGmLatency);
  setPath(t, Path::GmToL0A, 128, kGmLatency); // facts: GM->L0A/L0B before 950
  setPath(t, Path::GmToL0B, 128, kGmLatency);
  setPath(t, Path::L1ToL0A, 256, kMte1Latency); // facts: 256-512 (low end)
  setPath(t, Path::L1ToL0B, 256, kMte1Latency); // facts: 256
  setPath(t, Path::L1ToBt, 64, kMte1Latency);   // assumption
  setPath(t, Path::L1ToFb, 64, kMte1Latency);   // assumption
  // facts: on 910B cube results reach the vector cores only through GM.
  setPath(t, Path::L0cToGm, 128, kFixLatency); // assumption: as L0C->UB low end
  setPath(t, Path::L0cToL1, 128, kFixLatency); // assumption
  setPath(t, Path::UbToGm, 64, kGmLatency);    // facts: UB->GM 64-128 (low end)
  t.hbmBytes = 64 * GiB;                       // facts: 64 GB
  t.hbmGBps = 1600;                            // facts: 1.4-1.6 TB/s (high end)
  t.l2Bytes = 192 * MiB;                       // facts: 192 MB
  t.l2GBps = l2GBps(t.aiCores, t.clockGHz);
  t.eventIds = 8;          // facts: event ids 0-7
  t.crossCoreFlagIds = 11; // facts: cross-core flags 0-10
  // facts: 910C quotes >= 392 GB/s per NPU over the same HCCS generation.
  t.chipLinkGBps = 392;
  return t;
}

/// The 950 die: shared by 950PR, 950DT and (scaled) 960/970.
TargetDesc ascend950Die() {
  TargetDesc t;
  setCommonCore(t);
  t.organization = CoreOrganization::Split; // facts: 950 split
  t.aiCores = 32;                           // facts: 32 / 64
  t.vectorCoresPerAiCore = 2;
  t.hostLinkGBps = 50; // assumption: PCIe 5.0 x16 in practice
  // facts: 1.65 GHz. Derived peaks: fp16 432.5 TFLOPS; fp8 865 TFLOPS, 13%
  // below the announced 1 PFLOPS: the model follows the derived figure.
  t.clockGHz = 1.65;
  t.cube(CubeType::F16) = CubeShape{16, 16, 16}; // facts
  t.cube(CubeType::BF16) = CubeShape{16, 16, 16};
  t.cube(CubeType::F32) = CubeShape{16, 8, 16};
  t.cube(CubeType::S8) = CubeShape{16, 32, 16};
  t.cube(CubeType::F8E4M3) = CubeShape{16, 32, 16}; // facts: fp8/hif8 16x32x16
  t.cube(CubeType::F8E5M2) = CubeShape{16, 32, 16};
  t.cube(CubeType::HiF8) = CubeShape{16, 32, 16};
  t.cube(CubeType::F4) = CubeShape{16, 64, 16}; // facts: fp4 16x64x16
  setBuffer(t, MemSpace::L1, 512 * KiB, 32);    // facts: 512 KB (950)
  setBuffer(t, MemSpace::L0A, 64 * KiB, 512);
  setBuffer(t, MemSpace::L0B, 64 * KiB, 512);
  setBuffer(t, MemSpace::L0C, 256 * KiB, 64); // facts: 256 KB (950)
  setBuffer(t, MemSpace::UB, 248 * KiB, 32);  // facts: 248 KB (950 AIV)
  setBuffer(t, MemSpace::BT, 4 * KiB, 64);    // facts: BT 4 KB; align assumed
  setBuffer(t, MemSpace::FB, 6 * KiB, 64);    // facts: FB 6 KB; align assumed
  // GM ports: assumption, as 910B for L1; GM->UB at the UB->GM figure.
  setPath(t, Path::GmToL1, 128, kGmLatency);
  setPath(t, Path::GmToUb, 64, kGmLatency);
  setPath(t, Path::L1ToL0A, 512, kMte1Latency); // facts: 256-512 (950: high)
  setPath(t, Path::L1ToL0B, 256, kMte1Latency); // facts: 256
  setPath(t, Path::L1ToBt, 64, kMte1Latency);   // assumption
  setPath(t, Path::L1ToFb, 64, kMte1Latency);   // assumption
  setPath(t, Path::L1ToUb, 128, kMte1Latency);  // facts: 950 adds UB<->L1; rate assumed
  setPath(t, Path::L0cToGm, 128, kFixLatency);  // assumption
  setPath(t, Path::L0cToL1, 256, kFixLatency);  // assumption
  setPath(t, Path::L0cToUb, 256, kFixLatency);  // facts: 950 L0C->UB, 128-256
  setPath(t, Path::UbToGm, 128, kGmLatency);    // facts: UB->GM 64-128 (high)
  setPath(t, Path::UbToL1, 128, kFixLatency);   // facts: 950 UB<->L1; rate assumed
  t.l2Bytes = 128 * MiB;                        // facts: 128 MB
  t.l2GBps = l2GBps(t.aiCores, t.clockGHz);
  t.eventIds = 8;
  t.crossCoreFlagIds = 11;
  t.chipLinkGBps = 2000; // facts: 2 TB/s
  return t;
}

TargetDesc ascend950pr() {
  TargetDesc t = ascend950Die();
  t.name = "ascend-950pr";
  t.description = "Ascend 950PR (2026): 32 AI cores (32 cube + 64 vector) at 1.65 GHz, 128 GiB HBM";
  t.hbmBytes = 128 * GiB; // facts: 128 GB "HiBL 1.0"
  t.hbmGBps = 1600;       // facts: 1.6 TB/s (= 31 B/cycle per core, as facts)
  return t;
}

TargetDesc ascend950dt() {
  TargetDesc t = ascend950Die();
  t.name = "ascend-950dt";
  t.description = "Ascend 950DT (Q4 2026): the 950 die with 144 GiB of 4 TB/s HBM";
  t.hbmBytes = 144 * GiB; // facts: 144 GB "HiZQ 2.0"
  t.hbmGBps = 4000;       // facts: 4 TB/s (= 76 B/cycle per core; facts: 80)
  return t;
}

TargetDesc ascend960() {
  // Scaled (docs/targets.md): announced fp8/fp4 peaks double the 950's, so
  // the cube core count doubles at the 950 clock and cores are unchanged.
  TargetDesc t = ascend950Die();
  t.name = "ascend-960";
  t.description = "Ascend 960 (Q4 2027, announced): scaled 950 design, 64 AI cores at 1.65 GHz";
  t.aiCores = 64;         // 2 x 950 (peaks 2x)
  t.hbmBytes = 288 * GiB; // facts: 288 GB
  t.hbmGBps = 9600;       // facts: 9.6 TB/s
  t.l2Bytes = 256 * MiB;  // assumption: 950's 4 MB per AI core
  t.l2GBps = l2GBps(t.aiCores, t.clockGHz);
  t.chipLinkGBps = 2200; // facts: 2.2 TB/s
  return t;
}

TargetDesc ascend970() {
  // Scaled (docs/targets.md): announced peaks double the 960's again.
  TargetDesc t = ascend950Die();
  t.name = "ascend-970";
  t.description = "Ascend 970 (Q4 2028, announced): scaled 950 design, 128 AI cores at 1.65 GHz";
  t.aiCores = 128;        // 4 x 950 (peaks 4x)
  t.hbmBytes = 288 * GiB; // facts: >= 288 GB (lower bound)
  t.hbmGBps = 14400;      // facts: 14.4 TB/s
  t.l2Bytes = 512 * MiB;  // assumption: 950's 4 MB per AI core
  t.l2GBps = l2GBps(t.aiCores, t.clockGHz);
  t.chipLinkGBps = 4000; // facts: 4 TB/s
  return t;
}

struct PresetEntry {
  const char *name;
  TargetDesc (*make)();
};
constexpr PresetEntry kPresets[] = {
    {"ascend-910", ascend910},     {"ascend-910b2", ascend910b2}, {"ascend-950pr", ascend950pr},
    {"ascend-950dt", ascend950dt}, {"ascend-960", ascend960},     {"ascend-970", ascend970},
};

} // namespace

const std::vector<std::string> &presetNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const PresetEntry &e : kPresets)
      out.emplace_back(e.name);
    return out;
  }();
  return names;
}

std::optional<TargetDesc> getPreset(std::string_view name) {
  for (const PresetEntry &e : kPresets)
    if (name == e.name)
      return e.make();
  return std::nullopt;
}

} // namespace pagoda::target
