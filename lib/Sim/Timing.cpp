//===- Timing.cpp - The timing layer of the simulator ---------------------===//

#include "Timing.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

namespace pagoda::sim::detail {

//===----------------------------------------------------------------------===//
// L2
//===----------------------------------------------------------------------===//

L2Model::L2Model(uint64_t capacityBytes, uint64_t lineBytes)
    : capacityLines_(std::max<uint64_t>(1, capacityBytes / lineBytes)), lineBytes_(lineBytes) {
  flush();
}

void L2Model::flush() {
  tag_.clear();
  prev_.clear();
  next_.clear();
  head_ = tail_ = kNone;
  table_.assign(1024, kNone);
  mask_ = table_.size() - 1;
}

uint32_t L2Model::find(uint64_t tag) const {
  for (uint64_t s = slotOf(tag);; s = (s + 1) & mask_) {
    uint32_t n = table_[s];
    if (n == kNone)
      return kNone;
    if (tag_[n] == tag)
      return n;
  }
}

void L2Model::insertSlot(uint32_t node) {
  uint64_t s = slotOf(tag_[node]);
  while (table_[s] != kNone)
    s = (s + 1) & mask_;
  table_[s] = node;
}

void L2Model::eraseSlot(uint64_t tag) {
  uint64_t s = slotOf(tag);
  while (tag_[table_[s]] != tag)
    s = (s + 1) & mask_;
  // Backward-shift deletion keeps every probe chain unbroken.
  uint64_t hole = s;
  for (uint64_t j = (hole + 1) & mask_; table_[j] != kNone; j = (j + 1) & mask_) {
    uint64_t home = slotOf(tag_[table_[j]]);
    bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
    if (movable) {
      table_[hole] = table_[j];
      hole = j;
    }
  }
  table_[hole] = kNone;
}

void L2Model::grow() {
  std::vector<uint32_t> old;
  old.swap(table_);
  table_.assign(old.size() * 2, kNone);
  mask_ = table_.size() - 1;
  for (uint32_t n : old)
    if (n != kNone)
      insertSlot(n);
}

void L2Model::unlink(uint32_t n) {
  if (prev_[n] != kNone)
    next_[prev_[n]] = next_[n];
  else
    head_ = next_[n];
  if (next_[n] != kNone)
    prev_[next_[n]] = prev_[n];
  else
    tail_ = prev_[n];
}

void L2Model::pushFront(uint32_t n) {
  prev_[n] = kNone;
  next_[n] = head_;
  if (head_ != kNone)
    prev_[head_] = n;
  head_ = n;
  if (tail_ == kNone)
    tail_ = n;
}

uint64_t L2Model::touch(uint64_t address, uint64_t bytes) {
  if (!bytes)
    return 0;
  uint64_t misses = 0;
  for (uint64_t line = address / lineBytes_, last = (address + bytes - 1) / lineBytes_;
       line <= last; ++line) {
    uint32_t n = find(line);
    if (n != kNone) {
      if (n != head_) {
        unlink(n);
        pushFront(n);
      }
      continue;
    }
    ++misses;
    if (tag_.size() < capacityLines_) {
      n = uint32_t(tag_.size());
      tag_.push_back(line);
      prev_.push_back(kNone);
      next_.push_back(kNone);
      if (tag_.size() * 2 > table_.size())
        grow();
    } else { // evict the least recently used line and reuse its node
      n = tail_;
      eraseSlot(tag_[n]);
      unlink(n);
      tag_[n] = line;
    }
    insertSlot(n);
    pushFront(n);
  }
  return misses;
}

namespace {

//===----------------------------------------------------------------------===//
// State of the replay
//===----------------------------------------------------------------------===//

enum class Ev : uint8_t { Scalar, PipeTry, LatencyDone, DataDone, FluidDone };

struct Event {
  double time;
  uint64_t seq;
  Ev kind;
  uint8_t pipe;
  uint32_t core;
  uint32_t op;
  uint64_t version;
};
struct Later {
  bool operator()(const Event &a, const Event &b) const {
    return a.time > b.time || (a.time == b.time && a.seq > b.seq);
  }
};

struct OpState {
  double issue = -1;
  double dispatch = 0;
  double dataStart = 0;
  bool latencyDone = false;
};

struct PipeState {
  const std::vector<TimedOp> *ops = nullptr;
  std::vector<OpState> st;
  size_t issued = 0;
  size_t next = 0;
  double lastDispatch = -1e300;
  uint32_t inFlight = 0;
  std::deque<size_t> data;
  bool dataBusy = false;
  double blockedSince = -1;
};

enum class Block : uint8_t { None, Queue, Flag, BarrierAll, XFlag };

struct CoreT {
  Core *core = nullptr;
  std::array<PipeState, kPipes> pipes;
  size_t step = 0;
  double t = 0;
  bool scalarDone = false;
  Block block = Block::None;
  unsigned blockPipe = 0;
  double finish = 0;
  std::vector<uint32_t> flags;
  std::vector<uint32_t> xflags;
};

struct Transfer {
  uint32_t core;
  uint8_t pipe;
  uint32_t op;
  double remaining;
  double cap;
  double l2Coef;
  double hbmCoef;
  double rate = 0;
};

class Replay {
public:
  Replay(const target::TargetDesc &t, L2Model &l2, std::vector<std::unique_ptr<Core>> &cores,
         const std::string &kernel, bool recordTrace)
      : t_(t), l2_(l2), kernel_(kernel), recordTrace_(recordTrace) {
    cpi_ = t.scalarCyclesPerInstruction;
    depth_ = t.pipeQueueDepth;
    const double hz = t.cyclesPerSecond();
    l2Cap_ = t.l2GBps * 1e9 / hz;
    hbmCap_ = t.hbmGBps * 1e9 / hz;
    gmScalarLatency_ = t.path(target::Path::GmToUb)->latencyCycles;
    for (auto &c : cores) {
      if (!c->program)
        continue;
      CoreT ct;
      ct.core = c.get();
      ct.flags.assign(kPipes * kPipes * t.eventIds, 0);
      ct.xflags.assign(c->xflags.size(), 0);
      for (unsigned p = 0; p < kPipes; ++p) {
        ct.pipes[p].ops = &c->ops[p];
        ct.pipes[p].st.resize(c->ops[p].size());
      }
      coreIndex_[c->index] = unsigned(cores_.size());
      cores_.push_back(std::move(ct));
    }
  }

