//===- Semantics.cpp - What each instruction does (docs/isa.md) -----------===//
//
// One handler per opcode; the dispatch switch is generated from ISA.def, so
// an instruction without a handler does not compile. Every memory access goes
// through local() or gm(), which check bounds and alignment and feed the race
// checker; every handler records one timing entry.
//
//===----------------------------------------------------------------------===//

#include "Engine.h"
#include "MmadKernel.h"

#include "pagoda/Sim/Numerics.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace pagoda::sim::detail {

using isa::DType;
using isa::Opcode;
namespace F = isa::fields;
using num::RoundMode;

namespace {

unsigned elemBits(DType t) { return isa::dtypeBits(t); }
unsigned elemBytes(DType t) { return isa::dtypeBits(t) / 8; }

const num::MiniFloat *miniFloatOf(DType t) {
  switch (t) {
  case DType::F16:
    return &num::kF16;
  case DType::BF16:
    return &num::kBF16;
  case DType::F32:
    return &num::kF32;
  case DType::E4M3:
    return &num::kE4M3;
  case DType::E5M2:
    return &num::kE5M2;
  case DType::F4:
    return &num::kF4E2M1;
  default:
    return nullptr;
  }
}

/// Reads one element as a double (exact for every type here but s64 beyond
/// 2^53, which no instruction converts).
double loadAsDouble(DType t, const uint8_t *p) {
  switch (t) {
  case DType::U8:
    return p[0];
  case DType::S8:
    return int8_t(p[0]);
  case DType::U16: {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
  }
  case DType::S16: {
    int16_t v;
    std::memcpy(&v, p, 2);
    return v;
  }
  case DType::U32: {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case DType::S32: {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case DType::F16: {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return num::f16ToF32(v);
  }
  case DType::BF16: {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return num::bf16ToF32(v);
  }
  case DType::F32: {
    float v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case DType::E4M3:
  case DType::E5M2:
    return num::decode(*miniFloatOf(t), p[0]);
  default:
    return 0;
  }
}

/// The canonical quiet NaN of a float type (arithmetic never propagates NaN
/// payloads, so results do not depend on the host).
uint32_t canonicalNaN(DType t) {
  switch (t) {
  case DType::F16:
    return 0x7E00;
  case DType::BF16:
    return 0x7FC0;
  default:
    return 0x7FC00000;
  }
}

/// Stores a double into a float element, rounding once with `mode`.
void storeFloat(DType t, uint8_t *p, double v, RoundMode mode = RoundMode::NearestEven) {
  if (std::isnan(v)) {
    uint32_t bits = canonicalNaN(t);
    if (t == DType::E4M3 || t == DType::E5M2)
      bits = num::encode(*miniFloatOf(t), v);
    std::memcpy(p, &bits, elemBytes(t));
    return;
  }
  if (t == DType::F32 && mode == RoundMode::NearestEven) {
    float f = float(v);
    std::memcpy(p, &f, 4);
    return;
  }
  uint32_t bits = num::encode(*miniFloatOf(t), v, mode);
  std::memcpy(p, &bits, elemBytes(t));
}

/// Stores an integer with saturation to the type's range.
void storeIntSaturate(DType t, uint8_t *p, double v, RoundMode mode) {
  int64_t lo, hi;
  switch (t) {
  case DType::U8:
    lo = 0, hi = 255;
    break;
  case DType::S8:
    lo = -128, hi = 127;
    break;
  case DType::U16:
    lo = 0, hi = 65535;
    break;
  case DType::S16:
    lo = -32768, hi = 32767;
    break;
  case DType::U32:
    lo = 0, hi = 4294967295LL;
    break;
  default:
    lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
    break;
  }
  int64_t r = num::roundToInt(v, mode, lo, hi);
  std::memcpy(p, &r, elemBytes(t)); // little-endian low bytes
}

int64_t loadInt(DType t, const uint8_t *p) { return int64_t(loadAsDouble(t, p)); }

void storeIntWrap(DType t, uint8_t *p, int64_t v) { std::memcpy(p, &v, elemBytes(t)); }

uint64_t loadBits(const uint8_t *p, unsigned bytes) {
  uint64_t v = 0;
  std::memcpy(&v, p, bytes);
  return v;
}

/// Rounds the exact value hi + lo (|lo| < half an ulp of hi in f64) to f16.
uint16_t roundF16Exact(double hi, double lo) {
  uint16_t r = uint16_t(num::encode(num::kF16, hi));
  if (lo == 0 || std::isnan(hi) || std::isinf(hi))
    return r;
  // Only a hi exactly halfway between two f16 values can round differently.
  uint16_t down = uint16_t(num::encode(num::kF16, hi, RoundMode::TowardZero));
  double d0 = num::decode(num::kF16, down);
  double d1 = num::decode(num::kF16, uint16_t(down + 1));
  if (hi != (d0 + d1) / 2)
    return r;
  bool awayFromZero = (hi > 0) == (lo > 0);
  return awayFromZero ? uint16_t(down + 1) : down;
}

/// a * b + c rounded once to `t` (f16 or f32).
double fusedMulAdd(DType t, double a, double b, double c, uint8_t *out) {
  if (t == DType::F32) {
    float r = std::fmaf(float(a), float(b), float(c));
    storeFloat(t, out, r);
    return r;
  }
  // f16: the product is exact in f64; TwoSum gives the exact sum as hi + lo.
  double p = a * b;
  double s = p + c;
  double bb = s - p;
  double err = (p - (s - bb)) + (c - bb);
  if (std::isnan(s)) {
    storeFloat(t, out, s);
    return s;
  }
  uint16_t h = roundF16Exact(s, err);
  std::memcpy(out, &h, 2);
  return num::f16ToF32(h);
}

double transcendental(Opcode op, double x) {
  switch (op) {
  case Opcode::VExp:
    return std::exp(x);
  case Opcode::VLn:
    return std::log(x);
  case Opcode::VSqrt:
    return std::sqrt(x);
  case Opcode::VRsqrt:
    return 1.0 / std::sqrt(x);
  case Opcode::VRec:
    return 1.0 / x;
  case Opcode::VTanh:
    return std::tanh(x);
  case Opcode::VSigmoid:
    return 1.0 / (1.0 + std::exp(-x));
  default:
    return x;
  }
}

bool compare(isa::Cond c, double a, double b) {
  switch (c) {
  case isa::Cond::Eq:
    return a == b;
  case isa::Cond::Ne:
    return a != b;
  case isa::Cond::Lt:
    return a < b;
  case isa::Cond::Le:
    return a <= b;
  case isa::Cond::Gt:
    return a > b;
  case isa::Cond::Ge:
    return a >= b;
  }
  return false;
}

RoundMode roundModeOf(int64_t r) {
  switch (isa::Round(r)) {
  case isa::Round::Rne:
    return RoundMode::NearestEven;
  case isa::Round::Rz:
    return RoundMode::TowardZero;
  case isa::Round::Rd:
    return RoundMode::Down;
  case isa::Round::Ru:
    return RoundMode::Up;
  case isa::Round::Ra:
    return RoundMode::NearestAway;
  }
  return RoundMode::NearestEven;
}

} // namespace

//===----------------------------------------------------------------------===//
// Executor basics
//===----------------------------------------------------------------------===//

Executor::Executor(Engine &engine, Core &core, Pipe pipe, const Issued &op, uint32_t seq,
                   VClock &clock)
    : engine_(engine), core_(core), pipe_(pipe), op_(op), seq_(seq), clock_(clock) {}

void Executor::fault(const std::string &what) const {
  throw SimFault{fmt::format("{}: {}", engine_.describe(core_, pipe_, op_.pc), what)};
}

void Executor::requireAligned(MemSpace space, uint64_t address, uint64_t align,
                              const char *what) const {
  if (align > 1 && address % align != 0)
    fault(fmt::format("{} address {:#x} in {} is not {}-byte aligned", what, address,
                      target::memSpaceName(space), align));
}

uint8_t *Executor::local(MemSpace space, uint64_t address, uint64_t size, bool write, Core *owner,
                         uint64_t align) {
  Core &o = owner ? *owner : core_;
  const target::TargetDesc &t = engine_.target();
  const target::BufferSpec &spec = t.buffer(space);
  const char *name = target::memSpaceName(space);
  if (spec.sizeBytes == 0)
    fault(fmt::format("{} has no {} buffer", t.name, name));
  if (address > spec.sizeBytes || size > spec.sizeBytes - address)
    fault(fmt::format("{} access [{:#x}, {:#x}) is out of bounds ({} holds {} bytes)", name,
                      address, address + size, name, spec.sizeBytes));
  if (align)
    requireAligned(space, address, align, "operand");
  std::vector<uint8_t> &buf = o.mem[unsigned(space)];
  if (buf.empty())
    buf.assign(spec.sizeBytes, 0);
  if (engine_.options().checkRaces && size) {
    RaceShadow &shadow = engine_.shadow(o, space);
    if (shadow.empty())
      shadow.resize(spec.sizeBytes, spec.alignBytes);
    Accessor who{uint16_t(core_.slot * kPipes + unsigned(pipe_)), seq_, &clock_};
    if (std::optional<RaceHit> hit = shadow.access(address, size, write, who, o.slot)) {
      std::string other = engine_.describeComponent(o, hit->component, hit->seq);
      fault(fmt::format("data race on {} bytes [{:#x}, {:#x}){}: this instruction {} bytes that "
                        "{} {} earlier, and no flag or barrier orders the two",
                        name, hit->blockAddress, hit->blockAddress + shadow.granule(),
                        &o == &core_ ? "" : " of " + o.name, write ? "writes" : "reads", other,
                        hit->earlierWrite ? "wrote" : "read"));
    }
  }
  return buf.data() + address;
}

uint8_t *Executor::gm(uint64_t address, uint64_t size, bool write) {
  uint8_t *p = engine_.gm().translate(address, size);
  if (!p && size) {
    auto [start, bytes] = engine_.gm().allocationAt(address);
    if (bytes && address < start + bytes)
      fault(fmt::format("GM {} [{:#x}, {:#x}) runs past the end of the {}-byte allocation at "
                        "{:#x}",
                        write ? "write" : "read", address, address + size, bytes, start));
    fault(fmt::format("GM {} [{:#x}, {:#x}) is outside every allocation", write ? "write" : "read",
                      address, address + size));
  }
  return p;
}

void Executor::recordOp(const TimedOp &t) {
  TimedOp op = t;
  op.pc = op_.pc;
  core_.ops[unsigned(pipe_)].push_back(op);
}

void Executor::execute() {
  const isa::InstInfo &info = op_.inst->info();
  if (!isa::unitAllowed(info.unit, core_.kind))
    fault(fmt::format("'{}' runs on the {} unit, which a {} core does not have", info.mnemonic,
                      info.unit == isa::Unit::Cube ? "cube" : "vector",
                      isa::coreKindName(core_.kind)));
  switch (op_.inst->op) {
#define PAGODA_INST(Enum, Mnemonic, Pipe, Unit, Format, DTypes, Doc)                               \
  case Opcode::Enum:                                                                               \
    exec##Enum();                                                                                  \
    break;
#include "pagoda/ISA/ISA.def"
  default:
    fault("invalid opcode");
  }
}

namespace {
TimedOp fixedOp(double occupancy, double latency = 0) {
  TimedOp t;
  t.kind = OpKind::Fixed;
  t.occupancy = occupancy;
  t.latency = latency;
  return t;
}
} // namespace

//===----------------------------------------------------------------------===//
// Scalar unit
//===----------------------------------------------------------------------===//

#define SET_D(fieldD, value)                                                                       \
  do {                                                                                             \
    if (field(fieldD) != 0)                                                                        \
      core_.x[field(fieldD)] = uint64_t(value);                                                    \
  } while (0)

void Executor::execNop() {}
void Executor::execHalt() { core_.halted = true; }
void Executor::execTrap() {
  const uint64_t code = field(F::Trap::Code);
  const char *why = code == isa::kTrapIndexOutOfRange ? " (an index out of range)" : "";
  fault(fmt::format("trap {}{}: value {}", code, why, int64_t(reg(0))));
}
void Executor::execMovi() { SET_D(F::RI64::D, field(F::RI64::Imm)); }

// RRR: regs[1] = a, regs[2] = b.
#define RRR_OP(Name, expr)                                                                         \
  void Executor::exec##Name() {                                                                    \
    const uint64_t a = reg(1), b = reg(2);                                                         \
    const int64_t sa = int64_t(a), sb = int64_t(b);                                                \
    (void)sa;                                                                                      \
    (void)sb;                                                                                      \
    SET_D(F::RRR::D, (expr));                                                                      \
  }
RRR_OP(Add, a + b)
RRR_OP(Sub, a - b)
RRR_OP(Mul, a *b)
RRR_OP(And, a &b)
RRR_OP(Or, a | b)
RRR_OP(Xor, a ^ b)
RRR_OP(Shl, a << (b & 63))
RRR_OP(Shr, a >> (b & 63))
RRR_OP(Sra, uint64_t(sa >> (b & 63)))
RRR_OP(Min, uint64_t(sa < sb ? sa : sb))
RRR_OP(Max, uint64_t(sa > sb ? sa : sb))
RRR_OP(Slt, sa < sb ? 1 : 0)
RRR_OP(Sltu, a < b ? 1 : 0)
RRR_OP(Seq, a == b ? 1 : 0)
#undef RRR_OP

void Executor::execDiv() {
  int64_t a = int64_t(reg(1)), b = int64_t(reg(2));
  if (b == 0)
    fault("division by zero");
  SET_D(F::RRR::D, (a == std::numeric_limits<int64_t>::min() && b == -1) ? a : a / b);
}
void Executor::execDivu() {
  if (reg(2) == 0)
    fault("division by zero");
  SET_D(F::RRR::D, reg(1) / reg(2));
}
void Executor::execRem() {
  int64_t a = int64_t(reg(1)), b = int64_t(reg(2));
  if (b == 0)
    fault("division by zero");
  SET_D(F::RRR::D, (b == -1) ? 0 : a % b);
}
void Executor::execRemu() {
  if (reg(2) == 0)
    fault("division by zero");
  SET_D(F::RRR::D, reg(1) % reg(2));
}

#define RRI_OP(Name, expr)                                                                         \
  void Executor::exec##Name() {                                                                    \
    const uint64_t a = reg(1);                                                                     \
    const int64_t sa = int64_t(a), imm = field(F::RRI::Imm);                                       \
    (void)sa;                                                                                      \
    SET_D(F::RRI::D, (expr));                                                                      \
  }
RRI_OP(Addi, a + uint64_t(imm))
RRI_OP(Muli, a *uint64_t(imm))
RRI_OP(Andi, a &uint64_t(imm))
RRI_OP(Ori, a | uint64_t(imm))
RRI_OP(Shli, a << (imm & 63))
RRI_OP(Shri, a >> (imm & 63))
RRI_OP(Srai, uint64_t(sa >> (imm & 63)))
RRI_OP(Slti, sa < imm ? 1 : 0)
#undef RRI_OP

#define BRANCH_OP(Name, cond)                                                                      \
  void Executor::exec##Name() {                                                                    \
    const uint64_t a = reg(0), b = reg(1);                                                         \
    const int64_t sa = int64_t(a), sb = int64_t(b);                                                \
    (void)sa;                                                                                      \
    (void)sb;                                                                                      \
    if (cond) {                                                                                    \
      int64_t target = int64_t(op_.pc) + field(F::Branch::Off);                                    \
      if (target < 0 || uint64_t(target) >= core_.program->insts.size())                           \
        fault(fmt::format("branch target {} is outside the program", target));                     \
      core_.pc = uint32_t(target);                                                                 \
      core_.jumped = true;                                                                         \
    }                                                                                              \
  }
