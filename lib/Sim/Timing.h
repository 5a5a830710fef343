//===- Timing.h - The timing layer of the simulator -------------*- C++ -*-===//
//
// Replays what the functional layer executed through a deterministic
// discrete-event model: the scalar unit issues into finite pipe queues;
// each pipe dispatches in order (one instruction per cycle), overlaps
// start-up latencies, and runs data phases one at a time; flags, barriers
// and cross-core flags delay dispatch exactly as they order execution. GM
// transfers share the L2 and HBM bandwidth with every transfer active at the
// same time (max-min fair, recomputed whenever one starts or ends), and an
// LRU model of the L2 decides which bytes come from HBM. docs/sim-model.md
// states the model.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_LIB_SIM_TIMING_H
#define PAGODA_LIB_SIM_TIMING_H

#include "Machine.h"

#include <list>
#include <memory>
#include <unordered_map>

namespace pagoda::sim::detail {

/// A line-granular LRU model of the chip's L2, persistent across launches.
class L2Model {
public:
  L2Model(uint64_t capacityBytes, uint64_t lineBytes);
  /// Touches [address, address + bytes): returns the number of lines that
  /// missed. Writes allocate lines (write-allocate).
  uint64_t touch(uint64_t address, uint64_t bytes);
  uint64_t lineBytes() const { return lineBytes_; }
  void flush();

private:
  uint64_t capacityLines_;
  uint64_t lineBytes_;
  std::list<uint64_t> lru_; // most recent first
  std::unordered_map<uint64_t, std::list<uint64_t>::iterator> where_;
};

struct TraceEvent {
  unsigned core;
  unsigned pipe;
  uint32_t pc;
  double start;
  double end;
};

struct TimingResult {
  double cycles = 0;
  std::array<PipeStats, kPipes> pipes{};
  std::array<uint64_t, target::kNumPaths> pathBytes{};
  uint64_t l2HitBytes = 0, l2MissBytes = 0, hbmReadBytes = 0, hbmWriteBytes = 0;
  std::vector<TraceEvent> trace;
};

/// Throws SimFault if the timing model deadlocks (e.g. a full pipe queue the
/// functional layer's unbounded queues did not see).
TimingResult runTiming(const target::TargetDesc &target, L2Model &l2,
                       std::vector<std::unique_ptr<Core>> &cores, const std::string &kernel,
                       bool recordTrace);

} // namespace pagoda::sim::detail

#endif // PAGODA_LIB_SIM_TIMING_H