  TimingResult run() {
    for (unsigned i = 0; i < cores_.size(); ++i)
      push(0, Ev::Scalar, i);
    while (!events_.empty()) {
      Event e = events_.top();
      events_.pop();
      now_ = e.time;
      switch (e.kind) {
      case Ev::Scalar:
        scalar(e.core, e.time);
        break;
      case Ev::PipeTry:
        pipeTry(e.core, e.pipe, e.time);
        break;
      case Ev::LatencyDone:
        cores_[e.core].pipes[e.pipe].st[e.op].latencyDone = true;
        tryStartData(e.core, e.pipe, e.time);
        break;
      case Ev::DataDone:
        complete(e.core, e.pipe, e.time);
        break;
      case Ev::FluidDone:
        fluidDone(e);
        break;
      }
    }
    for (unsigned i = 0; i < cores_.size(); ++i)
      if (!coreDone(cores_[i]))
        deadlock();
    for (const CoreT &c : cores_)
      result_.cycles = std::max(result_.cycles, c.finish);
    return std::move(result_);
  }

private:
  const target::TargetDesc &t_;
  L2Model &l2_;
  const std::string &kernel_;
  bool recordTrace_;
  double cpi_ = 1;
  uint32_t depth_ = 1;
  double l2Cap_ = 0, hbmCap_ = 0, gmScalarLatency_ = 0;
  std::vector<CoreT> cores_;
  std::unordered_map<unsigned, unsigned> coreIndex_;
  std::priority_queue<Event, std::vector<Event>, Later> events_;
  uint64_t seq_ = 0;
  double now_ = 0;
  TimingResult result_;
  // Fluid transfers.
  std::vector<Transfer> transfers_;
  std::vector<size_t> active_;
  std::vector<size_t> freeSlots_;
  double fluidTime_ = 0;
  uint64_t fluidVersion_ = 0;
  size_t fluidNext_ = 0;

