//===- Engine.h - The functional layer of the simulator ---------*- C++ -*-===//
//
// Executes every core's program: the scalar unit issues into per-pipe
// queues; each pipe executes its queue in order, blocking only on flags,
// barriers and cross-core flags; cores are stepped in turn until all halt.
// Any valid order of a race-free program gives the same results, and the
// race checker rejects programs that are not race-free. Each executed
// instruction is also recorded for the timing layer.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_LIB_SIM_ENGINE_H
#define PAGODA_LIB_SIM_ENGINE_H

#include "Machine.h"
#include "RaceChecker.h"

#include <fmt/format.h>

#include <condition_variable>
#include <memory>
#include <mutex>

namespace pagoda::sim::detail {

/// Scratchpads and race shadows of every core, kept by the Simulator from
/// one launch to the next so that their host memory is touched only once.
struct CoreStorage {
  std::array<std::vector<uint8_t>, target::kNumMemSpaces> mem;
  std::array<RaceShadow, target::kNumMemSpaces> shadows;
};

class Engine {
public:
  Engine(const target::TargetDesc &target, GlobalMemory &gm, const SimOptions &options,
         const KernelLaunch &launch, std::vector<CoreStorage> &storage);
  ~Engine();

  /// Runs every core to completion; throws SimFault on an error.
  void run();

  std::vector<std::unique_ptr<Core>> &cores() { return cores_; }
  const target::TargetDesc &target() const { return target_; }

private:
  friend class Executor;
  const target::TargetDesc &target_;
  GlobalMemory &gm_;
  const SimOptions &options_;
  const KernelLaunch &launch_;
  std::vector<std::unique_ptr<Core>> cores_;
  std::vector<CoreStorage> &storage_; ///< [core index]
  /// Per core and pipe, the pc of each executed instruction by sequence
  /// number (for race reports).
  std::vector<std::array<std::vector<uint32_t>, kPipes>> pcOfSeq_;
  unsigned vectorPerAi_ = 0;
  unsigned clockWidth_ = 0;

  // Host threads. Each AI core group runs on one thread; groups interact
  // only through GM and cross-core flags, whose counters this mutex guards.
  std::mutex xflagMutex_;
  std::mutex waitMutex_;
  std::condition_variable waitCv_;
  uint64_t xversion_ = 0; ///< bumped by every xset (under waitMutex_)
  unsigned idleThreads_ = 0;
  unsigned activeThreads_ = 0;
  bool abort_ = false;
  std::vector<SimFault> faults_;

  void buildCores();
  void runSerial();
  void runThreaded(unsigned threads);
  void worker(std::vector<Core *> cores);
  bool coreFinished(const Core &core) const;
  /// Advances one core as far as it can; returns whether anything happened.
  bool step(Core &core);
  bool runScalar(Core &core);
  bool runPipe(Core &core, Pipe pipe);
  void finish();
  [[noreturn]] void deadlock();

  // Synchronization helpers.
  uint32_t &flag(Core &core, unsigned src, unsigned dst, unsigned event);
  std::deque<VClock> &flagClock(Core &core, unsigned src, unsigned dst, unsigned event);
  /// Cores that an xset of `mode` from `from` signals, and how many sets an
  /// xwait of `mode` on `on` needs.
  std::vector<Core *> xsetTargets(const Core &from, unsigned mode);
  uint32_t xwaitNeeds(const Core &on, unsigned mode) const;

public:
  /// Takes `need` from a cross-core counter if it holds that many.
  bool xflagTake(Core &core, unsigned id, uint32_t need, VClock *join);
  /// Adds one to cross-core counter `id` of every core an xset reaches.
  void xflagSignal(Core &from, unsigned id, unsigned mode, const VClock &clock);

private:
  // Race-clock helpers.
  uint16_t component(const Core &core, Pipe pipe) const {
    return uint16_t(core.slot * kPipes + unsigned(pipe));
  }
  void newScalarEpoch(Core &core);

public:
  /// The core that owns the scratchpad a cross-core path writes.
  Core &vectorCoreOf(const Core &cube, unsigned sub);
  Core &cubeCoreOf(const Core &vec);
  RaceShadow &shadow(const Core &owner, MemSpace space) {
    return storage_[owner.index].shadows[unsigned(space)];
  }
  std::string describe(const Core &core, Pipe pipe, uint32_t pc) const;
  std::string describeComponent(const Core &core, uint16_t component, uint32_t seq) const;
  const std::vector<uint32_t> &pcs(const Core &core, Pipe pipe) const {
    return pcOfSeq_[core.index][unsigned(pipe)];
  }
  unsigned clockWidth() const { return clockWidth_; }
  const SimOptions &options() const { return options_; }
  GlobalMemory &gm() { return gm_; }
  const KernelLaunch &launch() const { return launch_; }
};

/// Executes one instruction of one core (Semantics.cpp).
class Executor {
public:
  Executor(Engine &engine, Core &core, Pipe pipe, const Issued &op, uint32_t seq, VClock &clock);
  void execute();

  [[noreturn]] void fault(const std::string &what) const;

  /// A checked pointer into a scratchpad of `owner` (this core unless a
  /// cross-core path), recording the access for the race checker.
  uint8_t *local(MemSpace space, uint64_t address, uint64_t size, bool write, Core *owner = nullptr,
                 uint64_t align = 0);
  /// Records an access without alignment checks beyond the element (used for
  /// strided vector lanes and gathers).
  uint8_t *gm(uint64_t address, uint64_t size, bool write);
  void requireAligned(MemSpace space, uint64_t address, uint64_t align, const char *what) const;

  uint64_t reg(unsigned regIndex) const { return op_.regs[regIndex]; }
  int64_t field(unsigned f) const { return (*op_.inst)[f]; }
  Core &core() { return core_; }
  Engine &engine() { return engine_; }
  void recordOp(const TimedOp &t);

private:
  Engine &engine_;
  Core &core_;
  Pipe pipe_;
  const Issued &op_;
  uint32_t seq_;
  VClock &clock_;

#define PAGODA_INST(Enum, Mnemonic, Pipe, Unit, Format, DTypes, Doc) void exec##Enum();
#include "pagoda/ISA/ISA.def"

  // Shared implementations.
  void dma(target::Path path);
  void dmaPad(bool toUb);
  void load2d(MemSpace dst);
  void vbinary(isa::Opcode op);
  void vunary(isa::Opcode op);
  void vscalar(isa::Opcode op);
  void vreduce(isa::Opcode op);
  void fix(target::Path path);
};

} // namespace pagoda::sim::detail

#endif // PAGODA_LIB_SIM_ENGINE_H