BRANCH_OP(Beq, a == b)
BRANCH_OP(Bne, a != b)
BRANCH_OP(Blt, sa < sb)
BRANCH_OP(Bge, sa >= sb)
BRANCH_OP(Bltu, a < b)
BRANCH_OP(Bgeu, a >= b)
#undef BRANCH_OP

void Executor::execJmp() {
  int64_t target = int64_t(op_.pc) + field(F::Jump::Off);
  if (target < 0 || uint64_t(target) >= core_.program->insts.size())
    fault(fmt::format("jump target {} is outside the program", target));
  core_.pc = uint32_t(target);
  core_.jumped = true;
}

void Executor::execLdarg() {
  uint64_t idx = uint64_t(field(F::RIdx::Idx));
  const std::vector<uint64_t> &args = engine_.launch().args;
  if (idx >= args.size())
    fault(fmt::format("reads argument {} but the launch passes {}", idx, args.size()));
  SET_D(F::RIdx::D, args[idx]);
}
void Executor::execCoreid() { SET_D(F::R::D, core_.aiCore); }
void Executor::execCorenum() { SET_D(F::R::D, engine_.launch().blockDim); }
void Executor::execSubid() { SET_D(F::R::D, core_.sub); }

namespace {
uint64_t extendLoaded(DType t, uint64_t raw) {
  switch (t) {
  case DType::S8:
    return uint64_t(int64_t(int8_t(raw)));
  case DType::S16:
    return uint64_t(int64_t(int16_t(raw)));
  case DType::S32:
    return uint64_t(int64_t(int32_t(raw)));
  default:
    return raw;
  }
}
} // namespace

void Executor::execLdg() {
  DType t = DType(field(F::Mem::DT));
  unsigned n = elemBytes(t);
  uint64_t addr = reg(1) + uint64_t(field(F::Mem::Off));
  if (addr % n)
    fault(fmt::format("GM address {:#x} is not {}-byte aligned", addr, n));
  SET_D(F::Mem::R, extendLoaded(t, loadBits(gm(addr, n, false), n)));
  Step s;
  s.kind = StepKind::ScalarGm;
  s.pc = op_.pc;
  s.gm = GmAccess{addr, n, n, 1, false};
  core_.steps_.push_back(s);
}
void Executor::execStg() {
  DType t = DType(field(F::Mem::DT));
  unsigned n = elemBytes(t);
  uint64_t addr = reg(1) + uint64_t(field(F::Mem::Off));
  if (addr % n)
    fault(fmt::format("GM address {:#x} is not {}-byte aligned", addr, n));
  uint64_t v = reg(0);
  std::memcpy(gm(addr, n, true), &v, n);
  Step s;
  s.kind = StepKind::ScalarGm;
  s.pc = op_.pc;
  s.gm = GmAccess{addr, n, n, 1, true};
  core_.steps_.push_back(s);
}
void Executor::execLdu() {
  DType t = DType(field(F::Mem::DT));
  unsigned n = elemBytes(t);
  uint64_t addr = reg(1) + uint64_t(field(F::Mem::Off));
  SET_D(F::Mem::R, extendLoaded(t, loadBits(local(MemSpace::UB, addr, n, false, nullptr, n), n)));
}
void Executor::execStu() {
  DType t = DType(field(F::Mem::DT));
  unsigned n = elemBytes(t);
  uint64_t addr = reg(1) + uint64_t(field(F::Mem::Off));
  uint64_t v = reg(0);
  std::memcpy(local(MemSpace::UB, addr, n, true, nullptr, n), &v, n);
}
#undef SET_D

//===----------------------------------------------------------------------===//
// Synchronization (the engine has checked that waits can proceed)
//===----------------------------------------------------------------------===//