  void push(double time, Ev kind, uint32_t core, uint8_t pipe = 0, uint32_t op = 0,
            uint64_t version = 0) {
    events_.push(Event{time, seq_++, kind, pipe, core, op, version});
  }
  double peek() const {
    return events_.empty() ? std::numeric_limits<double>::infinity() : events_.top().time;
  }

  uint32_t &flag(CoreT &c, unsigned src, unsigned dst, unsigned ev) {
    return c.flags[(src * kPipes + dst) * t_.eventIds + ev];
  }

  bool coreDone(const CoreT &c) const {
    if (!c.scalarDone)
      return false;
    for (const PipeState &p : c.pipes)
      if (p.next < p.ops->size() || p.inFlight)
        return false;
    return true;
  }
  void noteFinish(CoreT &c, double t) { c.finish = std::max(c.finish, t); }

  /// Wakes whatever on core `ci` may wait for a flag, a drain or a slot.
  void wakeScalar(unsigned ci, double t, Block reason) {
    CoreT &c = cores_[ci];
    if (c.block == reason)
      push(t, Ev::Scalar, ci);
  }

  //===--------------------------------------------------------------------===//
  // The scalar unit
  //===--------------------------------------------------------------------===//

  void scalar(unsigned ci, double now) {
    CoreT &c = cores_[ci];
    if (c.scalarDone)
      return;
    c.t = std::max(c.t, now);
    c.block = Block::None;
    const std::vector<Step> &steps = c.core->steps_;
    while (c.step < steps.size()) {
      const Step &s = steps[c.step];
      switch (s.kind) {
      case StepKind::Scalar:
        c.t += double(s.count) * cpi_;
        break;
      case StepKind::ScalarGm:
        c.t += cpi_ + gmScalarLatency_;
        break;
      case StepKind::Issue: {
        PipeState &p = c.pipes[s.pipe];
        if (p.issued - p.next >= depth_) {
          c.block = Block::Queue;
          c.blockPipe = s.pipe;
          return;
        }
        c.t += cpi_;
        p.st[p.issued++].issue = c.t;
        push(c.t, Ev::PipeTry, ci, s.pipe);
        break;
      }
      case StepKind::WaitFlag: {
        uint32_t &cnt = flag(c, s.a, unsigned(Pipe::S), s.b);
        if (!cnt) {
          c.block = Block::Flag;
          return;
        }
        --cnt;
        c.t += cpi_;
        break;
      }
      case StepKind::SetFlag: {
        c.t += cpi_;
        ++flag(c, unsigned(Pipe::S), s.a, s.b);
        push(c.t, Ev::PipeTry, ci, s.a);
        break;
      }
      case StepKind::BarrierAll: {
        for (const PipeState &p : c.pipes)
          if (p.next < p.issued || p.inFlight) {
            c.block = Block::BarrierAll;
            return;
          }
        c.t += cpi_;
        break;
      }
      case StepKind::XWait: {
        uint32_t need = xwaitNeeds(c, s.b);
        if (c.xflags[s.a] < need) {
          c.block = Block::XFlag;
          return;
        }
        c.xflags[s.a] -= need;
        c.t += cpi_;
        break;
      }
      case StepKind::XSet:
        c.t += cpi_;
        xset(ci, s.a, s.b, c.t);
        break;
      }
      ++c.step;
      if (c.t > peek()) {
        push(c.t, Ev::Scalar, ci);
        return;
      }
    }
    c.scalarDone = true;
    noteFinish(c, c.t);
  }

