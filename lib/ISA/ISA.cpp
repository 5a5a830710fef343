//===- ISA.cpp - Tables, operand checks, encoding and printing ------------===//
//
// Everything here is generated from ISA.def; nothing lists instructions by
// hand.
//
//===----------------------------------------------------------------------===//

#include "pagoda/ISA/ISA.h"

#include <fmt/format.h>

#include <cstring>
#include <unordered_map>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "instruction encoding assumes a little-endian host");

namespace pagoda::isa {
namespace {

constexpr const char *kDTypeNames[kNumDTypes] = {"u8",   "s8",   "u16",  "s16", "f16",
                                                 "bf16", "u32",  "s32",  "f32", "s64",
                                                 "e4m3", "e5m2", "hif8", "f4",  "s4"};
constexpr unsigned kDTypeBits[kNumDTypes] = {8, 8, 16, 16, 16, 16, 32, 32, 32, 64, 8, 8, 8, 4, 4};
constexpr const char *kCondNames[kNumConds] = {"eq", "ne", "lt", "le", "gt", "ge"};
constexpr const char *kRoundNames[kNumRounds] = {"rne", "rz", "rd", "ru", "ra"};
constexpr const char *kQuantNames[kNumQuants] = {"none", "scalar", "vector"};

// dtype sets named in ISA.def.
constexpr DTypeMask DT_NONE = 0;
constexpr DTypeMask DT_SCALAR = dtBit(DType::U8) | dtBit(DType::S8) | dtBit(DType::U16) |
                                dtBit(DType::S16) | dtBit(DType::U32) | dtBit(DType::S32) |
                                dtBit(DType::S64);
constexpr DTypeMask DT_FLOAT = dtBit(DType::F16) | dtBit(DType::F32);
constexpr DTypeMask DT_ARITH = DT_FLOAT | dtBit(DType::S16) | dtBit(DType::S32);
constexpr DTypeMask DT_BITS =
    dtBit(DType::U16) | dtBit(DType::S16) | dtBit(DType::U32) | dtBit(DType::S32);
constexpr DTypeMask DT_MOVE = dtBit(DType::U8) | dtBit(DType::S8) | dtBit(DType::U16) |
                              dtBit(DType::S16) | dtBit(DType::F16) | dtBit(DType::BF16) |
                              dtBit(DType::U32) | dtBit(DType::S32) | dtBit(DType::F32) |
                              dtBit(DType::E4M3) | dtBit(DType::E5M2) | dtBit(DType::HiF8);
// HiF8 is storage-only: its full encoding is not public, so no instruction
// computes with it (docs/isa.md).
constexpr DTypeMask DT_CUBE = dtBit(DType::F16) | dtBit(DType::BF16) | dtBit(DType::F32) |
                              dtBit(DType::S8) | dtBit(DType::E4M3) | dtBit(DType::E5M2) |
                              dtBit(DType::F4);
// Cube operand moves: every cube type and the 8-bit storage types.
constexpr DTypeMask DT_LOAD = DT_CUBE | dtBit(DType::U8) | dtBit(DType::HiF8);
constexpr DTypeMask DT_FIX = dtBit(DType::F32) | dtBit(DType::F16) | dtBit(DType::BF16) |
                             dtBit(DType::S32) | dtBit(DType::S8);
constexpr DTypeMask DT_CVT = dtBit(DType::F16) | dtBit(DType::BF16) | dtBit(DType::F32) |
                             dtBit(DType::S8) | dtBit(DType::U8) | dtBit(DType::S16) |
                             dtBit(DType::S32) | dtBit(DType::E4M3) | dtBit(DType::E5M2);

// Field tables, one array per format.
#define PAGODA_FORMAT(Name, Doc) constexpr FieldInfo kFields##Name[] = {
#define PAGODA_FIELD(Format, Ident, Asm, KindName, Bits, SyntaxName, Default, Doc)                 \
  {#Ident, Asm, FieldKind::KindName, Bits, Syntax::SyntaxName, Default, Doc},
#define PAGODA_FORMAT_END(Name)                                                                    \
  { "", "", FieldKind::Reg, 0, Syntax::Pos, 0, "" }                                                \
  }                                                                                                \
  ;
#include "pagoda/ISA/ISA.def"

constexpr unsigned sumBits(const FieldInfo *fields, unsigned n) {
  unsigned total = 0;
  for (unsigned i = 0; i < n; ++i)
    total += fields[i].bits;
  return total;
}

// Each array ends with a sentinel entry, so the count is size - 1.
constexpr FormatInfo kFormats[] = {
#define PAGODA_FORMAT(Name, Doc)                                                                   \
  {#Name, Doc, kFields##Name, unsigned(std::size(kFields##Name) - 1),                              \
   sumBits(kFields##Name, unsigned(std::size(kFields##Name) - 1))},
#include "pagoda/ISA/ISA.def"
};

// Every format fits the 120 bits after the opcode and the decoded array.
constexpr bool formatsFit() {
  for (const FormatInfo &f : kFormats)
    if (f.bits > 8 * kInstBytes - 8 || f.numFields > kMaxFields)
      return false;
  return true;
}
static_assert(formatsFit(), "an ISA format does not fit 128 bits or kMaxFields");

#define PAGODA_PIPE_S std::optional<target::Pipe>(target::Pipe::S)
#define PAGODA_PIPE_MTE1 std::optional<target::Pipe>(target::Pipe::MTE1)
#define PAGODA_PIPE_MTE2 std::optional<target::Pipe>(target::Pipe::MTE2)
#define PAGODA_PIPE_MTE3 std::optional<target::Pipe>(target::Pipe::MTE3)
#define PAGODA_PIPE_M std::optional<target::Pipe>(target::Pipe::M)
#define PAGODA_PIPE_V std::optional<target::Pipe>(target::Pipe::V)
#define PAGODA_PIPE_FIX std::optional<target::Pipe>(target::Pipe::FIX)
#define PAGODA_PIPE_Dyn std::optional<target::Pipe>()

const InstInfo kInvalidInfo = {Opcode::Invalid, "<invalid>", std::nullopt,        Unit::Any,
                               Format::None,    DT_NONE,     "not an instruction"};
const InstInfo kInsts[] = {
#define PAGODA_INST(Enum, Mnemonic, Pipe, UnitName, FormatName, DTypes, Doc)                       \
  {Opcode::Enum, Mnemonic, PAGODA_PIPE_##Pipe, Unit::UnitName, Format::FormatName, DTypes, Doc},
#include "pagoda/ISA/ISA.def"
};
static_assert(std::size(kInsts) == kNumOpcodes - 1, "opcode table out of step");

template <size_t N>
std::optional<unsigned> findName(const char *const (&names)[N], std::string_view s) {
  for (size_t i = 0; i < N; ++i)
    if (s == names[i])
      return unsigned(i);
  return std::nullopt;
}

/// Low `bits` bits of `v`.
uint64_t lowBits(uint64_t v, unsigned bits) {
  return bits >= 64 ? v : (v & ((uint64_t(1) << bits) - 1));
}

/// Whether `v` is representable in a field of `bits` bits of the given kind.
bool fits(FieldKind kind, unsigned bits, int64_t v) {
  if (kind == FieldKind::SImm) {
    if (bits >= 64)
      return true;
    int64_t lo = -(int64_t(1) << (bits - 1)), hi = (int64_t(1) << (bits - 1)) - 1;
    return v >= lo && v <= hi;
  }
  if (v < 0)
    return false;
  return bits >= 64 || uint64_t(v) < (uint64_t(1) << bits);
}

/// Reads `bits` bits at bit position `pos` of a 128-bit little-endian word.
uint64_t getBits(const uint8_t *bytes, unsigned pos, unsigned bits) {
  uint64_t words[2];
  std::memcpy(words, bytes, 16);
  uint64_t out = 0;
  for (unsigned i = 0; i < bits; ++i) {
    unsigned p = pos + i;
    uint64_t bit = (words[p / 64] >> (p % 64)) & 1;
    out |= bit << i;
  }
  return out;
}

/// Whether bits [pos, 128) of a 128-bit little-endian word are all zero.
bool highBitsZero(const uint8_t *bytes, unsigned pos) {
  uint64_t words[2];
  std::memcpy(words, bytes, 16);
  for (unsigned p = pos; p < 128; ++p)
    if ((words[p / 64] >> (p % 64)) & 1)
      return false;
  return true;
}

void putBits(uint64_t (&words)[2], unsigned pos, unsigned bits, uint64_t v) {
  for (unsigned i = 0; i < bits; ++i) {
    unsigned p = pos + i;
    words[p / 64] |= ((v >> i) & 1) << (p % 64);
  }
}

} // namespace

const char *dtypeName(DType t) { return kDTypeNames[static_cast<unsigned>(t)]; }
std::optional<DType> parseDType(std::string_view name) {
  if (auto i = findName(kDTypeNames, name))
    return static_cast<DType>(*i);
  return std::nullopt;
}
unsigned dtypeBits(DType t) { return kDTypeBits[static_cast<unsigned>(t)]; }
bool isFloat(DType t) {
  switch (t) {
  case DType::F16:
  case DType::BF16:
  case DType::F32:
  case DType::E4M3:
  case DType::E5M2:
  case DType::HiF8:
  case DType::F4:
    return true;
  default:
    return false;
  }
}
bool isSignedInt(DType t) {
  return t == DType::S8 || t == DType::S16 || t == DType::S32 || t == DType::S64 || t == DType::S4;
}

const char *condName(Cond c) { return kCondNames[static_cast<unsigned>(c)]; }
const char *roundName(Round r) { return kRoundNames[static_cast<unsigned>(r)]; }
const char *quantName(Quant q) { return kQuantNames[static_cast<unsigned>(q)]; }

const char *coreKindName(CoreKind kind) {
  switch (kind) {
  case CoreKind::Cube:
    return "aic";
  case CoreKind::Vector:
    return "aiv";
  case CoreKind::Coupled:
    return "coupled";
  }
  return "?";
}
std::optional<CoreKind> parseCoreKind(std::string_view name) {
  if (name == "aic")
    return CoreKind::Cube;
  if (name == "aiv")
    return CoreKind::Vector;
  if (name == "coupled")
    return CoreKind::Coupled;
  return std::nullopt;
}
bool unitAllowed(Unit unit, CoreKind kind) {
  if (unit == Unit::Any || kind == CoreKind::Coupled)
    return true;
  return (unit == Unit::Cube) == (kind == CoreKind::Cube);
}

const InstInfo &instInfo(Opcode op) {
  unsigned i = static_cast<unsigned>(op);
  if (i == 0 || i >= kNumOpcodes)
    return kInvalidInfo;
  return kInsts[i - 1];
}
const FormatInfo &formatInfo(Format format) { return kFormats[static_cast<unsigned>(format)]; }
std::optional<Opcode> lookupMnemonic(std::string_view mnemonic) {
  static const std::unordered_map<std::string_view, Opcode> map = [] {
    std::unordered_map<std::string_view, Opcode> m;
    for (const InstInfo &info : kInsts)
      m.emplace(info.mnemonic, info.opcode);
    return m;
  }();
  auto it = map.find(mnemonic);
  if (it == map.end())
    return std::nullopt;
  return it->second;
}

Inst makeInst(Opcode op) {
  Inst inst;
  inst.op = op;
  const FormatInfo &fmt = formatInfo(instInfo(op).format);
  for (unsigned i = 0; i < fmt.numFields; ++i)
    inst.f[i] = fmt.fields[i].defaultValue == kRequired ? 0 : fmt.fields[i].defaultValue;
  return inst;
}

target::Pipe executionPipe(const Inst &inst) {
  const InstInfo &info = inst.info();
  if (info.pipe)
    return *info.pipe;
  switch (inst.op) {
  case Opcode::SetFlag:
    return static_cast<target::Pipe>(inst[fields::Flag::Src]);
  case Opcode::WaitFlag:
    return static_cast<target::Pipe>(inst[fields::Flag::Dst]);
  case Opcode::Barrier:
    // barrier all is ordered by the scalar unit, which issues every pipe.
    return inst[fields::PipeOnly::P] == kPipeAll
               ? target::Pipe::S
               : static_cast<target::Pipe>(inst[fields::PipeOnly::P]);
  default: // xset, xwait
    return static_cast<target::Pipe>(inst[fields::XFlag::P]);
  }
}

std::optional<std::string> checkOperands(const Inst &inst) {
  const InstInfo &info = inst.info();
  if (info.opcode == Opcode::Invalid)
    return fmt::format("unknown opcode {}", static_cast<unsigned>(inst.op));
  const FormatInfo &fmt = formatInfo(info.format);
  for (unsigned i = 0; i < fmt.numFields; ++i) {
    const FieldInfo &field = fmt.fields[i];
    int64_t v = inst.f[i];
    if (!fits(field.kind, field.bits, v))
      return fmt::format("{}: operand '{}' = {} does not fit {} bits", info.mnemonic, field.asmName,
                         v, unsigned(field.bits));
    switch (field.kind) {
    case FieldKind::DType:
      if (v >= kNumDTypes || !(info.dtypes & dtBit(static_cast<DType>(v))))
        return fmt::format("{}: dtype {} is not accepted", info.mnemonic,
                           v < kNumDTypes ? dtypeName(static_cast<DType>(v)) : "<invalid>");
      break;
    case FieldKind::DTypeArg:
      if (v >= kNumDTypes)
        return fmt::format("{}: operand '{}' = {} is not a dtype", info.mnemonic, field.asmName, v);
      break;
    case FieldKind::Pipe:
      if (v == kPipeAll ? inst.op != Opcode::Barrier : v >= target::kNumPipes)
        return fmt::format("{}: operand '{}' = {} is not a pipe{}", info.mnemonic, field.asmName, v,
                           v == kPipeAll ? " here ('all' is for barrier)" : "");
      break;
    case FieldKind::Cond:
      if (v >= kNumConds)
        return fmt::format("{}: operand '{}' = {} is not a condition", info.mnemonic, field.asmName,
                           v);
      break;
    case FieldKind::Round:
      if (v >= kNumRounds)
        return fmt::format("{}: operand '{}' = {} is not a rounding mode", info.mnemonic,
                           field.asmName, v);
      break;
    case FieldKind::Quant:
      if (v >= kNumQuants)
        return fmt::format("{}: operand '{}' = {} is not a quantization mode", info.mnemonic,
                           field.asmName, v);
      break;
    default:
      break;
    }
  }
  if (info.dtypes == DT_NONE) {
    // A format with a DType field needs a dtype-accepting opcode: guarded by
    // the table test, nothing to check here.
  }
  if (inst.op == Opcode::SetFlag || inst.op == Opcode::WaitFlag) {
    if (inst[fields::Flag::Src] == inst[fields::Flag::Dst])
      return fmt::format("{}: orders pipe {} with itself; use barrier", info.mnemonic,
                         target::pipeName(static_cast<target::Pipe>(inst[fields::Flag::Src])));
  }
  return std::nullopt;
}

Result<Encoded> encode(const Inst &inst) {
  if (std::optional<std::string> problem = checkOperands(inst))
    return Error(*problem);
  uint64_t words[2] = {static_cast<uint64_t>(inst.op), 0};
  const FormatInfo &fmt = inst.format();
  unsigned pos = 8;
  for (unsigned i = 0; i < fmt.numFields; ++i) {
    putBits(words, pos, fmt.fields[i].bits, lowBits(uint64_t(inst.f[i]), fmt.fields[i].bits));
    pos += fmt.fields[i].bits;
  }
  Encoded out;
  std::memcpy(out.data(), words, 16);
  return out;
}

Result<Inst> decode(const uint8_t *code, size_t size, size_t offset) {
  if (offset > size || size - offset < kInstBytes)
    return Error(fmt::format("offset {:#x}: truncated instruction ({} of {} bytes)", offset,
                             offset > size ? 0 : size - offset, kInstBytes));
  const uint8_t *bytes = code + offset;
  Inst inst;
  unsigned op = bytes[0];
  if (op == 0 || op >= kNumOpcodes)
    return Error(fmt::format("offset {:#x}: unknown opcode {:#04x}", offset, op));
  inst.op = static_cast<Opcode>(op);
  const FormatInfo &fmt = inst.format();
  unsigned pos = 8;
  for (unsigned i = 0; i < fmt.numFields; ++i) {
    const FieldInfo &field = fmt.fields[i];
    uint64_t raw = getBits(bytes, pos, field.bits);
    pos += field.bits;
    if (field.kind == FieldKind::SImm && field.bits < 64 && (raw >> (field.bits - 1)) & 1)
      raw |= ~uint64_t(0) << field.bits; // sign-extend
    inst.f[i] = static_cast<int64_t>(raw);
  }
  if (!highBitsZero(bytes, pos))
    return Error(fmt::format("offset {:#x}: {}: unused bits {}-127 are not zero", offset,
                             inst.info().mnemonic, pos));
  if (std::optional<std::string> problem = checkOperands(inst))
    return Error(fmt::format("offset {:#x}: {}", offset, *problem));
  return inst;
}

Result<std::vector<Inst>> decodeAll(const uint8_t *code, size_t size) {
  std::vector<Inst> out;
  out.reserve(size / kInstBytes);
  for (size_t off = 0; off < size; off += kInstBytes) {
    Result<Inst> inst = decode(code, size, off);
    if (!inst)
      return inst.error();
    out.push_back(*inst);
  }
  return out;
}

std::string formatOperand(FieldKind kind, int64_t v) {
  switch (kind) {
  case FieldKind::Reg:
    return fmt::format("x{}", v);
  case FieldKind::DType:
  case FieldKind::DTypeArg:
    return v >= 0 && v < kNumDTypes ? dtypeName(static_cast<DType>(v)) : "?";
  case FieldKind::Pipe:
    return v == kPipeAll                     ? "all"
           : v >= 0 && v < target::kNumPipes ? target::pipeName(static_cast<target::Pipe>(v))
                                             : "?";
  case FieldKind::Cond:
    return v >= 0 && v < kNumConds ? condName(static_cast<Cond>(v)) : "?";
  case FieldKind::Round:
    return v >= 0 && v < kNumRounds ? roundName(static_cast<Round>(v)) : "?";
  case FieldKind::Quant:
    return v >= 0 && v < kNumQuants ? quantName(static_cast<Quant>(v)) : "?";
  default:
    return std::to_string(v);
  }
}

std::string print(const Inst &inst) {
  const InstInfo &info = inst.info();
  const FormatInfo &fmt = formatInfo(info.format);
  std::string out = info.mnemonic;
  for (unsigned i = 0; i < fmt.numFields; ++i)
    if (fmt.fields[i].kind == FieldKind::DType)
      out += fmt::format(".{}", dtypeName(static_cast<DType>(inst.f[i])));
  bool first = true;
  for (unsigned i = 0; i < fmt.numFields; ++i) {
    const FieldInfo &field = fmt.fields[i];
    int64_t v = inst.f[i];
    if (field.kind == FieldKind::DType)
      continue;
    if (field.syntax == Syntax::Named && field.defaultValue != kRequired && v == field.defaultValue)
      continue;
    std::string value = formatOperand(field.kind, v);
    out += first ? " " : ", ";
    first = false;
    if (field.syntax == Syntax::Named)
      out += fmt::format("{}={}", field.asmName, value);
    else
      out += value;
  }
  return out;
}

} // namespace pagoda::isa