void Executor::execSetFlag() {
  const target::TargetDesc &t = engine_.target();
  unsigned dst = unsigned(field(F::Flag::Dst)), ev = unsigned(field(F::Flag::Event));
  if (ev >= t.eventIds)
    fault(fmt::format("event id {} does not exist ({} has {})", ev, t.name, t.eventIds));
  unsigned src = unsigned(pipe_);
  uint32_t &counter = core_.flags[(src * kPipes + dst) * t.eventIds + ev];
  ++counter;
  const uint16_t self = uint16_t(core_.slot * kPipes + src);
  clock_[self] = seq_ - 1; // a setf waits for everything before it on its pipe
  if (engine_.options().checkRaces)
    core_.flagClocks[(src * kPipes + dst) * t.eventIds + ev].push_back(clock_);
  if (pipe_ == Pipe::S) {
    Step s;
    s.kind = StepKind::SetFlag;
    s.a = uint8_t(dst);
    s.b = uint8_t(ev);
    s.pc = op_.pc;
    core_.steps_.push_back(s);
    return;
  }
  TimedOp op;
  op.kind = OpKind::SetFlag;
  op.a = uint8_t(dst);
  op.b = uint8_t(ev);
  recordOp(op);
}

void Executor::execWaitFlag() {
  // Only pipes other than S reach here; the engine handles a scalar wait.
  const target::TargetDesc &t = engine_.target();
  unsigned src = unsigned(field(F::Flag::Src)), ev = unsigned(field(F::Flag::Event));
  unsigned dst = unsigned(pipe_);
  uint32_t &counter = core_.flags[(src * kPipes + dst) * t.eventIds + ev];
  --counter;
  if (engine_.options().checkRaces) {
    std::deque<VClock> &q = core_.flagClocks[(src * kPipes + dst) * t.eventIds + ev];
    for (unsigned i = 0; i < clock_.size(); ++i)
      clock_[i] = std::max(clock_[i], q.front()[i]);
    q.pop_front();
  }
  TimedOp op;
  op.kind = OpKind::WaitFlag;
  op.a = uint8_t(src);
  op.b = uint8_t(ev);
  recordOp(op);
}

void Executor::execBarrier() {
  // barrier all is handled by the engine on the scalar unit.
  clock_[core_.slot * kPipes + unsigned(pipe_)] = seq_ - 1;
  if (pipe_ == Pipe::S)
    return;
  TimedOp op;
  op.kind = OpKind::Barrier;
  recordOp(op);
}

void Executor::execXSet() {
  const target::TargetDesc &t = engine_.target();
  unsigned id = unsigned(field(F::XFlag::Id)), mode = unsigned(field(F::XFlag::Mode));
  if (id >= t.crossCoreFlagIds)
    fault(fmt::format("cross-core flag {} does not exist ({} has {})", id, t.name,
                      t.crossCoreFlagIds));
  if (mode > 2)
    fault(fmt::format("cross-core mode {} does not exist (0, 1 or 2)", mode));
  clock_[core_.slot * kPipes + unsigned(pipe_)] = seq_ - 1;
  engine_.xflagSignal(core_, id, mode, clock_);
  if (pipe_ == Pipe::S) {
    Step s;
    s.kind = StepKind::XSet;
    s.a = uint8_t(id);
    s.b = uint8_t(mode);
    s.pc = op_.pc;
    core_.steps_.push_back(s);
    return;
  }
  TimedOp op;
  op.kind = OpKind::XSet;
  op.a = uint8_t(id);
  op.b = uint8_t(mode);
  recordOp(op);
}

void Executor::execXWait() {
  // The engine took the flag (and joined its clocks) when it let this start.
  unsigned id = unsigned(field(F::XFlag::Id)), mode = unsigned(field(F::XFlag::Mode));
  TimedOp op;
  op.kind = OpKind::XWait;
  op.a = uint8_t(id);
  op.b = uint8_t(mode);
  recordOp(op);
}

