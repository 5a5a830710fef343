//===- Microbench.cpp - One stream per unit, measured on the simulator ----===//
//
// Each benchmark is a small assembly program that issues a long run of
// independent instructions to one unit. They overwrite the same scratchpad
// tile again and again, which is a race by design, so they run with race
// checking off: they measure rates, not results.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Sim/Microbench.h"

#include "pagoda/ISA/Program.h"
#include "pagoda/Sim/Simulator.h"

#include <fmt/format.h>

#include <chrono>

namespace pagoda::sim {
namespace {

using target::Path;
using target::TargetDesc;

struct Bench {
  std::string unit;
  std::string measure;
  std::string asmText;
  uint32_t blockDim = 1;
  uint64_t gmBytes = 0;  ///< GM buffer passed as argument 0 (0: none)
  double work = 0;       ///< bytes or flops the stream performs in total
  double targetRate = 0; ///< per cycle, from the target description
  bool warmL2 = false;   ///< run once before measuring (L2 holds the data)
  bool coldL2 = false;   ///< flush the L2 before measuring
};

const char *cubeCore(const TargetDesc &t) {
  return t.organization == target::CoreOrganization::Coupled ? "coupled" : "aic";
}
const char *vectorCore(const TargetDesc &t) {
  return t.organization == target::CoreOrganization::Coupled ? "coupled" : "aiv";
}

/// A program that only vector core 0 of each AI core runs (the others halt).
std::string vectorPrologue(const TargetDesc &t) {
  std::string s = fmt::format(".kernel bench\n.core {}\n", vectorCore(t));
  if (t.organization == target::CoreOrganization::Split)
    s += "    subid x9\n    bne x9, x0, done\n";
  return s;
}

/// `count` copies of `inst` with x2 advancing by `step` bytes each time.
std::string repeatAdvancing(const std::string &inst, unsigned count, uint64_t step) {
  std::string s;
  for (unsigned i = 0; i < count; ++i) {
    s += "    " + inst + "\n";
    if (step)
      s += fmt::format("    addi x2, x2, {}\n", step);
  }
  return s;
}

std::vector<Bench> benches(const TargetDesc &t) {
  std::vector<Bench> out;
  const bool split = t.organization == target::CoreOrganization::Split;
  const double hz = t.cyclesPerSecond();

  // MTE2 GM -> L1: 64 x 32 KiB from consecutive GM.
  {
    Bench b;
    b.unit = "mte2 gm->l1";
    b.measure = "bytes/cycle per core";
    b.gmBytes = 64 * 32768;
    b.asmText = fmt::format(".kernel bench\n.core {}\n    ldarg x2, 0\n", cubeCore(t)) +
                repeatAdvancing("dma_gm_l1 x0, x2, len=1024", 64, 32768) + "done:\n    halt\n";
    b.work = 64.0 * 32768;
    b.targetRate = t.path(Path::GmToL1)->bytesPerCycle;
    out.push_back(b);
  }
  // MTE2 GM -> UB.
  {
    Bench b;
    b.unit = "mte2 gm->ub";
    b.measure = "bytes/cycle per core";
    b.gmBytes = 64 * 16384;
    b.asmText = vectorPrologue(t) + "    ldarg x2, 0\n" +
                repeatAdvancing("dma_gm_ub x0, x2, len=512", 64, 16384) + "done:\n    halt\n";
    b.work = 64.0 * 16384;
    b.targetRate = t.path(Path::GmToUb)->bytesPerCycle;
    out.push_back(b);
  }
  // MTE1 L1 -> L0A / L0B: 64 loads of a full 64 KiB tile (128 fractals).
  for (Path p : {Path::L1ToL0A, Path::L1ToL0B}) {
    Bench b;
    b.unit = p == Path::L1ToL0A ? "mte1 l1->l0a" : "mte1 l1->l0b";
    b.measure = "bytes/cycle per core";
    uint64_t fractals =
        t.buffer(p == Path::L1ToL0A ? target::MemSpace::L0A : target::MemSpace::L0B).sizeBytes /
        512;
    b.asmText = fmt::format(".kernel bench\n.core {}\n", cubeCore(t)) +
                repeatAdvancing(fmt::format("load2d_l1_{}.f16 x0, x0, rep={}",
                                            p == Path::L1ToL0A ? "l0a" : "l0b", fractals),
                                64, 0) +
                "    halt\n";
    b.work = 64.0 * double(fractals) * 512;
    b.targetRate = t.path(p)->bytesPerCycle;
    out.push_back(b);
  }
  // The cube, per dtype the target supports: 16 accumulating mmads that fill
  // L0A and L0B.
  const std::pair<target::CubeType, const char *> cubeTypes[] = {
      {target::CubeType::F16, "f16"},     {target::CubeType::BF16, "bf16"},
      {target::CubeType::F32, "f32"},     {target::CubeType::S8, "s8"},
      {target::CubeType::F8E4M3, "e4m3"}, {target::CubeType::F8E5M2, "e5m2"},
      {target::CubeType::F4, "f4"}};
  for (auto [ct, name] : cubeTypes) {
    if (!t.cube(ct))
      continue;
    const target::CubeShape &shape = *t.cube(ct);
    const uint64_t bits = target::cubeTypeBits(ct);
    const uint64_t m = 128, n = 128;
    const uint64_t k = t.buffer(target::MemSpace::L0A).sizeBytes * 8 / (m * bits);
    Bench b;
    b.unit = fmt::format("cube {}", name);
    b.measure = "flops/cycle per core";
    b.asmText =
        fmt::format(".kernel bench\n.core {}\n", cubeCore(t)) +
        repeatAdvancing(fmt::format("mmad.{} x0, x0, x0, m={}, k={}, n={}", name, m, k, n), 16, 0) +
        "    halt\n";
    b.work = 16.0 * 2 * double(m * k * n);
    b.targetRate = 2.0 * double(shape.macsPerCycle());
    out.push_back(b);
  }
  // The vector unit: 64 vadd.f32 of 255 repeats.
  {
    Bench b;
    b.unit = "vector";
    b.measure = "bytes/cycle per core";
    b.asmText = vectorPrologue(t) + repeatAdvancing("vadd.f32 x0, x0, x0, rep=255", 64, 0) +
                "done:\n    halt\n";
    b.work = 64.0 * 255 * 256;
    b.targetRate = t.vectorBytesPerCycle;
    out.push_back(b);
  }
  // FixPipe: 32 drains of a 128 x 128 f16 tile (to GM, or to UB on the 910).
  {
    const bool toGm = t.hasPath(Path::L0cToGm);
    Bench b;
    b.unit = toGm ? "fixpipe l0c->gm" : "fixpipe l0c->ub";
    b.measure = "bytes/cycle per core";
    b.gmBytes = toGm ? 32 * 32768 : 0;
    std::string inst = toGm ? "fix_l0c_gm.f16 x2, x0, m=128, n=128, srows=128, dstride=128"
                            : "fix_l0c_ub.f16 x0, x0, m=128, n=128, srows=128, dstride=128";
    b.asmText = fmt::format(".kernel bench\n.core {}\n    ldarg x2, 0\n", cubeCore(t)) +
                repeatAdvancing(inst, 32, toGm ? 32768 : 0) + "    halt\n";
    if (!toGm)
      b.asmText.replace(b.asmText.find("    ldarg x2, 0\n"), 16, "");
    b.work = 32.0 * 32768;
    b.targetRate = t.path(toGm ? Path::L0cToGm : Path::L0cToUb)->bytesPerCycle;
    out.push_back(b);
  }
  // MTE3 UB -> GM.
  {
    Bench b;
    b.unit = "mte3 ub->gm";
    b.measure = "bytes/cycle per core";
    b.gmBytes = 64 * 16384;
    b.asmText = vectorPrologue(t) + "    ldarg x2, 0\n" +
                repeatAdvancing("dma_ub_gm x2, x0, len=512", 64, 16384) + "done:\n    halt\n";
    b.work = 64.0 * 16384;
    b.targetRate = t.path(Path::UbToGm)->bytesPerCycle;
    out.push_back(b);
  }
  // Every AI core streams GM -> L1 from one 4 MiB region held in L2.
  const uint64_t chunk = 256 * 1024; // one DMA: 8192 blocks
  {
    Bench b;
    b.unit = "all cores from l2";
    b.measure = "bytes/cycle per chip";
    b.blockDim = t.aiCores;
    b.gmBytes = 16 * chunk;
    b.warmL2 = true;
    std::string s = fmt::format(".kernel bench\n.core {}\n    ldarg x2, 0\n", cubeCore(t));
    // Core i starts at chunk (i % 8) and reads 8 chunks, wrapping in 4 MiB.
    s += "    coreid x3\n    andi x3, x3, 7\n    muli x3, x3, 262144\n    add x2, x2, x3\n";
    s += repeatAdvancing("dma_gm_l1 x0, x2, len=8192", 8, chunk);
    b.asmText = s + "    halt\n";
    b.work = double(t.aiCores) * 8 * double(chunk);
    b.targetRate = t.l2GBps * 1e9 / hz;
    out.push_back(b);
  }
  // Every AI core streams its own data, twice the L2 in total, from HBM.
  {
    const uint64_t perCore = (2 * t.l2Bytes / t.aiCores + chunk - 1) / chunk * chunk;
    const unsigned count = unsigned(perCore / chunk);
    Bench b;
    b.unit = "all cores from hbm";
    b.measure = "bytes/cycle per chip";
    b.blockDim = t.aiCores;
    b.gmBytes = perCore * t.aiCores;
    b.coldL2 = true;
    std::string s = fmt::format(".kernel bench\n.core {}\n    ldarg x2, 0\n", cubeCore(t));
    s += fmt::format("    coreid x3\n    muli x3, x3, {}\n    add x2, x2, x3\n", perCore);
    s += repeatAdvancing("dma_gm_l1 x0, x2, len=8192", count, chunk);
    b.asmText = s + "    halt\n";
    b.work = double(perCore) * t.aiCores;
    b.targetRate = t.hbmGBps * 1e9 / hz;
    out.push_back(b);
  }
  (void)split;
  return out;
}

} // namespace

Result<std::vector<MicrobenchResult>> runMicrobenchmarks(const TargetDesc &t) {
  std::vector<MicrobenchResult> results;
  for (const Bench &b : benches(t)) {
    Result<std::vector<isa::Program>> progs = isa::assemble(b.asmText, b.unit);
    if (!progs)
      return Error(fmt::format("microbenchmark '{}': {}", b.unit, progs.error().str()));
    GlobalMemory gm(t.hbmBytes);
    KernelLaunch launch;
    launch.name = "bench";
    launch.programs = *progs;
    launch.blockDim = b.blockDim;
    if (b.gmBytes) {
      Result<uint64_t> buf = gm.allocate(b.gmBytes);
      if (!buf)
        return Error(fmt::format("microbenchmark '{}': {}", b.unit, buf.error().str()));
      launch.args.push_back(*buf);
    }
    SimOptions opts;
    opts.checkRaces = false;
    Simulator sim(t, gm, opts);
    if (b.warmL2) {
      Result<KernelStats> warm = sim.run(launch);
      if (!warm)
        return Error(fmt::format("microbenchmark '{}': {}", b.unit, warm.error().str()));
    }
    if (b.coldL2)
      sim.flushL2();
    auto start = std::chrono::steady_clock::now();
    Result<KernelStats> stats = sim.run(launch);
    auto end = std::chrono::steady_clock::now();
    if (!stats)
      return Error(fmt::format("microbenchmark '{}': {}", b.unit, stats.error().str()));
    MicrobenchResult r;
    r.unit = b.unit;
    r.measure = b.measure;
    r.cycles = stats->cycles - stats->launchOverheadCycles;
    r.achieved = b.work / r.cycles;
    r.target = b.targetRate;
    r.ratio = r.achieved / r.target;
    r.hostSeconds = std::chrono::duration<double>(end - start).count();
    results.push_back(r);
  }
  return results;
}

} // namespace pagoda::sim