  uint32_t xwaitNeeds(const CoreT &c, unsigned mode) const {
    if (mode == 2)
      return 1;
    uint32_t n = 0;
    for (const CoreT &o : cores_)
      if (o.core->kind == c.core->kind && (mode == 0 || o.core->aiCore == c.core->aiCore))
        ++n;
    return n;
  }

  void xset(unsigned ci, unsigned id, unsigned mode, double t) {
    const Core &from = *cores_[ci].core;
    for (unsigned oi = 0; oi < cores_.size(); ++oi) {
      CoreT &o = cores_[oi];
      bool same = o.core->kind == from.kind;
      bool hit = (mode == 0 && same) || (mode == 1 && same && o.core->aiCore == from.aiCore) ||
                 (mode == 2 && !same && o.core->aiCore == from.aiCore);
      if (!hit)
        continue;
      ++o.xflags[id];
      wakeScalar(oi, t, Block::XFlag);
      for (unsigned p = 0; p < kPipes; ++p)
        push(t, Ev::PipeTry, oi, uint8_t(p));
    }
  }

  //===--------------------------------------------------------------------===//
  // Pipes
  //===--------------------------------------------------------------------===//

  void pipeTry(unsigned ci, unsigned pi, double now) {
    CoreT &c = cores_[ci];
    PipeState &p = c.pipes[pi];
    double t = now;
    while (p.next < p.ops->size()) {
      const size_t j = p.next;
      if (j >= p.issued)
        return; // the scalar unit has not issued it yet
      const double ready = std::max({t, p.st[j].issue, p.lastDispatch + 1});
      if (ready > t) {
        push(ready, Ev::PipeTry, ci, uint8_t(pi));
        return;
      }
      const TimedOp &op = (*p.ops)[j];
      switch (op.kind) {
      case OpKind::WaitFlag: {
        uint32_t &cnt = flag(c, op.a, pi, op.b);
        if (!cnt) {
          if (p.blockedSince < 0)
            p.blockedSince = t;
          return;
        }
        --cnt;
        break;
      }
      case OpKind::XWait: {
        uint32_t need = xwaitNeeds(c, op.b);
        if (c.xflags[op.a] < need) {
          if (p.blockedSince < 0)
            p.blockedSince = t;
          return;
        }
        c.xflags[op.a] -= need;
        break;
      }
      case OpKind::SetFlag:
      case OpKind::Barrier:
      case OpKind::XSet:
        if (p.inFlight)
          return; // woken when the pipe drains
        if (op.kind == OpKind::SetFlag) {
          ++flag(c, pi, op.a, op.b);
          if (op.a == unsigned(Pipe::S))
            wakeScalar(ci, t + 1, Block::Flag);
          else
            push(t + 1, Ev::PipeTry, ci, op.a);
        } else if (op.kind == OpKind::XSet) {
          xset(ci, op.a, op.b, t + 1);
        }
        break;
      case OpKind::Fixed:
      case OpKind::Gm:
        ++p.inFlight;
        p.data.push_back(j);
        push(t + op.latency, Ev::LatencyDone, ci, uint8_t(pi), uint32_t(j));
        break;
      }
      if (p.blockedSince >= 0) {
        result_.pipes[pi].waitCycles += t - p.blockedSince;
        p.blockedSince = -1;
      }
      p.st[j].dispatch = t;
      p.lastDispatch = t;
      ++p.next;
      ++result_.pipes[pi].instructions;
      noteFinish(c, t + 1);
      if (c.block == Block::Queue && c.blockPipe == pi)
        push(t, Ev::Scalar, ci);
      t += 1;
      if (t > peek()) {
        push(t, Ev::PipeTry, ci, uint8_t(pi));
        return;
      }
    }
  }