void Executor::execSetMask() {
  core_.mask[0] = reg(0);
  core_.mask[1] = reg(1);
  recordOp(fixedOp(1));
}
void Executor::execSetFm() {
  core_.fm[0] = reg(0);
  core_.fm[1] = reg(1);
  recordOp(fixedOp(1));
}
void Executor::execSetPad() {
  core_.padValue = reg(0);
  recordOp(fixedOp(1));
}
void Executor::execSetDeq() {
  core_.deqScale = uint32_t(reg(0));
  recordOp(fixedOp(1));
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

namespace {

/// A GM transfer's timing entry: per-core port rate, reduced when bursts do
/// not start on the full-rate alignment.
TimedOp gmOp(const target::TargetDesc &t, target::Path path, GmAccess access) {
  const target::PathSpec &spec = *t.path(path);
  TimedOp op;
  op.kind = OpKind::Gm;
  op.path = uint8_t(path);
  op.latency = spec.latencyCycles;
  // Back-to-back bursts (stride == length) are one long burst.
  bool aligned = access.address % t.dmaFullRateAlignBytes == 0 &&
                 (access.count <= 1 || access.stride == access.bytes ||
                  access.stride % t.dmaFullRateAlignBytes == 0);
  op.portRate = spec.bytesPerCycle * (aligned ? 1.0 : t.dmaPartialAlignEfficiency);
  op.bytes = access.bytes * access.count;
  op.gm = access;
  return op;
}

TimedOp localOp(const target::TargetDesc &t, target::Path path, uint64_t bytes) {
  const target::PathSpec &spec = *t.path(path);
  TimedOp op;
  op.kind = OpKind::Fixed;
  op.path = uint8_t(path);
  op.latency = spec.latencyCycles;
  op.occupancy = double(bytes) / spec.bytesPerCycle;
  op.bytes = bytes;
  return op;
}

} // namespace

void Executor::dma(target::Path path) {
  const target::TargetDesc &t = engine_.target();
  const target::PathInfo &info = target::pathInfo(path);
  if (!t.hasPath(path))
    fault(fmt::format("{} has no {} path", t.name, info.name));
  const uint64_t dst = reg(0), src = reg(1);
  const uint64_t nburst = uint64_t(field(F::Dma::NBurst)), len = uint64_t(field(F::Dma::Len));
  const uint64_t sgap = uint64_t(field(F::Dma::SGap)), dgap = uint64_t(field(F::Dma::DGap));
  const uint64_t bytes = len * 32;
  // Cross-core paths write the scratchpad of the other core of the AI core.
  Core *dstOwner = nullptr;
  if (core_.kind != isa::CoreKind::Coupled) {
    if (path == target::Path::L1ToUb) {
      unsigned sub = unsigned(field(F::Dma::Sub));
      if (sub >= engine_.target().vectorCoresPerAiCore)
        fault(fmt::format("vector core {} does not exist (an AI core of {} has {})", sub, t.name,
                          t.vectorCoresPerAiCore));
      dstOwner = &engine_.vectorCoreOf(core_, sub);
    } else if (path == target::Path::UbToL1) {
      dstOwner = &engine_.cubeCoreOf(core_);
    }
  }
  const uint64_t gmAlign = t.dmaMinAlignBytes;
  for (uint64_t b = 0; b < nburst && bytes; ++b) {
    uint64_t s = src + b * (len + sgap) * 32, d = dst + b * (len + dgap) * 32;
    const uint8_t *from;
    if (info.src == MemSpace::GM) {
      if (s % gmAlign)
        fault(fmt::format("GM source address {:#x} is not {}-byte aligned", s, gmAlign));
      from = gm(s, bytes, false);
    } else {
      from = local(info.src, s, bytes, false, nullptr, t.buffer(info.src).alignBytes);
    }
    uint8_t *to;
    if (info.dst == MemSpace::GM) {
      if (d % gmAlign)
        fault(fmt::format("GM destination address {:#x} is not {}-byte aligned", d, gmAlign));
      to = gm(d, bytes, true);
    } else {
      to = local(info.dst, d, bytes, true, dstOwner, t.buffer(info.dst).alignBytes);
    }
    std::memmove(to, from, bytes);
  }
  if (!bytes || !nburst) {
    recordOp(fixedOp(1));
    return;
  }
  if (info.src == MemSpace::GM)
    recordOp(gmOp(t, path, GmAccess{src, bytes, (len + sgap) * 32, uint32_t(nburst), false}));
  else if (info.dst == MemSpace::GM)
    recordOp(gmOp(t, path, GmAccess{dst, bytes, (len + dgap) * 32, uint32_t(nburst), true}));
  else
    recordOp(localOp(t, path, bytes * nburst));
}

void Executor::execDmaGmL1() { dma(target::Path::GmToL1); }
void Executor::execDmaGmUb() { dma(target::Path::GmToUb); }
void Executor::execDmaGmL0A() { dma(target::Path::GmToL0A); }
void Executor::execDmaGmL0B() { dma(target::Path::GmToL0B); }
void Executor::execDmaL1Bt() { dma(target::Path::L1ToBt); }
void Executor::execDmaL1Fb() { dma(target::Path::L1ToFb); }
void Executor::execDmaL1Ub() { dma(target::Path::L1ToUb); }
void Executor::execDmaUbGm() { dma(target::Path::UbToGm); }
void Executor::execDmaUbL1() { dma(target::Path::UbToL1); }

void Executor::dmaPad(bool toUb) {
  const target::TargetDesc &t = engine_.target();
  const target::Path path = toUb ? target::Path::GmToUb : target::Path::UbToGm;
  const uint64_t dst = reg(0), src = reg(1);
  const uint64_t nburst = uint64_t(field(F::DmaPad::NBurst));
  const uint64_t lenb = uint64_t(field(F::DmaPad::LenB));
  const uint64_t gmGap = uint64_t(field(F::DmaPad::GmGap));
  const uint64_t ubGap = uint64_t(field(F::DmaPad::UbGap));
  const uint64_t padded = (lenb + 31) / 32 * 32;
  const uint64_t ubAlign = t.buffer(MemSpace::UB).alignBytes;
  for (uint64_t b = 0; b < nburst && lenb; ++b) {
    uint64_t g = (toUb ? src : dst) + b * (lenb + gmGap);
    uint64_t u = (toUb ? dst : src) + b * (padded + ubGap * 32);
    if (toUb) {
      const uint8_t *from = gm(g, lenb, false);
      uint8_t *to = local(MemSpace::UB, u, padded, true, nullptr, ubAlign);
      std::memmove(to, from, lenb);
      std::memset(to + lenb, 0, padded - lenb);
    } else {
      const uint8_t *from = local(MemSpace::UB, u, lenb, false, nullptr, ubAlign);
      std::memmove(gm(g, lenb, true), from, lenb);
    }
  }
  if (!lenb || !nburst) {
    recordOp(fixedOp(1));
    return;
  }
  recordOp(gmOp(t, path, GmAccess{toUb ? src : dst, lenb, lenb + gmGap, uint32_t(nburst), !toUb}));
}
void Executor::execDmaPadGmUb() { dmaPad(true); }
void Executor::execDmaPadUbGm() { dmaPad(false); }

void Executor::execNd2NzGmL1() {
  const target::TargetDesc &t = engine_.target();
  const DType dt = DType(field(F::Nd2Nz::DT));
  const unsigned bits = elemBits(dt);
  const uint64_t dst = reg(0), src = reg(1);
  const uint64_t rows = uint64_t(field(F::Nd2Nz::Rows)), cols = uint64_t(field(F::Nd2Nz::Cols));
  const uint64_t sstride = uint64_t(field(F::Nd2Nz::SStride));
  const uint64_t drows = uint64_t(field(F::Nd2Nz::DRows));
  const uint64_t c0 = 256 / bits;
  if (drows % 16 != 0 || drows < rows)
    fault(fmt::format("drows={} must be a multiple of 16 and at least rows={}", drows, rows));
  if (bits == 4 && (cols % 2 || sstride % 2))
    fault("4-bit rows must hold an even number of elements (cols and sstride)");
  if (src % t.dmaMinAlignBytes)
    fault(fmt::format("GM source address {:#x} is not {}-byte aligned", src, t.dmaMinAlignBytes));
  const uint64_t colBlocks = (cols + c0 - 1) / c0;
  const uint64_t l1Align = t.buffer(MemSpace::L1).alignBytes;
  for (uint64_t j = 0; j < colBlocks && rows; ++j) {
    uint8_t *block = local(MemSpace::L1, dst + j * drows * 32, rows * 32, true, nullptr, l1Align);
    uint64_t count = std::min(c0, cols - j * c0);
    uint64_t nbytes = count * bits / 8;
    for (uint64_t i = 0; i < rows; ++i) {
      const uint8_t *from = gm(src + (i * sstride + j * c0) * bits / 8, nbytes, false);
      std::memcpy(block + i * 32, from, nbytes);
      std::memset(block + i * 32 + nbytes, 0, 32 - nbytes);
    }
  }
  if (!rows || !cols) {
    recordOp(fixedOp(1));
    return;
  }
  recordOp(gmOp(t, target::Path::GmToL1,
                GmAccess{src, cols * bits / 8, sstride * bits / 8, uint32_t(rows), false}));
}

void Executor::load2d(MemSpace dstSpace) {
  const target::TargetDesc &t = engine_.target();
  const target::Path path =
      dstSpace == MemSpace::L0A ? target::Path::L1ToL0A : target::Path::L1ToL0B;
  const DType dt = DType(field(F::Load2d::DT));
  const uint64_t dst = reg(0), src = reg(1);
  const uint64_t rep = uint64_t(field(F::Load2d::Rep));
  const uint64_t sstride = uint64_t(field(F::Load2d::SStride));
  const uint64_t dgap = uint64_t(field(F::Load2d::DGap));
  const bool trans = field(F::Load2d::Trans);
  if (trans && elemBits(dt) != 16)
    fault(fmt::format("trans=1 needs a 16-bit dtype, got {}", isa::dtypeName(dt)));
  const uint64_t srcAlign = t.buffer(MemSpace::L1).alignBytes;
  const uint64_t dstAlign = t.buffer(dstSpace).alignBytes;
  for (uint64_t r = 0; r < rep; ++r) {
    const uint8_t *from =
        local(MemSpace::L1, src + r * sstride * 512, 512, false, nullptr, srcAlign);
    uint8_t *to = local(dstSpace, dst + r * (1 + dgap) * 512, 512, true, nullptr, dstAlign);
    if (!trans) {
      std::memcpy(to, from, 512);
      continue;
    }
    uint16_t tile[256];
    std::memcpy(tile, from, 512);
    uint16_t out[256];
    for (unsigned i = 0; i < 16; ++i)
      for (unsigned j = 0; j < 16; ++j)
        out[j * 16 + i] = tile[i * 16 + j];
    std::memcpy(to, out, 512);
  }
  recordOp(rep ? localOp(t, path, rep * 512) : fixedOp(1));
}
void Executor::execLoad2dL1L0A() { load2d(MemSpace::L0A); }
void Executor::execLoad2dL1L0B() { load2d(MemSpace::L0B); }

void Executor::execLoad3dL1L0A() {
  const target::TargetDesc &t = engine_.target();
  const DType dt = DType(field(F::Load3d::DT));
  const unsigned bits = elemBits(dt);
  if (bits < 8)
    fault(fmt::format("load3d needs an element of at least 8 bits, got {}", isa::dtypeName(dt)));
  const unsigned size = bits / 8;
  const uint64_t c0 = 32 / size;
  const uint64_t dst = reg(0), src = reg(1);
  const uint64_t kw = uint64_t(field(F::Load3d::Kw)), kh = uint64_t(field(F::Load3d::Kh));
  const uint64_t posk = uint64_t(field(F::Load3d::PosK)), posm = uint64_t(field(F::Load3d::PosM));
  const uint64_t kext = uint64_t(field(F::Load3d::KExt)), mext = uint64_t(field(F::Load3d::MExt));
  const int64_t W = int64_t(core_.fm[0] & 0xFFFF), H = int64_t((core_.fm[0] >> 16) & 0xFFFF);
  const int64_t C1 = int64_t((core_.fm[0] >> 32) & 0xFFFF);
  const int64_t padl = int64_t(core_.fm[1] & 0xFF), padr = int64_t((core_.fm[1] >> 8) & 0xFF);
  const int64_t padt = int64_t((core_.fm[1] >> 16) & 0xFF);
  const int64_t padb = int64_t((core_.fm[1] >> 24) & 0xFF);
  const int64_t sw = int64_t((core_.fm[1] >> 32) & 0xFF), sh = int64_t((core_.fm[1] >> 40) & 0xFF);
  const int64_t dw = int64_t((core_.fm[1] >> 48) & 0xFF), dh = int64_t((core_.fm[1] >> 56) & 0xFF);
  if (W < 1 || H < 1 || C1 < 1 || sw < 1 || sh < 1 || dw < 1 || dh < 1)
    fault(fmt::format("setfm holds W={} H={} C1={} strides {}x{} dilations {}x{}: all must be >= 1",
                      W, H, C1, sw, sh, dw, dh));
  if (kw < 1 || kh < 1)
    fault("kw and kh must be >= 1");
  if (mext % 16 || kext % c0 || posk % c0)
    fault(fmt::format("mext={} must be a multiple of 16, kext={} and posk={} multiples of C0={}",
                      mext, kext, posk, c0));
  const int64_t spanW = dw * (int64_t(kw) - 1) + 1, spanH = dh * (int64_t(kh) - 1) + 1;
  if (W + padl + padr < spanW || H + padt + padb < spanH)
    fault("the kernel extent exceeds the padded feature map");
  const int64_t OW = (W + padl + padr - spanW) / sw + 1;
  const int64_t OH = (H + padt + padb - spanH) / sh + 1;
  const uint64_t K = uint64_t(C1) * kh * kw * c0;
  if (posk + kext > K)
    fault(fmt::format("columns [{}, {}) exceed the img2col width {}", posk, posk + kext, K));
  const uint8_t *fmap = local(MemSpace::L1, src, uint64_t(C1 * H * W) * 32, false, nullptr,
                              t.buffer(MemSpace::L1).alignBytes);
  uint8_t *out = local(MemSpace::L0A, dst, mext * kext * size, true, nullptr,
                       t.buffer(MemSpace::L0A).alignBytes);
  uint8_t pad[8];
  std::memcpy(pad, &core_.padValue, 8);
  const uint64_t kBlocks = kext / c0;
  for (uint64_t mi = 0; mi < mext / 16; ++mi)
    for (uint64_t ki = 0; ki < kBlocks; ++ki)
      for (uint64_t r = 0; r < 16; ++r) {
        const int64_t m = int64_t(posm + mi * 16 + r);
        const int64_t oh = m / OW, ow = m % OW;
        uint8_t *row = out + ((mi * kBlocks + ki) * 16 + r) * 32;
        // One fractal row is one (c1, i, j) position: C0 consecutive channels.
        const uint64_t k = posk + ki * c0;
        const int64_t c1 = int64_t(k / (kh * kw * c0));
        const int64_t i = int64_t((k / (kw * c0)) % kh), j = int64_t((k / c0) % kw);
        const int64_t ih = oh * sh - padt + i * dh, iw = ow * sw - padl + j * dw;
        if (m >= OH * OW || ih < 0 || ih >= H || iw < 0 || iw >= W) {
          for (uint64_t c = 0; c < c0; ++c)
            std::memcpy(row + c * size, pad, size);
          continue;
        }
        std::memcpy(row, fmap + ((c1 * H + ih) * W + iw) * 32, 32);
      }
  recordOp(localOp(t, target::Path::L1ToL0A, mext * kext * size));
}

//===----------------------------------------------------------------------===//
// Cube
//===----------------------------------------------------------------------===//

void Executor::execMmad() {
  const target::TargetDesc &t = engine_.target();
  const DType dt = DType(field(F::Mmad::DT));
  const uint64_t m = uint64_t(field(F::Mmad::M)), k = uint64_t(field(F::Mmad::K));
  const uint64_t n = uint64_t(field(F::Mmad::N));
  const bool init = field(F::Mmad::Init), hasBias = field(F::Mmad::HasBias);
  std::optional<target::CubeType> ct;
  switch (dt) {
  case DType::F16:
    ct = target::CubeType::F16;
    break;
  case DType::BF16:
    ct = target::CubeType::BF16;
    break;
  case DType::F32:
    ct = target::CubeType::F32;
    break;
  case DType::S8:
    ct = target::CubeType::S8;
    break;
  case DType::E4M3:
    ct = target::CubeType::F8E4M3;
    break;
  case DType::E5M2:
    ct = target::CubeType::F8E5M2;
    break;
  case DType::F4:
    ct = target::CubeType::F4;
    break;
  default:
    break;
  }
  if (!ct || !t.cube(*ct))
    fault(fmt::format("the cube of {} has no {} mode", t.name, isa::dtypeName(dt)));
  const unsigned bits = elemBits(dt);
  const uint64_t k0 = 256 / bits;
  if (m % 16 || n % 16 || k % k0)
    fault(fmt::format("m={} and n={} must be multiples of 16 and k={} a multiple of {} for {}", m,
                      n, k, k0, isa::dtypeName(dt)));
  if (hasBias && !init)
    fault("hasbias=1 needs init=1 (the bias starts a new accumulation)");
  const uint8_t *a = local(MemSpace::L0A, reg(1), m * k * bits / 8, false, nullptr,
                           t.buffer(MemSpace::L0A).alignBytes);
  const uint8_t *b = local(MemSpace::L0B, reg(2), k * n * bits / 8, false, nullptr,
                           t.buffer(MemSpace::L0B).alignBytes);
  const uint8_t *bias = nullptr;
  if (hasBias)
    bias = local(MemSpace::BT, reg(3), n * 4, false, nullptr, t.buffer(MemSpace::BT).alignBytes);
  uint8_t *c = local(MemSpace::L0C, reg(0), m * n * 4, !init ? false : true, nullptr,
                     t.buffer(MemSpace::L0C).alignBytes);
  if (!init) // accumulate: the instruction reads and writes C
    local(MemSpace::L0C, reg(0), m * n * 4, true);
  if (m && n && k)
    mmadFunctional(dt, a, b, c, bias, m, k, n, init);
  else if (init && m && n) // an empty K sum: C = bias or 0
    mmadFunctional(dt, a, b, c, bias, m, 0, n, true);

  const target::CubeShape &shape = *t.cube(*ct);
  double fractalCycles = double((m + shape.m - 1) / shape.m) * double((k + shape.k - 1) / shape.k) *
                         double((n + shape.n - 1) / shape.n);
  TimedOp op = fixedOp(std::max(1.0, fractalCycles), t.cubeLatencyCycles);
  op.a = uint8_t(dt);
  op.bytes = 2 * m * k * n; // flops, reported per dtype
  recordOp(op);
}

//===----------------------------------------------------------------------===//
// FixPipe
//===----------------------------------------------------------------------===//

void Executor::fix(target::Path path) {
  const target::TargetDesc &t = engine_.target();
  if (!t.hasPath(path))
    fault(fmt::format("{} has no {} path", t.name, target::pathInfo(path).name));
  const DType out = DType(field(F::Fix::DT)), from = DType(field(F::Fix::From));
  const uint64_t m = uint64_t(field(F::Fix::M)), n = uint64_t(field(F::Fix::N));
  const uint64_t srows = uint64_t(field(F::Fix::SRows));
  const uint64_t dstride = uint64_t(field(F::Fix::DStride));
  const bool nd = field(F::Fix::Nz2Nd), relu = field(F::Fix::Relu);
  const bool hasBias = field(F::Fix::HasBias);
  const isa::Quant quant = isa::Quant(field(F::Fix::Quant));
  if (from != DType::F32 && from != DType::S32)
    fault(fmt::format("from={} must be f32 or s32 (the L0C accumulator)", isa::dtypeName(from)));
  bool ok = from == DType::F32
                ? (quant == isa::Quant::None &&
                   (out == DType::F32 || out == DType::F16 || out == DType::BF16))
                : (quant == isa::Quant::None
                       ? out == DType::S32
                       : (out == DType::F32 || out == DType::F16 || out == DType::S8));
  if (!ok)
    fault(fmt::format("FixPipe cannot convert {} to {} with quant={}", isa::dtypeName(from),
                      isa::dtypeName(out), isa::quantName(quant)));
  if (srows % 16 || srows < m)
    fault(fmt::format("srows={} must be a multiple of 16 and at least m={}", srows, m));
  if (!m || !n) {
    recordOp(fixedOp(1));
    return;
  }
  const uint64_t colBlocks = (n + 15) / 16;
  const uint8_t *c = local(MemSpace::L0C, reg(1), colBlocks * srows * 64, false, nullptr,
                           t.buffer(MemSpace::L0C).alignBytes);
  const uint8_t *scales = nullptr;
  if (quant == isa::Quant::Vector)
    scales = local(MemSpace::FB, reg(2), n * 4, false, nullptr, t.buffer(MemSpace::FB).alignBytes);
  const uint8_t *biasRow = nullptr;
  if (hasBias) {
    if (from == DType::S32 && quant == isa::Quant::None)
      fault("hasbias=1 on s32 results needs quantization (the bias is f32)");
    biasRow = local(MemSpace::BT, reg(3), n * 4, false, nullptr, t.buffer(MemSpace::BT).alignBytes);
  }
  const unsigned osize = elemBytes(out);
  const uint64_t extent =
      nd ? ((m - 1) * dstride + n) * osize : ((colBlocks - 1) * dstride + m) * 16 * osize;
  if (nd && dstride < n)
    fault(fmt::format("dstride={} is less than n={}", dstride, n));
  if (!nd && dstride < m)
    fault(fmt::format("dstride={} (rows per column fractal) is less than m={}", dstride, m));
  uint8_t *dst;
  MemSpace dstSpace = target::pathInfo(path).dst;
  if (dstSpace == MemSpace::GM) {
    if (reg(0) % t.dmaMinAlignBytes)
      fault(fmt::format("GM destination address {:#x} is not {}-byte aligned", reg(0),
                        t.dmaMinAlignBytes));
    dst = gm(reg(0), extent, true);
  } else {
    Core *owner = nullptr;
    if (dstSpace == MemSpace::UB && core_.kind == isa::CoreKind::Cube) {
      unsigned sub = unsigned(field(F::Fix::Sub));
      if (sub >= t.vectorCoresPerAiCore)
        fault(fmt::format("vector core {} does not exist (an AI core of {} has {})", sub, t.name,
                          t.vectorCoresPerAiCore));
      owner = &engine_.vectorCoreOf(core_, sub);
    }
    dst = local(dstSpace, reg(0), extent, true, owner, t.buffer(dstSpace).alignBytes);
  }
  float deq = num::bitsFloat(core_.deqScale);
  for (uint64_t r = 0; r < m; ++r)
    for (uint64_t col = 0; col < n; ++col) {
      const uint8_t *e = c + ((col / 16) * srows + r) * 64 + (col % 16) * 4;
      uint8_t *o = nd ? dst + (r * dstride + col) * osize
                      : dst + (((col / 16) * dstride + r) * 16 + col % 16) * osize;
      if (from == DType::S32 && quant == isa::Quant::None) {
        std::memcpy(o, e, 4);
        continue;
      }
      float v;
      if (from == DType::F32) {
        std::memcpy(&v, e, 4);
      } else {
        int32_t iv;
        std::memcpy(&iv, e, 4);
        v = float(iv); // s32 -> f32, round to nearest even
        float scale = deq;
        if (quant == isa::Quant::Vector)
          std::memcpy(&scale, scales + col * 4, 4);
        v = v * scale;
      }
      if (biasRow) {
        float b;
        std::memcpy(&b, biasRow + col * 4, 4);
        v = v + b;
      }
      if (relu && !(v > 0) && !std::isnan(v))
        v = 0;
      if (out == DType::S8)
        storeIntSaturate(out, o, v, RoundMode::NearestEven);
      else
        storeFloat(out, o, v);
    }
  const uint64_t bytes = m * n * osize;
  if (dstSpace == MemSpace::GM)
    recordOp(gmOp(
        t, path,
        nd ? GmAccess{reg(0), n * osize, dstride * osize, uint32_t(m), true}
           : GmAccess{reg(0), m * 16 * osize, dstride * 16 * osize, uint32_t(colBlocks), true}));
  else
    recordOp(localOp(t, path, bytes));
}
void Executor::execFixL0cGm() { fix(target::Path::L0cToGm); }
void Executor::execFixL0cL1() { fix(target::Path::L0cToL1); }
void Executor::execFixL0cUb() { fix(target::Path::L0cToUb); }

//===----------------------------------------------------------------------===//
// Vector unit
//===----------------------------------------------------------------------===//

namespace {

/// One strided vector operand.
struct VOperand {
  uint64_t base;
  uint64_t blockStride; // blocks
  uint64_t repStride;   // blocks
  unsigned size;        // element bytes
  uint64_t block(uint64_t r, unsigned b) const {
    return base + (r * repStride + b * blockStride) * 32;
  }
};

/// Whether `lane` is active: mask bit `lane`, modulo the mask's 128 bits
/// (8-bit types have 256 lanes: lane i and lane i + 128 share bit i).
bool laneActive(const Core &c, unsigned lane) {
  lane %= 128;
  return lane < 64 ? (c.mask[0] >> lane) & 1 : (c.mask[1] >> (lane - 64)) & 1;
}

/// Vector timing: 256 bytes per repeat at the unit's rate, at least the
/// minimum instruction time.
TimedOp vectorOp(const target::TargetDesc &t, uint64_t rep, double bytesPerRepeat = 256) {
  double cycles = double(rep) * bytesPerRepeat / t.vectorBytesPerCycle;
  TimedOp op;
  op.kind = OpKind::Fixed;
  op.occupancy = std::max<double>(t.vectorMinCycles, cycles);
  return op;
}

} // namespace

/// Pointers to the 8 blocks of one repeat of an operand, checked; blocks
/// with no active lane are not touched (and not counted for races).
#define VEC_BLOCKS(var, operand, r, write, activeInBlock)                                          \
  uint8_t *var[8] = {};                                                                            \
  for (unsigned b_ = 0; b_ < 8; ++b_)                                                              \
    if (activeInBlock[b_])                                                                         \
      var[b_] = local(MemSpace::UB, (operand).block(r, b_), 32, write, nullptr,                    \
                      engine_.target().buffer(MemSpace::UB).alignBytes);

void Executor::vbinary(Opcode op) {
  const target::TargetDesc &t = engine_.target();
  using B = F::VBin;
  const DType dt = DType(field(B::DT));
  const unsigned size = elemBytes(dt), L = 256 / size, perBlock = L / 8;
  const uint64_t rep = uint64_t(field(B::Rep));
  VOperand d{reg(0), uint64_t(field(B::DBs)), uint64_t(field(B::DRs)), size};
  VOperand s0{reg(1), uint64_t(field(B::S0Bs)), uint64_t(field(B::S0Rs)), size};
  VOperand s1{reg(2), uint64_t(field(B::S1Bs)), uint64_t(field(B::S1Rs)), size};
  bool active[8] = {};
  for (unsigned i = 0; i < L; ++i)
    active[i / perBlock] |= laneActive(core_, i);
  const bool isFloat = isa::isFloat(dt);
  uint8_t result[256];
  for (uint64_t r = 0; r < rep; ++r) {
    VEC_BLOCKS(a, s0, r, false, active);
    VEC_BLOCKS(b, s1, r, false, active);
    if (op == Opcode::VMla) {
      VEC_BLOCKS(acc, d, r, false, active);
      for (unsigned i = 0; i < L; ++i)
        if (laneActive(core_, i))
          std::memcpy(result + i * size, acc[i / perBlock] + (i % perBlock) * size, size);
    }
    for (unsigned i = 0; i < L; ++i) {
      if (!laneActive(core_, i))
        continue;
      const uint8_t *pa = a[i / perBlock] + (i % perBlock) * size;
      const uint8_t *pb = b[i / perBlock] + (i % perBlock) * size;
      uint8_t *out = result + i * size;
      if (op == Opcode::VAnd || op == Opcode::VOr) {
        uint64_t x = loadBits(pa, size), y = loadBits(pb, size);
        uint64_t v = op == Opcode::VAnd ? (x & y) : (x | y);
        std::memcpy(out, &v, size);
        continue;
      }
      if (isFloat) {
        float x = float(loadAsDouble(dt, pa)), y = float(loadAsDouble(dt, pb));
        float v = 0;
        switch (op) {
        case Opcode::VAdd:
          v = x + y;
          break;
        case Opcode::VSub:
          v = x - y;
          break;
        case Opcode::VMul:
          v = x * y;
          break;
        case Opcode::VDiv:
          v = x / y;
          break;
        case Opcode::VMax:
          v = (std::isnan(x) || std::isnan(y)) ? NAN : (x > y ? x : y);
          break;
        case Opcode::VMin:
          v = (std::isnan(x) || std::isnan(y)) ? NAN : (x < y ? x : y);
          break;
        case Opcode::VMla:
          fusedMulAdd(dt, x, y, loadAsDouble(dt, out), out);
          continue;
        default:
          fault("unsupported vector operation");
        }
        if (dt == DType::F16 && !std::isnan(v)) {
          uint16_t h = num::f32ToF16(v); // f32 then f16: innocuous double rounding
          std::memcpy(out, &h, 2);
        } else {
          storeFloat(dt, out, v);
        }
      } else {
        int64_t x = loadInt(dt, pa), y = loadInt(dt, pb), v = 0;
        switch (op) {
        case Opcode::VAdd:
          v = x + y;
          break;
        case Opcode::VSub:
          v = x - y;
          break;
        case Opcode::VMul:
          v = int64_t(uint64_t(x) * uint64_t(y));
          break;
        case Opcode::VMax:
          v = std::max(x, y);
          break;
        case Opcode::VMin:
          v = std::min(x, y);
          break;
        default:
          fault("unsupported vector operation");
        }
        storeIntWrap(dt, out, v);
      }
    }
    VEC_BLOCKS(o, d, r, true, active);
    for (unsigned i = 0; i < L; ++i)
      if (laneActive(core_, i))
        std::memcpy(o[i / perBlock] + (i % perBlock) * size, result + i * size, size);
  }
  recordOp(vectorOp(t, rep));
}

void Executor::execVAdd() { vbinary(Opcode::VAdd); }
void Executor::execVSub() { vbinary(Opcode::VSub); }
void Executor::execVMul() { vbinary(Opcode::VMul); }
void Executor::execVDiv() { vbinary(Opcode::VDiv); }
void Executor::execVMax() { vbinary(Opcode::VMax); }
void Executor::execVMin() { vbinary(Opcode::VMin); }
void Executor::execVAnd() { vbinary(Opcode::VAnd); }
void Executor::execVOr() { vbinary(Opcode::VOr); }
void Executor::execVMla() { vbinary(Opcode::VMla); }

void Executor::vunary(Opcode op) {
  const target::TargetDesc &t = engine_.target();
  using U = F::VUn;
  const DType dt = DType(field(U::DT));
  const unsigned size = elemBytes(dt), L = 256 / size, perBlock = L / 8;
  const uint64_t rep = uint64_t(field(U::Rep));
  VOperand d{reg(0), uint64_t(field(U::DBs)), uint64_t(field(U::DRs)), size};
  VOperand s{reg(1), uint64_t(field(U::SBs)), uint64_t(field(U::SRs)), size};
  bool active[8] = {};
  for (unsigned i = 0; i < L; ++i)
    active[i / perBlock] |= laneActive(core_, i);
  uint8_t result[256];
  for (uint64_t r = 0; r < rep; ++r) {
    VEC_BLOCKS(a, s, r, false, active);
    for (unsigned i = 0; i < L; ++i) {
      if (!laneActive(core_, i))
        continue;
      const uint8_t *pa = a[i / perBlock] + (i % perBlock) * size;
      uint8_t *out = result + i * size;
      switch (op) {
      case Opcode::VCopy:
        std::memcpy(out, pa, size);
        continue;
      case Opcode::VNot: {
        uint64_t v = ~loadBits(pa, size);
        std::memcpy(out, &v, size);
        continue;
      }
      case Opcode::VAbs:
      case Opcode::VNeg:
        if (isa::isFloat(dt)) { // sign-bit operations, exact for every value
          uint64_t v = loadBits(pa, size);
          uint64_t signBit = uint64_t(1) << (8 * size - 1);
          v = op == Opcode::VAbs ? (v & ~signBit) : (v ^ signBit);
          std::memcpy(out, &v, size);
        } else {
          int64_t x = loadInt(dt, pa);
          storeIntWrap(dt, out, op == Opcode::VAbs ? (x < 0 ? -x : x) : -x);
        }
        continue;
      case Opcode::VRelu:
        if (isa::isFloat(dt)) {
          double x = loadAsDouble(dt, pa);
          if (std::isnan(x) || x > 0)
            storeFloat(dt, out, x);
          else
            storeFloat(dt, out, 0.0);
        } else {
          int64_t x = loadInt(dt, pa);
          storeIntWrap(dt, out, x > 0 ? x : 0);
        }
        continue;
      default: {
        double v = transcendental(op, loadAsDouble(dt, pa));
        storeFloat(dt, out, v); // computed in f64, rounded once
        continue;
      }
      }
    }
    VEC_BLOCKS(o, d, r, true, active);
    for (unsigned i = 0; i < L; ++i)
      if (laneActive(core_, i))
        std::memcpy(o[i / perBlock] + (i % perBlock) * size, result + i * size, size);
  }
  recordOp(vectorOp(t, rep));
}

void Executor::execVExp() { vunary(Opcode::VExp); }
void Executor::execVLn() { vunary(Opcode::VLn); }
void Executor::execVSqrt() { vunary(Opcode::VSqrt); }
void Executor::execVRsqrt() { vunary(Opcode::VRsqrt); }
void Executor::execVRec() { vunary(Opcode::VRec); }
void Executor::execVAbs() { vunary(Opcode::VAbs); }
void Executor::execVNeg() { vunary(Opcode::VNeg); }
void Executor::execVRelu() { vunary(Opcode::VRelu); }
void Executor::execVTanh() { vunary(Opcode::VTanh); }
void Executor::execVSigmoid() { vunary(Opcode::VSigmoid); }
void Executor::execVNot() { vunary(Opcode::VNot); }
void Executor::execVCopy() { vunary(Opcode::VCopy); }

void Executor::vscalar(Opcode op) {
  const target::TargetDesc &t = engine_.target();
  using S = F::VScalar;
  const DType dt = DType(field(S::DT));
  const unsigned size = elemBytes(dt), L = 256 / size, perBlock = L / 8;
  const uint64_t rep = uint64_t(field(S::Rep));
  VOperand d{reg(0), uint64_t(field(S::DBs)), uint64_t(field(S::DRs)), size};
  VOperand s{reg(1), uint64_t(field(S::SBs)), uint64_t(field(S::SRs)), size};
  uint8_t scalarBits[8];
  uint64_t xr = reg(2);
  std::memcpy(scalarBits, &xr, 8);
  const bool isFloat = isa::isFloat(dt);
  const double xs = isFloat ? loadAsDouble(dt, scalarBits) : double(loadInt(dt, scalarBits));
  const int64_t xi = isFloat ? 0 : loadInt(dt, scalarBits);
  bool active[8] = {};
  for (unsigned i = 0; i < L; ++i)
    active[i / perBlock] |= laneActive(core_, i);
  uint8_t result[256];
  for (uint64_t r = 0; r < rep; ++r) {
    VEC_BLOCKS(a, s, r, false, active);
    if (op == Opcode::VAxpy) {
      VEC_BLOCKS(acc, d, r, false, active);
      for (unsigned i = 0; i < L; ++i)
        if (laneActive(core_, i))
          std::memcpy(result + i * size, acc[i / perBlock] + (i % perBlock) * size, size);
    }
    for (unsigned i = 0; i < L; ++i) {
      if (!laneActive(core_, i))
        continue;
      const uint8_t *pa = a[i / perBlock] + (i % perBlock) * size;
      uint8_t *out = result + i * size;
      if (isFloat) {
        float x = float(loadAsDouble(dt, pa)), y = float(xs), v = 0;
        switch (op) {
        case Opcode::VAdds:
          v = x + y;
          break;
        case Opcode::VMuls:
          v = x * y;
          break;
        case Opcode::VMaxs:
          v = (std::isnan(x) || std::isnan(y)) ? NAN : (x > y ? x : y);
          break;
        case Opcode::VMins:
          v = (std::isnan(x) || std::isnan(y)) ? NAN : (x < y ? x : y);
          break;
        case Opcode::VLrelu:
          v = (std::isnan(x) || x >= 0) ? x : x * y;
          break;
        case Opcode::VAxpy:
          fusedMulAdd(dt, x, y, loadAsDouble(dt, out), out);
          continue;
        default:
          fault("unsupported vector operation");
        }
        if (dt == DType::F16 && !std::isnan(v)) {
          uint16_t h = num::f32ToF16(v);
          std::memcpy(out, &h, 2);
        } else {
          storeFloat(dt, out, v);
        }
      } else {
        int64_t x = loadInt(dt, pa), v = 0;
        switch (op) {
        case Opcode::VAdds:
          v = x + xi;
          break;
        case Opcode::VMuls:
          v = int64_t(uint64_t(x) * uint64_t(xi));
          break;
        case Opcode::VMaxs:
          v = std::max(x, xi);
          break;
        case Opcode::VMins:
          v = std::min(x, xi);
          break;
        default:
          fault("unsupported vector operation");
        }
        storeIntWrap(dt, out, v);
      }
    }
    VEC_BLOCKS(o, d, r, true, active);
    for (unsigned i = 0; i < L; ++i)
      if (laneActive(core_, i))
        std::memcpy(o[i / perBlock] + (i % perBlock) * size, result + i * size, size);
  }
  recordOp(vectorOp(t, rep));
}

void Executor::execVAdds() { vscalar(Opcode::VAdds); }
void Executor::execVMuls() { vscalar(Opcode::VMuls); }
void Executor::execVMaxs() { vscalar(Opcode::VMaxs); }
void Executor::execVMins() { vscalar(Opcode::VMins); }
void Executor::execVLrelu() { vscalar(Opcode::VLrelu); }
void Executor::execVAxpy() { vscalar(Opcode::VAxpy); }

void Executor::execVDup() {
  using D = F::VDup;
  const DType dt = DType(field(D::DT));
  const unsigned size = elemBytes(dt), L = 256 / size, perBlock = L / 8;
  const uint64_t rep = uint64_t(field(D::Rep));
  VOperand d{reg(0), uint64_t(field(D::DBs)), uint64_t(field(D::DRs)), size};
  uint64_t x = reg(1);
  bool active[8] = {};
  for (unsigned i = 0; i < L; ++i)
    active[i / perBlock] |= laneActive(core_, i);
  for (uint64_t r = 0; r < rep; ++r) {
    VEC_BLOCKS(o, d, r, true, active);
    for (unsigned i = 0; i < L; ++i)
      if (laneActive(core_, i))
        std::memcpy(o[i / perBlock] + (i % perBlock) * size, &x, size);
  }
  recordOp(vectorOp(engine_.target(), rep));
}

namespace {
double loadNumber(DType dt, const uint8_t *p) { return loadAsDouble(dt, p); }
} // namespace

void Executor::execVCmp() {
  using C = F::VCmp;
  const DType dt = DType(field(C::DT));
  const unsigned size = elemBytes(dt), L = 256 / size, perBlock = L / 8;
  const uint64_t rep = uint64_t(field(C::Rep));
  const isa::Cond cond = isa::Cond(field(C::Cond));
  VOperand s0{reg(1), uint64_t(field(C::S0Bs)), uint64_t(field(C::S0Rs)), size};
  VOperand s1{reg(2), uint64_t(field(C::S1Bs)), uint64_t(field(C::S1Rs)), size};
  bool active[8] = {};
  for (unsigned i = 0; i < L; ++i)
    active[i / perBlock] |= laneActive(core_, i);
  const uint64_t maskBytes = L / 8;
  for (uint64_t r = 0; r < rep; ++r) {
    VEC_BLOCKS(a, s0, r, false, active);
    VEC_BLOCKS(b, s1, r, false, active);
    uint8_t bits[32] = {};
    for (unsigned i = 0; i < L; ++i)
      if (laneActive(core_, i) &&
          compare(cond, loadNumber(dt, a[i / perBlock] + (i % perBlock) * size),
                  loadNumber(dt, b[i / perBlock] + (i % perBlock) * size)))
        bits[i / 8] |= uint8_t(1u << (i % 8));
    uint8_t *out = local(MemSpace::UB, reg(0) + r * maskBytes, maskBytes, true, nullptr,
                         r == 0 ? engine_.target().buffer(MemSpace::UB).alignBytes : 0);
    std::memcpy(out, bits, maskBytes);
  }
  recordOp(vectorOp(engine_.target(), rep));
}

void Executor::execVCmps() {
  using C = F::VCmpS;
  const DType dt = DType(field(C::DT));
  const unsigned size = elemBytes(dt), L = 256 / size, perBlock = L / 8;
  const uint64_t rep = uint64_t(field(C::Rep));
  const isa::Cond cond = isa::Cond(field(C::Cond));
  VOperand s{reg(1), uint64_t(field(C::SBs)), uint64_t(field(C::SRs)), size};
  uint8_t scalarBits[8];
  uint64_t xr = reg(2);
  std::memcpy(scalarBits, &xr, 8);
  const double xs = loadNumber(dt, scalarBits);
  bool active[8] = {};
  for (unsigned i = 0; i < L; ++i)
    active[i / perBlock] |= laneActive(core_, i);
  const uint64_t maskBytes = L / 8;
  for (uint64_t r = 0; r < rep; ++r) {
    VEC_BLOCKS(a, s, r, false, active);
    uint8_t bits[32] = {};
    for (unsigned i = 0; i < L; ++i)
      if (laneActive(core_, i) &&
          compare(cond, loadNumber(dt, a[i / perBlock] + (i % perBlock) * size), xs))
        bits[i / 8] |= uint8_t(1u << (i % 8));
    uint8_t *out = local(MemSpace::UB, reg(0) + r * maskBytes, maskBytes, true, nullptr,
                         r == 0 ? engine_.target().buffer(MemSpace::UB).alignBytes : 0);
    std::memcpy(out, bits, maskBytes);
  }
  recordOp(vectorOp(engine_.target(), rep));
}

void Executor::execVSel() {
  using S = F::VSel;
  const DType dt = DType(field(S::DT));
  const unsigned size = elemBytes(dt), L = 256 / size, perBlock = L / 8;
  const uint64_t rep = uint64_t(field(S::Rep));
  VOperand d{reg(0), uint64_t(field(S::DBs)), uint64_t(field(S::DRs)), size};
  VOperand s0{reg(1), uint64_t(field(S::S0Bs)), uint64_t(field(S::S0Rs)), size};
  VOperand s1{reg(2), uint64_t(field(S::S1Bs)), uint64_t(field(S::S1Rs)), size};
  bool active[8] = {};
  for (unsigned i = 0; i < L; ++i)
    active[i / perBlock] |= laneActive(core_, i);
  const uint64_t maskBytes = L / 8;
  uint8_t result[256];
  for (uint64_t r = 0; r < rep; ++r) {
    VEC_BLOCKS(a, s0, r, false, active);
    VEC_BLOCKS(b, s1, r, false, active);
    const uint8_t *sel = local(MemSpace::UB, reg(3) + r * maskBytes, maskBytes, false, nullptr,
                               r == 0 ? engine_.target().buffer(MemSpace::UB).alignBytes : 0);
    for (unsigned i = 0; i < L; ++i)
      if (laneActive(core_, i)) {
        bool pick0 = (sel[i / 8] >> (i % 8)) & 1;
        const uint8_t *src = pick0 ? a[i / perBlock] : b[i / perBlock];
        std::memcpy(result + i * size, src + (i % perBlock) * size, size);
      }
    VEC_BLOCKS(o, d, r, true, active);
    for (unsigned i = 0; i < L; ++i)
      if (laneActive(core_, i))
        std::memcpy(o[i / perBlock] + (i % perBlock) * size, result + i * size, size);
  }
  recordOp(vectorOp(engine_.target(), rep));
}

void Executor::execVCvt() {
  using C = F::VCvt;
  const DType to = DType(field(C::DT)), from = DType(field(C::From));
  const RoundMode mode = roundModeOf(field(C::Round));
  auto kindOf = [](DType t) {
    if (t == DType::F16 || t == DType::BF16 || t == DType::F32)
      return 0; // wide float
    if (t == DType::E4M3 || t == DType::E5M2)
      return 1; // fp8
    if (t == DType::S8 || t == DType::U8 || t == DType::S16 || t == DType::S32)
      return 2; // integer
    return 3;
  };
  const int kf = kindOf(from), kt = kindOf(to);
  bool legal = from != to && kf != 3 && kt != 3 && ((kf == 0 && kt != 3) || (kt == 0 && kf != 3)) &&
               !(kf == 2 && kt == 1) && !(kf == 1 && kt == 2);
  if (!legal)
    fault(fmt::format("vcvt cannot convert {} to {}", isa::dtypeName(from), isa::dtypeName(to)));
  const unsigned fs = elemBytes(from), ts = elemBytes(to);
  const unsigned L = 256 / std::max(fs, ts);
  const uint64_t rep = uint64_t(field(C::Rep));
  VOperand d{reg(0), uint64_t(field(C::DBs)), uint64_t(field(C::DRs)), ts};
  VOperand s{reg(1), uint64_t(field(C::SBs)), uint64_t(field(C::SRs)), fs};
  const unsigned dPer = 32 / ts, sPer = 32 / fs;
  const unsigned dBlocks = (L + dPer - 1) / dPer, sBlocks = (L + sPer - 1) / sPer;
  bool dActive[8] = {}, sActive[8] = {};
  for (unsigned i = 0; i < L; ++i)
    if (laneActive(core_, i)) {
      dActive[i / dPer] = true;
      sActive[i / sPer] = true;
    }
  (void)dBlocks;
  (void)sBlocks;
  uint8_t result[256];
  for (uint64_t r = 0; r < rep; ++r) {
    VEC_BLOCKS(a, s, r, false, sActive);
    for (unsigned i = 0; i < L; ++i) {
      if (!laneActive(core_, i))
        continue;
      double v = loadAsDouble(from, a[i / sPer] + (i % sPer) * fs);
      uint8_t *out = result + i * ts;
      if (kt == 2)
        storeIntSaturate(to, out, v, mode);
      else if (std::isnan(v))
        storeFloat(to, out, v);
      else {
        uint32_t bits = num::encode(*miniFloatOf(to), v, mode);
        std::memcpy(out, &bits, ts);
      }
    }
    VEC_BLOCKS(o, d, r, true, dActive);
    for (unsigned i = 0; i < L; ++i)
      if (laneActive(core_, i))
        std::memcpy(o[i / dPer] + (i % dPer) * ts, result + i * ts, ts);
  }
  recordOp(vectorOp(engine_.target(), rep));
}

void Executor::vreduce(Opcode op) {
  using R = F::VRed;
  const DType dt = DType(field(R::DT));
  const unsigned size = elemBytes(dt), L = 256 / size, perBlock = L / 8;
  const uint64_t rep = uint64_t(field(R::Rep));
  const bool all = field(R::All);
  const bool perBlockResult = op == Opcode::VCGAdd || op == Opcode::VCGMax || op == Opcode::VCGMin;
  const bool isSum = op == Opcode::VCAdd || op == Opcode::VCGAdd;
  const bool isMax = op == Opcode::VCMax || op == Opcode::VCGMax;
  VOperand s{reg(1), uint64_t(field(R::SBs)), uint64_t(field(R::SRs)), size};
  const bool isFloat = isa::isFloat(dt);
  bool active[8] = {};
  for (unsigned i = 0; i < L; ++i)
    active[i / perBlock] |= laneActive(core_, i);

  // Values are kept as doubles holding exact element values; combine()
  // rounds each step to the element type.
  struct Val {
    bool present;
    double v;
  };
  auto round = [&](double v) -> double {
    if (!isFloat) {
      int64_t w = int64_t(v);
      uint8_t tmp[8];
      storeIntWrap(dt, tmp, w);
      return double(loadInt(dt, tmp));
    }
    uint8_t tmp[8];
    if (dt == DType::F16 && !std::isnan(v)) {
      uint16_t h = num::f32ToF16(float(v));
      std::memcpy(tmp, &h, 2);
    } else {
      storeFloat(dt, tmp, float(v));
    }
    return loadAsDouble(dt, tmp);
  };
  auto combine = [&](Val a, Val b) -> Val {
    if (!a.present)
      return b;
    if (!b.present)
      return a;
    if (isSum)
      return {true, round(isFloat ? double(float(a.v) + float(b.v)) : a.v + b.v)};
    if (std::isnan(a.v) || std::isnan(b.v))
      return {true, NAN};
    return {true, isMax ? std::max(a.v, b.v) : std::min(a.v, b.v)};
  };
  // Pairwise tree over [lo, hi) lanes.
  std::vector<Val> lanes(L);
  auto tree = [&](unsigned lo, unsigned hi) {
    std::vector<Val> v(lanes.begin() + lo, lanes.begin() + hi);
    while (v.size() > 1) {
      std::vector<Val> next;
      for (size_t i = 0; i + 1 < v.size(); i += 2)
        next.push_back(combine(v[i], v[i + 1]));
      v.swap(next);
    }
    return v[0];
  };
  std::vector<Val> results;
  for (uint64_t r = 0; r < rep; ++r) {
    VEC_BLOCKS(a, s, r, false, active);
    for (unsigned i = 0; i < L; ++i) {
      bool on = laneActive(core_, i);
      // Sums count inactive lanes as +0; max/min ignore them.
      if (on)
        lanes[i] = {true, isFloat ? loadAsDouble(dt, a[i / perBlock] + (i % perBlock) * size)
                                  : double(loadInt(dt, a[i / perBlock] + (i % perBlock) * size))};
      else
        lanes[i] = isSum ? Val{true, 0.0} : Val{false, 0.0};
    }
    if (perBlockResult)
      for (unsigned b = 0; b < 8; ++b)
        results.push_back(tree(b * perBlock, (b + 1) * perBlock));
    else
      results.push_back(tree(0, L));
  }
  if (all && !results.empty()) {
    Val acc = results[0];
    for (size_t i = 1; i < results.size(); ++i)
      acc = combine(acc, results[i]);
    results.assign(1, acc);
  }
  if (!results.empty()) {
    uint8_t *out = local(MemSpace::UB, reg(0), results.size() * size, true, nullptr, size);
    for (size_t i = 0; i < results.size(); ++i) {
      double v = results[i].present ? results[i].v : (isFloat ? double(NAN) : 0.0);
      if (isFloat)
        storeFloat(dt, out + i * size, v);
      else
        storeIntWrap(dt, out + i * size, int64_t(v));
    }
  }
  recordOp(vectorOp(engine_.target(), rep));
}

void Executor::execVCAdd() { vreduce(Opcode::VCAdd); }
void Executor::execVCMax() { vreduce(Opcode::VCMax); }
void Executor::execVCMin() { vreduce(Opcode::VCMin); }
void Executor::execVCGAdd() { vreduce(Opcode::VCGAdd); }
void Executor::execVCGMax() { vreduce(Opcode::VCGMax); }
void Executor::execVCGMin() { vreduce(Opcode::VCGMin); }

void Executor::execVTrans() {
  const uint64_t rep = uint64_t(field(F::VTrans::Rep));
  const uint64_t align = engine_.target().buffer(MemSpace::UB).alignBytes;
  for (uint64_t r = 0; r < rep; ++r) {
    uint16_t tile[256], out[256];
    std::memcpy(tile, local(MemSpace::UB, reg(1) + r * 512, 512, false, nullptr, align), 512);
    for (unsigned i = 0; i < 16; ++i)
      for (unsigned j = 0; j < 16; ++j)
        out[j * 16 + i] = tile[i * 16 + j];
    std::memcpy(local(MemSpace::UB, reg(0) + r * 512, 512, true, nullptr, align), out, 512);
  }
  recordOp(vectorOp(engine_.target(), rep, 512));
}

void Executor::execVGather() {
  using G = F::VGather;
  const DType dt = DType(field(G::DT));
  const unsigned size = elemBytes(dt), L = 256 / size;
  const uint64_t rep = uint64_t(field(G::Rep)), drs = uint64_t(field(G::DRs));
  const uint64_t align = engine_.target().buffer(MemSpace::UB).alignBytes;
  for (uint64_t r = 0; r < rep; ++r) {
    const uint8_t *idx =
        local(MemSpace::UB, reg(2) + r * L * 4, L * 4, false, nullptr, r == 0 ? align : 0);
    uint8_t result[256];
    for (unsigned i = 0; i < L; ++i) {
      if (!laneActive(core_, i))
        continue;
      uint32_t off;
      std::memcpy(&off, idx + i * 4, 4);
      std::memcpy(result + i * size, local(MemSpace::UB, reg(1) + off, size, false, nullptr, size),
                  size);
    }
    uint8_t *out = local(MemSpace::UB, reg(0) + r * drs * 32, 256, true, nullptr, align);
    for (unsigned i = 0; i < L; ++i)
      if (laneActive(core_, i))
        std::memcpy(out + i * size, result + i * size, size);
  }
  recordOp(vectorOp(engine_.target(), rep));
}

void Executor::execVBrcb() {
  using Bc = F::VBrcb;
  const DType dt = DType(field(Bc::DT));
  const unsigned size = elemBytes(dt), perBlock = 32 / size;
  const uint64_t rep = uint64_t(field(Bc::Rep));
  VOperand d{reg(0), uint64_t(field(Bc::DBs)), uint64_t(field(Bc::DRs)), size};
  const uint64_t align = engine_.target().buffer(MemSpace::UB).alignBytes;
  for (uint64_t r = 0; r < rep; ++r) {
    uint8_t elems[64];
    std::memcpy(elems,
                local(MemSpace::UB, reg(1) + r * 8 * size, 8 * size, false, nullptr,
                      r == 0 ? std::min<uint64_t>(align, 8 * size) : 0),
                8 * size);
    for (unsigned b = 0; b < 8; ++b) {
      uint8_t *blk = local(MemSpace::UB, d.block(r, b), 32, true, nullptr, align);
      for (unsigned e = 0; e < perBlock; ++e)
        std::memcpy(blk + e * size, elems + b * size, size);
    }
  }
  recordOp(vectorOp(engine_.target(), rep));
}

#undef VEC_BLOCKS

} // namespace pagoda::sim::detail
