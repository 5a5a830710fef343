//===- Simulator.cpp - Runs a launch through both layers ------------------===//

#include "pagoda/Sim/Simulator.h"

#include "Engine.h"
#include "Timing.h"

#include <fmt/format.h>

namespace pagoda::sim {

using namespace detail;

struct Simulator::Impl {
  target::TargetDesc target;
  GlobalMemory &memory;
  SimOptions options;
  L2Model l2;
  std::string trace;
  std::vector<CoreStorage> storage;

  Impl(const target::TargetDesc &t, GlobalMemory &m, SimOptions o)
      : target(t), memory(m), options(o), l2(t.l2Bytes, t.l2LineBytes) {}
};

Simulator::Simulator(const target::TargetDesc &target, GlobalMemory &memory, SimOptions options)
    : impl_(new Impl(target, memory, options)) {}
Simulator::~Simulator() { delete impl_; }

const target::TargetDesc &Simulator::target() const { return impl_->target; }
void Simulator::flushL2() { impl_->l2.flush(); }
std::string Simulator::traceJSON() const { return impl_->trace; }

namespace {

std::string buildTrace(const target::TargetDesc &t, const KernelLaunch &launch,
                       const std::vector<std::unique_ptr<Core>> &cores,
                       const std::vector<TraceEvent> &events) {
  // Chrome trace-event format: one process per core, one thread per pipe,
  // timestamps in microseconds of simulated time.
  const double usPerCycle = 1e6 / t.cyclesPerSecond();
  std::string out = "{\"traceEvents\":[\n";
  bool first = true;
  auto add = [&](const std::string &e) {
    out += (first ? "" : ",\n") + e;
    first = false;
  };
  for (const auto &c : cores) {
    if (!c->program)
      continue;
    add(fmt::format(R"({{"ph":"M","name":"process_name","pid":{},"args":{{"name":"{}"}}}})",
                    c->index, c->name));
    for (unsigned p = 0; p < kPipes; ++p)
      add(fmt::format(
          R"({{"ph":"M","name":"thread_name","pid":{},"tid":{},"args":{{"name":"{}"}}}})", c->index,
          p, target::pipeName(target::Pipe(p))));
  }
  for (const TraceEvent &e : events) {
    const Core &c = *cores[e.core];
    std::string name = isa::print(c.program->insts[e.pc]);
    for (char &ch : name)
      if (ch == '"' || ch == '\\')
        ch = '\'';
    add(fmt::format(
        R"({{"ph":"X","name":"{}","pid":{},"tid":{},"ts":{:.4f},"dur":{:.4f},"args":{{"pc":{}}}}})",
        name, e.core, e.pipe, e.start * usPerCycle, (e.end - e.start) * usPerCycle, e.pc));
  }
  out += fmt::format("\n],\"otherData\":{{\"kernel\":\"{}\",\"target\":\"{}\"}}}}\n", launch.name,
                     t.name);
  return out;
}

} // namespace

Result<KernelStats> Simulator::run(const KernelLaunch &launch) {
  const target::TargetDesc &t = impl_->target;
  KernelStats stats;
  stats.kernel = launch.name;
  stats.blockDim = launch.blockDim;
  try {
    Engine engine(t, impl_->memory, impl_->options, launch, impl_->storage);
    engine.run();
    for (const auto &c : engine.cores()) {
      if (!c->program)
        continue;
      ++stats.coresRun;
      stats.scalarInstructions += c->steps;
      for (const TimedOp &op : c->ops[unsigned(target::Pipe::M)])
        if (op.kind == OpKind::Fixed)
          stats.cubeFlops[op.a] += double(op.bytes);
    }
    if (!impl_->options.functionalOnly) {
      TimingResult timing =
          runTiming(t, impl_->l2, engine.cores(), launch.name, impl_->options.recordTrace);
      stats.launchOverheadCycles = t.launchOverheadUs * 1e-6 * t.cyclesPerSecond();
      stats.cycles = timing.cycles + stats.launchOverheadCycles;
      stats.seconds = stats.cycles / t.cyclesPerSecond();
      stats.pipes = timing.pipes;
      stats.pathBytes = timing.pathBytes;
      stats.l2HitBytes = timing.l2HitBytes;
      stats.l2MissBytes = timing.l2MissBytes;
      stats.hbmReadBytes = timing.hbmReadBytes;
      stats.hbmWriteBytes = timing.hbmWriteBytes;
      if (impl_->options.recordTrace)
        impl_->trace = buildTrace(t, launch, engine.cores(), timing.trace);
    }
  } catch (const SimFault &fault) {
    return Error(fault.message);
  }
  // Roofline on this chip: cube flops at each dtype's peak, HBM bytes at the
  // HBM bandwidth.
  for (unsigned d = 0; d < isa::kNumDTypes; ++d) {
    if (!stats.cubeFlops[d])
      continue;
    std::optional<target::CubeType> ct;
    switch (isa::DType(d)) {
    case isa::DType::F16:
      ct = target::CubeType::F16;
      break;
    case isa::DType::BF16:
      ct = target::CubeType::BF16;
      break;
    case isa::DType::F32:
      ct = target::CubeType::F32;
      break;
    case isa::DType::S8:
      ct = target::CubeType::S8;
      break;
    case isa::DType::E4M3:
      ct = target::CubeType::F8E4M3;
      break;
    case isa::DType::E5M2:
      ct = target::CubeType::F8E5M2;
      break;
    case isa::DType::F4:
      ct = target::CubeType::F4;
      break;
    default:
      break;
    }
    if (ct && t.peakFlops(*ct) > 0)
      stats.rooflineComputeCycles += stats.cubeFlops[d] / (t.peakFlops(*ct) / t.cyclesPerSecond());
  }
  stats.rooflineMemoryCycles =
      double(stats.hbmReadBytes + stats.hbmWriteBytes) / t.hbmBytesPerCycle();
  return stats;
}

} // namespace pagoda::sim
