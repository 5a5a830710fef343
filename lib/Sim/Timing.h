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

#include <memory>
#include <unordered_map>

namespace pagoda::sim::detail {

/// A line-granular LRU model of the chip's L2, persistent across launches.
/// Lines live in an array-linked LRU list indexed by an open-addressing hash
/// table, so a lookup allocates nothing.
class L2Model {
public:
  L2Model(uint64_t capacityBytes, uint64_t lineBytes);
  /// Touches [address, address + bytes): returns the number of lines that
  /// missed. Writes allocate lines (write-allocate).
  uint64_t touch(uint64_t address, uint64_t bytes);
  uint64_t lineBytes() const { return lineBytes_; }
  void flush();

private:
  static constexpr uint32_t kNone = 0xFFFFFFFF;
  uint64_t capacityLines_;
  uint64_t lineBytes_;
  // LRU list over node indices (head = most recent).
  std::vector<uint64_t> tag_;
  std::vector<uint32_t> prev_, next_;
  uint32_t head_ = kNone, tail_ = kNone;
  // Hash table: slot -> node index (kNone: empty).
  std::vector<uint32_t> table_;
  uint64_t mask_ = 0;

  uint64_t slotOf(uint64_t tag) const { return (tag * 0x9E3779B97F4A7C15ull >> 20) & mask_; }
  uint32_t find(uint64_t tag) const;
  void insertSlot(uint32_t node);
  void eraseSlot(uint64_t tag);
  void grow();
  void unlink(uint32_t node);
  void pushFront(uint32_t node);
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
