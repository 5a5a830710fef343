//===- Engine.cpp - Scheduling of the functional layer --------------------===//

#include "Engine.h"

#include <algorithm>
#include <thread>

namespace pagoda::sim::detail {

using isa::Opcode;
namespace F = isa::fields;

// Functional queues are unbounded in principle; this bound only keeps
// memory small when the scalar unit runs far ahead of a pipe.
constexpr size_t kFunctionalQueueLimit = 4096;

Engine::Engine(const target::TargetDesc &target, GlobalMemory &gm, const SimOptions &options,
               const KernelLaunch &launch, std::vector<CoreStorage> &storage)
    : target_(target), gm_(gm), options_(options), launch_(launch), storage_(storage) {
  buildCores();
}

Engine::~Engine() {
  // Hand the scratchpads back for the next launch.
  for (auto &core : cores_)
    storage_[core->index].mem = std::move(core->mem);
}

void Engine::buildCores() {
  const bool split = target_.organization == target::CoreOrganization::Split;
  vectorPerAi_ = split ? target_.vectorCoresPerAiCore : 0;
  clockWidth_ = kPipes * (1 + vectorPerAi_);
  const isa::Program *cube = nullptr, *vec = nullptr, *coupled = nullptr;
  for (const isa::Program &p : launch_.programs) {
    const isa::Program **slot = p.core == isa::CoreKind::Cube     ? &cube
                                : p.core == isa::CoreKind::Vector ? &vec
                                                                  : &coupled;
    if (*slot)
      throw SimFault{
          fmt::format("kernel '{}' has two {} programs", launch_.name, isa::coreKindName(p.core))};
    *slot = &p;
  }
  if (launch_.blockDim == 0)
    throw SimFault{fmt::format("kernel '{}': block dim must be at least 1", launch_.name)};
  if (launch_.blockDim > target_.aiCores)
    throw SimFault{fmt::format("kernel '{}': block dim {} exceeds the {} AI cores of {}",
                               launch_.name, launch_.blockDim, target_.aiCores, target_.name)};
  if (split && coupled)
    throw SimFault{fmt::format("kernel '{}' has a coupled program but {} has split cores "
                               "(write .core aic / .core aiv programs)",
                               launch_.name, target_.name)};
  if (!split && (cube || vec))
    throw SimFault{fmt::format("kernel '{}' has aic/aiv programs but {} has coupled cores "
                               "(write a .core coupled program)",
                               launch_.name, target_.name)};
  if (!cube && !vec && !coupled)
    throw SimFault{fmt::format("kernel '{}' has no program", launch_.name)};

  auto add = [&](isa::CoreKind kind, unsigned ai, unsigned sub, const isa::Program *prog) {
    auto core = std::make_unique<Core>();
    core->index = unsigned(cores_.size());
    core->kind = kind;
    core->aiCore = ai;
    core->sub = sub;
    core->group = ai;
    core->slot = kind == isa::CoreKind::Vector ? 1 + sub : 0;
    core->name = kind == isa::CoreKind::Cube     ? fmt::format("aic {}", ai)
                 : kind == isa::CoreKind::Vector ? fmt::format("aiv {}.{}", ai, sub)
                                                 : fmt::format("core {}", ai);
    core->program = prog;
    core->flags.assign(kPipes * kPipes * target_.eventIds, 0);
    core->flagClocks.resize(core->flags.size());
    core->xflags.assign(std::max<uint32_t>(target_.crossCoreFlagIds, 1), 0);
    core->xflagClocks.resize(core->xflags.size());
    for (VClock &c : core->pipeClock)
      c.assign(clockWidth_, 0);
    core->scalarEpochs.push_back(VClock(clockWidth_, 0));
    cores_.push_back(std::move(core));
  };
  for (unsigned ai = 0; ai < launch_.blockDim; ++ai) {
    if (coupled)
      add(isa::CoreKind::Coupled, ai, 0, coupled);
    if (split) {
      // Both kinds exist on a split chip even when one has no program: a
      // cube-only kernel still may not use a vector core's UB, and vice versa.
      add(isa::CoreKind::Cube, ai, 0, cube);
      for (unsigned s = 0; s < vectorPerAi_; ++s)
        add(isa::CoreKind::Vector, ai, s, vec);
    }
  }
  // Scratchpads start zeroed for every launch; reused storage is cleared
  // rather than reallocated.
  if (storage_.size() < cores_.size())
    storage_.resize(cores_.size());
  for (auto &core : cores_) {
    CoreStorage &st = storage_[core->index];
    core->mem = std::move(st.mem);
    for (std::vector<uint8_t> &buf : core->mem)
      std::fill(buf.begin(), buf.end(), 0);
    for (RaceShadow &shadow : st.shadows)
      shadow.reset();
  }
  pcOfSeq_.resize(cores_.size());
}

Core &Engine::vectorCoreOf(const Core &cube, unsigned sub) { return *cores_[cube.index + 1 + sub]; }
Core &Engine::cubeCoreOf(const Core &vec) { return *cores_[vec.index - 1 - vec.sub]; }

std::string Engine::describe(const Core &core, Pipe pipe, uint32_t pc) const {
  const isa::Inst &inst = core.program->insts[pc];
  std::string where = fmt::format("kernel '{}', {}, pipe {}, instruction {} ({})", launch_.name,
                                  core.name, target::pipeName(pipe), pc, isa::print(inst));
  if (pc < core.program->lines.size())
    where += fmt::format(" at line {}", core.program->lines[pc]);
  return where;
}

std::string Engine::describeComponent(const Core &core, uint16_t component, uint32_t seq) const {
  unsigned slot = component / kPipes;
  auto pipe = Pipe(component % kPipes);
  const Core &owner = *cores_[core.index - core.slot + slot];
  const std::vector<uint32_t> &pcs = pcOfSeq_[owner.index][unsigned(pipe)];
  if (seq == 0 || seq > pcs.size())
    return fmt::format("{} pipe {}", owner.name, target::pipeName(pipe));
  uint32_t pc = pcs[seq - 1];
  return fmt::format("{} pipe {} instruction {} ({})", owner.name, target::pipeName(pipe), pc,
                     isa::print(owner.program->insts[pc]));
}

uint32_t &Engine::flag(Core &core, unsigned src, unsigned dst, unsigned event) {
  return core.flags[(src * kPipes + dst) * target_.eventIds + event];
}
std::deque<VClock> &Engine::flagClock(Core &core, unsigned src, unsigned dst, unsigned event) {
  return core.flagClocks[(src * kPipes + dst) * target_.eventIds + event];
}

std::vector<Core *> Engine::xsetTargets(const Core &from, unsigned mode) {
  std::vector<Core *> out;
  for (auto &c : cores_) {
    if (!c->program)
      continue;
    bool same = c->kind == from.kind;
    if (mode == 0 && same)
      out.push_back(c.get());
    else if (mode == 1 && same && c->aiCore == from.aiCore)
      out.push_back(c.get());
    else if (mode == 2 && c->aiCore == from.aiCore && c->kind != from.kind)
      out.push_back(c.get());
  }
  return out;
}

uint32_t Engine::xwaitNeeds(const Core &on, unsigned mode) const {
  if (mode == 2)
    return 1;
  uint32_t n = 0;
  for (const auto &c : cores_)
    if (c->program && c->kind == on.kind && (mode == 0 || c->aiCore == on.aiCore))
      ++n;
  return n;
}

bool Engine::xflagTake(Core &core, unsigned id, uint32_t need, VClock *join) {
  std::lock_guard<std::mutex> lock(xflagMutex_);
  if (core.xflags[id] < need)
    return false;
  core.xflags[id] -= need;
  std::deque<VClock> &q = core.xflagClocks[id];
  for (uint32_t n = 0; n < need && !q.empty(); ++n) {
    if (join && options_.checkRaces)
      for (unsigned i = 0; i < clockWidth_; ++i)
        (*join)[i] = std::max((*join)[i], q.front()[i]);
    q.pop_front();
  }
  return true;
}

void Engine::xflagSignal(Core &from, unsigned id, unsigned mode, const VClock &clock) {
  {
    std::lock_guard<std::mutex> lock(xflagMutex_);
    for (Core *target : xsetTargets(from, mode)) {
      ++target->xflags[id];
      // Race clocks travel only within an AI core group (its scratchpads).
      if (options_.checkRaces && target->group == from.group)
        target->xflagClocks[id].push_back(clock);
    }
  }
  {
    std::lock_guard<std::mutex> lock(waitMutex_);
    ++xversion_;
  }
  waitCv_.notify_all();
}

void Engine::newScalarEpoch(Core &core) {
  core.scalarEpochs.push_back(core.pipeClock[unsigned(Pipe::S)]);
}

//===----------------------------------------------------------------------===//
// The scalar unit
//===----------------------------------------------------------------------===//

/// Appends `n` scalar instructions to the timing trace, merging runs.
static void traceScalar(Core &core, uint32_t pc) {
  if (!core.steps_.empty() && core.steps_.back().kind == StepKind::Scalar) {
    ++core.steps_.back().count;
    return;
  }
  Step s;
  s.kind = StepKind::Scalar;
  s.pc = pc;
  s.count = 1;
  core.steps_.push_back(s);
}

bool Engine::runScalar(Core &core) {
  bool progressed = false;
  const std::vector<isa::Inst> &code = core.program->insts;
  Pipe S = Pipe::S;
  VClock &sclock = core.pipeClock[unsigned(S)];
  while (!core.halted) {
    if (core.pc >= code.size())
      throw SimFault{fmt::format("kernel '{}', {}: ran past the end of its {} instructions "
                                 "(missing halt?)",
                                 launch_.name, core.name, code.size())};
    if (++core.steps > options_.maxScalarSteps)
      throw SimFault{fmt::format("{}: exceeded {} scalar instructions (a loop that never ends?)",
                                 describe(core, S, core.pc), options_.maxScalarSteps)};
    const isa::Inst &inst = code[core.pc];
    const Pipe pipe = isa::executionPipe(inst);
    Issued op;
    op.inst = &inst;
    op.pc = core.pc;
    op.scalarEpoch = uint32_t(core.scalarEpochs.size() - 1);
    const isa::FormatInfo &fmt = inst.format();
    for (unsigned i = 0, r = 0; i < fmt.numFields; ++i)
      if (fmt.fields[i].kind == isa::FieldKind::Reg)
        op.regs[r++] = core.x[inst[i]];

    if (pipe != S) {
      if (core.queues[unsigned(pipe)].size() >= kFunctionalQueueLimit) {
        --core.steps;
        return progressed; // let the pipe drain first
      }
      core.queues[unsigned(pipe)].push_back(op);
      Step s;
      s.kind = StepKind::Issue;
      s.pipe = uint8_t(pipe);
      s.pc = core.pc;
      core.steps_.push_back(s);
      ++core.pc;
      progressed = true;
      continue;
    }

    // Instructions that block the scalar unit.
    switch (inst.op) {
    case Opcode::WaitFlag: {
      unsigned src = unsigned(inst[F::Flag::Src]), ev = unsigned(inst[F::Flag::Event]);
      if (ev >= target_.eventIds)
        throw SimFault{fmt::format("{}: event id {} does not exist ({} has {})",
                                   describe(core, S, core.pc), ev, target_.name, target_.eventIds)};
      uint32_t &counter = flag(core, src, unsigned(S), ev);
      if (counter == 0) {
        --core.steps;
        return progressed;
      }
      --counter;
      if (options_.checkRaces) {
        std::deque<VClock> &q = flagClock(core, src, unsigned(S), ev);
        for (unsigned i = 0; i < clockWidth_; ++i)
          sclock[i] = std::max(sclock[i], q.front()[i]);
        q.pop_front();
        newScalarEpoch(core);
      }
      Step s;
      s.kind = StepKind::WaitFlag;
      s.a = uint8_t(src);
      s.b = uint8_t(ev);
      s.pc = core.pc;
      core.steps_.push_back(s);
      ++core.pc;
      progressed = true;
      continue;
    }
    case Opcode::Barrier:
      if (inst[F::PipeOnly::P] == isa::kPipeAll) {
        for (const auto &q : core.queues)
          if (!q.empty()) {
            --core.steps;
            return progressed;
          }
        if (options_.checkRaces) {
          for (unsigned p = 0; p < kPipes; ++p) {
            VClock c = core.pipeClock[p];
            c[component(core, Pipe(p))] = core.executed[p];
            for (unsigned i = 0; i < clockWidth_; ++i)
              sclock[i] = std::max(sclock[i], c[i]);
          }
          newScalarEpoch(core);
        }
        Step s;
        s.kind = StepKind::BarrierAll;
        s.pc = core.pc;
        core.steps_.push_back(s);
        ++core.pc;
        progressed = true;
        continue;
      }
      break; // barrier s: the scalar unit is in order already
    case Opcode::XWait: {
      unsigned id = unsigned(inst[F::XFlag::Id]), mode = unsigned(inst[F::XFlag::Mode]);
      if (id >= target_.crossCoreFlagIds)
        throw SimFault{fmt::format("{}: cross-core flag {} does not exist ({} has {})",
                                   describe(core, S, core.pc), id, target_.name,
                                   target_.crossCoreFlagIds)};
      if (!xflagTake(core, id, xwaitNeeds(core, mode), &sclock)) {
        --core.steps;
        return progressed;
      }
      if (options_.checkRaces)
        newScalarEpoch(core);
      Step s;
      s.kind = StepKind::XWait;
      s.a = uint8_t(id);
      s.b = uint8_t(mode);
      s.pc = core.pc;
      core.steps_.push_back(s);
      ++core.pc;
      progressed = true;
      continue;
    }
    default:
      break;
    }

    // Everything else runs on the scalar unit now.
    uint32_t seq = ++core.executed[unsigned(S)];
    pcOfSeq_[core.index][unsigned(S)].push_back(core.pc);
    sclock[component(core, S)] = seq - 1;
    Executor exec(*this, core, S, op, seq, sclock);
    const uint32_t pcBefore = core.pc;
    size_t stepsBefore = core.steps_.size();
    exec.execute();
    if (core.steps_.size() == stepsBefore)
      traceScalar(core, pcBefore);
    if (!core.jumped && !core.halted)
      ++core.pc; // taken branches set pc themselves
    core.jumped = false;
    progressed = true;
  }
  return progressed;
}

//===----------------------------------------------------------------------===//
// Pipes
//===----------------------------------------------------------------------===//

bool Engine::runPipe(Core &core, Pipe pipe) {
  bool progressed = false;
  std::deque<Issued> &queue = core.queues[unsigned(pipe)];
  VClock &clock = core.pipeClock[unsigned(pipe)];
  const uint16_t self = component(core, pipe);
  // The cube completes in order; the data movers and the vector unit are
  // pipelined: their own earlier instructions are complete only after a
  // barrier or a setf.
  const bool inOrder = pipe == Pipe::M;
  while (!queue.empty()) {
    const Issued &op = queue.front();
    const isa::Inst &inst = *op.inst;
    // Can it start?
    if (inst.op == Opcode::WaitFlag) {
      unsigned src = unsigned(inst[F::Flag::Src]), ev = unsigned(inst[F::Flag::Event]);
      if (ev >= target_.eventIds)
        throw SimFault{fmt::format("{}: event id {} does not exist ({} has {})",
                                   describe(core, pipe, op.pc), ev, target_.name,
                                   target_.eventIds)};
      if (flag(core, src, unsigned(pipe), ev) == 0)
        break;
    } else if (inst.op == Opcode::XWait) {
      unsigned id = unsigned(inst[F::XFlag::Id]);
      if (id >= target_.crossCoreFlagIds)
        throw SimFault{fmt::format("{}: cross-core flag {} does not exist ({} has {})",
                                   describe(core, pipe, op.pc), id, target_.name,
                                   target_.crossCoreFlagIds)};
      if (!xflagTake(core, id, xwaitNeeds(core, unsigned(inst[F::XFlag::Mode])), &clock))
        break;
    }
    if (options_.checkRaces) {
      const VClock &issued = core.scalarEpochs[op.scalarEpoch];
      for (unsigned i = 0; i < clockWidth_; ++i)
        clock[i] = std::max(clock[i], issued[i]);
    }
    uint32_t seq = ++core.executed[unsigned(pipe)];
    pcOfSeq_[core.index][unsigned(pipe)].push_back(op.pc);
    if (inOrder)
      clock[self] = seq - 1;
    Executor exec(*this, core, pipe, op, seq, clock);
    size_t recorded = core.ops[unsigned(pipe)].size();
    exec.execute();
    if (core.ops[unsigned(pipe)].size() != recorded + 1)
      throw SimFault{fmt::format("{}: internal error: instruction recorded {} timing entries",
                                 describe(core, pipe, op.pc),
                                 core.ops[unsigned(pipe)].size() - recorded)};
    queue.pop_front();
    progressed = true;
  }
  return progressed;
}

bool Engine::step(Core &core) {
  if (!core.program)
    return false;
  bool any = runScalar(core);
  for (unsigned p = 0; p < kPipes; ++p)
    any |= runPipe(core, Pipe(p));
  return any;
}

bool Engine::coreFinished(const Core &core) const {
  if (!core.program)
    return true;
  if (!core.halted)
    return false;
  for (const auto &q : core.queues)
    if (!q.empty())
      return false;
  return true;
}

void Engine::run() {
  unsigned threads = std::max(1u, options_.threads);
  threads = std::min<unsigned>(threads, launch_.blockDim);
  if (threads <= 1)
    runSerial();
  else
    runThreaded(threads);
  finish();
}

void Engine::runThreaded(unsigned threads) {
  std::vector<std::vector<Core *>> parts(threads);
  for (auto &core : cores_)
    parts[core->group % threads].push_back(core.get());
  activeThreads_ = threads;
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([this, &parts, t] { worker(parts[t]); });
  for (std::thread &th : pool)
    th.join();
  if (!faults_.empty()) {
    // Other threads stop at their next step; report the first fault.
    throw faults_.front();
  }
}

void Engine::worker(std::vector<Core *> mine) {
  try {
    for (;;) {
      uint64_t seen;
      {
        std::lock_guard<std::mutex> lock(waitMutex_);
        if (abort_)
          return;
        seen = xversion_;
      }
      bool progressed = false, done = true;
      for (Core *core : mine) {
        progressed |= step(*core);
        done &= coreFinished(*core);
      }
      std::unique_lock<std::mutex> lock(waitMutex_);
      if (done) {
        --activeThreads_;
        waitCv_.notify_all();
        return;
      }
      if (progressed || xversion_ != seen)
        continue;
      // Blocked on another group's cross-core flag: wait for an xset, or
      // for every other thread to be blocked too (a deadlock).
      ++idleThreads_;
      waitCv_.notify_all();
      waitCv_.wait(lock,
                   [&] { return abort_ || xversion_ != seen || idleThreads_ == activeThreads_; });
      if (!abort_ && xversion_ == seen && idleThreads_ == activeThreads_) {
        abort_ = true;
        lock.unlock();
        waitCv_.notify_all();
        deadlock(); // every thread is idle: the message reads a quiet machine
      }
      --idleThreads_;
    }
  } catch (const SimFault &fault) {
    std::lock_guard<std::mutex> lock(waitMutex_);
    faults_.push_back(fault);
    abort_ = true;
    --activeThreads_;
    waitCv_.notify_all();
  }
}

void Engine::runSerial() {
  for (;;) {
    bool progressed = false;
    bool done = true;
    for (auto &core : cores_) {
      progressed |= step(*core);
      if (!core->program)
        continue;
      if (!core->halted)
        done = false;
      for (const auto &q : core->queues)
        if (!q.empty())
          done = false;
    }
    if (done)
      break;
    if (!progressed)
      deadlock();
  }
}

[[noreturn]] void Engine::deadlock() {
  std::vector<std::string> blocked;
  for (auto &core : cores_) {
    if (!core->program)
      continue;
    if (!core->halted && core->pc < core->program->insts.size()) {
      const isa::Inst &inst = core->program->insts[core->pc];
      if (isa::executionPipe(inst) == Pipe::S ||
          core->queues[unsigned(isa::executionPipe(inst))].size() < kFunctionalQueueLimit)
        blocked.push_back(fmt::format("{} waits", describe(*core, Pipe::S, core->pc)));
    }
    for (unsigned p = 0; p < kPipes; ++p)
      if (!core->queues[p].empty())
        blocked.push_back(
            fmt::format("{} waits", describe(*core, Pipe(p), core->queues[p].front().pc)));
  }
  std::string msg = fmt::format("kernel '{}': deadlock: no core can make progress", launch_.name);
  for (const std::string &b : blocked)
    msg += "\n  " + b;
  throw SimFault{msg};
}

void Engine::finish() {
  for (auto &core : cores_) {
    if (!core->program)
      continue;
    for (unsigned src = 0; src < kPipes; ++src)
      for (unsigned dst = 0; dst < kPipes; ++dst)
        for (unsigned ev = 0; ev < target_.eventIds; ++ev)
          if (uint32_t n = flag(*core, src, dst, ev))
            throw SimFault{fmt::format(
                "kernel '{}', {}: flag ({}, {}, {}) was set {} more time(s) than waited for "
                "when the kernel ended",
                launch_.name, core->name, target::pipeName(Pipe(src)), target::pipeName(Pipe(dst)),
                ev, n)};
    for (unsigned id = 0; id < core->xflags.size(); ++id)
      if (core->xflags[id])
        throw SimFault{fmt::format("kernel '{}', {}: cross-core flag {} was set {} more time(s) "
                                   "than waited for when the kernel ended",
                                   launch_.name, core->name, id, core->xflags[id])};
  }
}

} // namespace pagoda::sim::detail
