//===- Machine.h - Internal state of the simulated cores --------*- C++ -*-===//
//
// Shared by the functional layer (Functional.cpp, Semantics.cpp), the race
// checker and the timing layer (Timing.cpp). Not installed.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_LIB_SIM_MACHINE_H
#define PAGODA_LIB_SIM_MACHINE_H

#include "pagoda/ISA/ISA.h"
#include "pagoda/ISA/Program.h"
#include "pagoda/Sim/GlobalMemory.h"
#include "pagoda/Sim/Simulator.h"
#include "pagoda/Target/TargetDesc.h"

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace pagoda::sim::detail {

using target::MemSpace;
using target::Pipe;
inline constexpr unsigned kPipes = target::kNumPipes;

/// Thrown inside the simulator, caught by Simulator::run: one error message.
struct SimFault {
  std::string message;
};

/// A vector clock over the pipes of one AI core group (the cube core and its
/// vector cores, or one coupled core): slot * kPipes + pipe.
using VClock = std::vector<uint32_t>;

/// An instruction as issued by the scalar unit: its register operands are
/// read at issue.
struct Issued {
  const isa::Inst *inst = nullptr;
  uint32_t pc = 0;
  uint32_t scalarEpoch = 0; ///< the scalar's race-clock snapshot at issue
  std::array<uint64_t, 4> regs{};
};

//===----------------------------------------------------------------------===//
// What the timing layer replays
//===----------------------------------------------------------------------===//

/// A GM transfer: `count` bursts of `bytes`, `stride` apart, from `address`.
struct GmAccess {
  uint64_t address = 0;
  uint64_t bytes = 0;
  uint64_t stride = 0;
  uint32_t count = 0;
  bool write = false;
};

enum class OpKind : uint8_t {
  Fixed,    ///< occupancy and latency known
  Gm,       ///< a GM transfer shared through L2/HBM
  SetFlag,  ///< (pipe -> a, event b)
  WaitFlag, ///< (a -> pipe, event b)
  Barrier,
  XSet, ///< cross-core flag a, mode b
  XWait,
};

/// One instruction executed on a pipe, as the timing layer needs it.
struct TimedOp {
  OpKind kind = OpKind::Fixed;
  uint8_t a = 0;
  uint8_t b = 0;
  uint8_t path = 0xFF; ///< target::Path for byte statistics, 0xFF none
  uint32_t pc = 0;
  uint32_t issueIndex = 0; ///< position in the core's scalar trace
  double occupancy = 0;    ///< cycles (Fixed)
  double latency = 0;      ///< cycles before the data phase
  double portRate = 0;     ///< bytes/cycle cap (Gm)
  uint64_t bytes = 0;      ///< bytes moved (statistics)
  GmAccess gm;
};

enum class StepKind : uint8_t {
  Scalar,   ///< `count` scalar instructions
  ScalarGm, ///< a scalar load/store to GM (gm)
  Issue,    ///< issue the next op of pipe `pipe`
  WaitFlag, ///< scalar waits for (a -> S, event b)
  SetFlag,  ///< scalar sets (S -> a, event b)
  BarrierAll,
  XWait, ///< scalar waits for cross-core flag a, mode b
  XSet,
};

struct Step {
  StepKind kind = StepKind::Scalar;
  uint8_t pipe = 0;
  uint8_t a = 0;
  uint8_t b = 0;
  uint32_t pc = 0;
  uint64_t count = 0;
  GmAccess gm;
};

//===----------------------------------------------------------------------===//
// A core
//===----------------------------------------------------------------------===//

struct Core {
  // Identity.
  unsigned index = 0; ///< position in the launch's core list
  isa::CoreKind kind = isa::CoreKind::Coupled;
  unsigned aiCore = 0; ///< block id
  unsigned sub = 0;    ///< vector core within the AI core (0 for cube/coupled)
  unsigned group = 0;  ///< race-clock group (= aiCore)
  unsigned slot = 0;   ///< slot within the group: 0 cube/coupled, 1 + sub vector
  std::string name;    ///< "aic 3", "aiv 3.1", "core 3"
  const isa::Program *program = nullptr;

  // Scalar unit.
  std::array<uint64_t, isa::kNumRegs> x{};
  uint32_t pc = 0;
  bool halted = false;
  bool jumped = false; ///< set by a taken branch
  uint64_t steps = 0;

  // Pipes.
  std::array<std::deque<Issued>, kPipes> queues;
  std::array<uint32_t, kPipes> executed{};

  // Synchronization: counters (src * kPipes + dst) * eventIds + event.
  std::vector<uint32_t> flags;
  std::vector<uint32_t> xflags;

  // Configuration registers.
  uint64_t mask[2] = {~uint64_t(0), ~uint64_t(0)};
  uint64_t fm[2] = {0, 0};
  uint64_t padValue = 0;
  uint32_t deqScale = 0x3F800000; // 1.0f

  // Scratchpads, sized on first use.
  std::array<std::vector<uint8_t>, target::kNumMemSpaces> mem;

  // Race-check state.
  std::vector<VClock> scalarEpochs;           ///< snapshots issued ops refer to
  std::array<VClock, kPipes> pipeClock;       ///< knowledge of each pipe
  std::vector<std::deque<VClock>> flagClocks; ///< parallel to `flags`
  std::vector<std::deque<VClock>> xflagClocks;

  // Timing trace.
  std::vector<Step> steps_;
  std::array<std::vector<TimedOp>, kPipes> ops;
};

} // namespace pagoda::sim::detail

#endif // PAGODA_LIB_SIM_MACHINE_H