  void tryStartData(unsigned ci, unsigned pi, double t) {
    PipeState &p = cores_[ci].pipes[pi];
    if (p.dataBusy || p.data.empty() || !p.st[p.data.front()].latencyDone)
      return;
    const size_t j = p.data.front();
    const TimedOp &op = (*p.ops)[j];
    p.dataBusy = true;
    p.st[j].dataStart = t;
    if (op.kind == OpKind::Fixed) {
      push(t + op.occupancy, Ev::DataDone, ci, uint8_t(pi), uint32_t(j));
      return;
    }
    startTransfer(ci, pi, j, op, t);
  }

  void complete(unsigned ci, unsigned pi, double t) {
    CoreT &c = cores_[ci];
    PipeState &p = c.pipes[pi];
    const size_t j = p.data.front();
    const TimedOp &op = (*p.ops)[j];
    p.data.pop_front();
    p.dataBusy = false;
    --p.inFlight;
    result_.pipes[pi].busyCycles += t - p.st[j].dataStart;
    if (op.path != 0xFF)
      result_.pathBytes[op.path] += op.bytes;
    if (recordTrace_)
      result_.trace.push_back(TraceEvent{c.core->index, pi, op.pc, p.st[j].dispatch, t});
    noteFinish(c, t);
    tryStartData(ci, pi, t);
    if (!p.inFlight) {
      push(t, Ev::PipeTry, ci, uint8_t(pi));
      wakeScalar(ci, t, Block::BarrierAll);
    }
  }

  //===--------------------------------------------------------------------===//
  // Shared bandwidth: a fluid, max-min fair model
  //===--------------------------------------------------------------------===//

  void startTransfer(unsigned ci, unsigned pi, size_t j, const TimedOp &op, double t) {
    advanceFluid(t);
    const GmAccess &g = op.gm;
    uint64_t total = g.bytes * g.count, portBytes = 0, missLines = 0;
    for (uint32_t i = 0; i < g.count; ++i) {
      uint64_t a = g.address + uint64_t(i) * g.stride;
      portBytes += (g.bytes + 31) / 32 * 32;
      missLines += l2_.touch(a, g.bytes);
    }
    double hbm;
    if (g.write) {
      hbm = double(portBytes); // written through to HBM
      result_.hbmWriteBytes += portBytes;
    } else {
      uint64_t missBytes = missLines * l2_.lineBytes();
      hbm = double(missBytes);
      result_.hbmReadBytes += missBytes;
      result_.l2MissBytes += std::min(missBytes, total);
      result_.l2HitBytes += total - std::min(missBytes, total);
    }
    Transfer tr{ci,
                uint8_t(pi),
                uint32_t(j),
                double(total),
                op.portRate,
                double(portBytes) / double(total),
                hbm / double(total)};
    size_t slot;
    if (!freeSlots_.empty()) {
      slot = freeSlots_.back();
      freeSlots_.pop_back();
      transfers_[slot] = tr;
    } else {
      slot = transfers_.size();
      transfers_.push_back(tr);
    }
    active_.push_back(slot);
    recomputeRates(t);
  }

  void advanceFluid(double t) {
    double dt = t - fluidTime_;
    if (dt > 0)
      for (size_t s : active_)
        transfers_[s].remaining -= transfers_[s].rate * dt;
    fluidTime_ = std::max(fluidTime_, t);
  }

  /// Progressive filling: raise every unfrozen rate together until a
  /// transfer reaches its port rate or the L2 or HBM is saturated.
  void recomputeRates(double t) {
    std::vector<size_t> unfrozen = active_;
    for (size_t s : active_)
      transfers_[s].rate = 0;
    double l2Used = 0, hbmUsed = 0;
    while (!unfrozen.empty()) {
      double l2Demand = 0, hbmDemand = 0, capStep = std::numeric_limits<double>::infinity();
      for (size_t s : unfrozen) {
        const Transfer &tr = transfers_[s];
        l2Demand += tr.l2Coef;
        hbmDemand += tr.hbmCoef;
        capStep = std::min(capStep, tr.cap - tr.rate);
      }
      double l2Step =
          l2Demand > 0 ? (l2Cap_ - l2Used) / l2Demand : std::numeric_limits<double>::infinity();
      double hbmStep =
          hbmDemand > 0 ? (hbmCap_ - hbmUsed) / hbmDemand : std::numeric_limits<double>::infinity();
      double step = std::max(0.0, std::min({capStep, l2Step, hbmStep}));
      const double eps = 1e-12 * std::max(1.0, step);
      bool l2Full = l2Step <= step + eps, hbmFull = hbmStep <= step + eps;
      std::vector<size_t> keep;
      for (size_t s : unfrozen) {
        Transfer &tr = transfers_[s];
        tr.rate += step;
        l2Used += step * tr.l2Coef;
        hbmUsed += step * tr.hbmCoef;
        bool frozen = tr.rate >= tr.cap - 1e-12 * tr.cap || (l2Full && tr.l2Coef > 0) ||
                      (hbmFull && tr.hbmCoef > 0);
        if (!frozen)
          keep.push_back(s);
      }
      if (keep.size() == unfrozen.size())
        break; // nothing saturated: cannot happen with finite caps
      unfrozen.swap(keep);
    }
    scheduleNextFluidEvent(t);
  }

  /// One pending event for the whole fluid model: the earliest completion
  /// under the current rates (a rate change supersedes it).
  void scheduleNextFluidEvent(double t) {
    ++fluidVersion_;
    double next = std::numeric_limits<double>::infinity();
    for (size_t s : active_) {
      const Transfer &tr = transfers_[s];
      double done = t + std::max(0.0, tr.remaining) / std::max(tr.rate, 1e-9);
      if (done < next) {
        next = done;
        fluidNext_ = s;
      }
    }
    if (!active_.empty())
      push(next, Ev::FluidDone, 0, 0, 0, fluidVersion_);
  }

  void fluidDone(const Event &e) {
    if (e.version != fluidVersion_)
      return; // superseded by a rate change
    advanceFluid(e.time);
    // The transfer this event was scheduled for is done; so is any other
    // with (to rounding) no bytes left.
    transfers_[fluidNext_].remaining = 0;
    std::vector<size_t> finished;
    for (size_t s : active_) {
      const Transfer &tr = transfers_[s];
      if (tr.remaining <= 1e-6 * std::max(1.0, tr.rate))
        finished.push_back(s);
    }
    // Completing may start new transfers in the freed slots: read the
    // owners first.
    std::vector<std::pair<uint32_t, uint8_t>> owners;
    for (size_t s : finished) {
      owners.emplace_back(transfers_[s].core, transfers_[s].pipe);
      active_.erase(std::find(active_.begin(), active_.end(), s));
      freeSlots_.push_back(s);
    }
    for (auto [core, pipe] : owners)
      complete(core, pipe, e.time);
    recomputeRates(e.time);
  }

  [[noreturn]] void deadlock() {
    std::string msg =
        fmt::format("kernel '{}': the timing model deadlocked (the functional run did not): "
                    "with {}-deep pipe queues",
                    kernel_, depth_);
    for (const CoreT &c : cores_) {
      if (coreDone(c))
        continue;
      if (c.block == Block::Queue)
        msg += fmt::format("\n  {}: the scalar unit waits for room in the {} queue", c.core->name,
                           target::pipeName(Pipe(c.blockPipe)));
      for (unsigned p = 0; p < kPipes; ++p) {
        const PipeState &ps = c.pipes[p];
        if (ps.next < ps.issued)
          msg += fmt::format("\n  {} pipe {} waits at instruction {} ({})", c.core->name,
                             target::pipeName(Pipe(p)), (*ps.ops)[ps.next].pc,
                             isa::print(c.core->program->insts[(*ps.ops)[ps.next].pc]));
      }
    }
    throw SimFault{msg};
  }
};

} // namespace

TimingResult runTiming(const target::TargetDesc &target, L2Model &l2,
                       std::vector<std::unique_ptr<Core>> &cores, const std::string &kernel,
                       bool recordTrace) {
  return Replay(target, l2, cores, kernel, recordTrace).run();
}

} // namespace pagoda::sim::detail
