//===- ISA.h - The instruction set of the modeled NPU core ------*- C++ -*-===//
//
// Types derived from the one instruction table (ISA.def): opcodes, formats
// and their fields, a decoded instruction, its 128-bit encoding, and its
// assembly text. Used by the emitter, the assembler/disassembler and the
// simulator alike. Links neither MLIR nor LLVM.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_ISA_ISA_H
#define PAGODA_ISA_ISA_H

#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pagoda::isa {

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

/// Element types instructions operate on. E4M3/E5M2 are OCP fp8, HiF8 the
/// vendor's hybrid fp8, F4 is e2m1.
enum class DType : uint8_t {
  U8,
  S8,
  U16,
  S16,
  F16,
  BF16,
  U32,
  S32,
  F32,
  S64,
  E4M3,
  E5M2,
  HiF8,
  F4,
  S4,
};
inline constexpr unsigned kNumDTypes = 15;

const char *dtypeName(DType t);
std::optional<DType> parseDType(std::string_view name);
/// Storage bits of one element.
unsigned dtypeBits(DType t);
bool isFloat(DType t);
bool isSignedInt(DType t);

/// A set of dtypes: bit i is DType i.
using DTypeMask = uint32_t;
constexpr DTypeMask dtBit(DType t) { return DTypeMask(1) << static_cast<unsigned>(t); }

//===----------------------------------------------------------------------===//
// Enumerated operands
//===----------------------------------------------------------------------===//

enum class Cond : uint8_t { Eq, Ne, Lt, Le, Gt, Ge };
inline constexpr unsigned kNumConds = 6;
enum class Round : uint8_t { Rne, Rz, Rd, Ru, Ra };
inline constexpr unsigned kNumRounds = 5;
enum class Quant : uint8_t { None, Scalar, Vector };
inline constexpr unsigned kNumQuants = 3;
/// A Pipe operand holds a target::Pipe value, or this for "every pipe".
inline constexpr int64_t kPipeAll = 7;

const char *condName(Cond c);
const char *roundName(Round r);
const char *quantName(Quant q);

//===----------------------------------------------------------------------===//
// Formats and fields
//===----------------------------------------------------------------------===//

enum class FieldKind : uint8_t { Reg, UImm, SImm, DType, DTypeArg, Pipe, Cond, Round, Quant, Bool };
enum class Syntax : uint8_t { Pos, Named };
/// The Default of a field that assembly must always spell out.
inline constexpr int64_t kRequired = std::numeric_limits<int64_t>::min();

struct FieldInfo {
  const char *ident;
  const char *asmName;
  FieldKind kind;
  uint8_t bits;
  Syntax syntax;
  int64_t defaultValue;
  const char *doc;
};

enum class Format : uint8_t {
#define PAGODA_FORMAT(Name, Doc) Name,
#include "pagoda/ISA/ISA.def"
};

struct FormatInfo {
  const char *name;
  const char *doc;
  const FieldInfo *fields;
  unsigned numFields;
  /// Encoded bits of all fields (the opcode adds 8).
  unsigned bits;
};

/// Field indices per format, e.g. fields::VBin::Rep.
namespace fields {
#define PAGODA_FORMAT(Name, Doc)                                                                   \
  struct Name {                                                                                    \
    enum : unsigned {
#define PAGODA_FIELD(Format, Ident, Asm, Kind, Bits, Syntax, Default, Doc) Ident,
#define PAGODA_FORMAT_END(Name)                                                                    \
  NumFields                                                                                        \
  }                                                                                                \
  ;                                                                                                \
  }                                                                                                \
  ;
#include "pagoda/ISA/ISA.def"
} // namespace fields

inline constexpr unsigned kMaxFields = 16;
inline constexpr unsigned kInstBytes = 16;
inline constexpr unsigned kNumRegs = 32;
/// `trap` codes (the error names them): a gather's index outside its axis.
inline constexpr unsigned kTrapIndexOutOfRange = 1;

//===----------------------------------------------------------------------===//
// Opcodes
//===----------------------------------------------------------------------===//

/// Opcode 0 is never valid, so zeroed memory does not decode.
enum class Opcode : uint8_t {
  Invalid = 0,
#define PAGODA_INST(Enum, Mnemonic, Pipe, Unit, Format, DTypes, Doc) Enum,
#include "pagoda/ISA/ISA.def"
  NumOpcodes
};
inline constexpr unsigned kNumOpcodes = static_cast<unsigned>(Opcode::NumOpcodes);

/// Which core type may run an instruction.
enum class Unit : uint8_t { Any, Cube, Vector };

/// The kind of core a program is for.
enum class CoreKind : uint8_t { Cube, Vector, Coupled };
const char *coreKindName(CoreKind kind); // "aic", "aiv", "coupled"
std::optional<CoreKind> parseCoreKind(std::string_view name);
bool unitAllowed(Unit unit, CoreKind kind);

struct InstInfo {
  Opcode opcode;
  const char *mnemonic;
  /// The executing pipe; nullopt when an operand names it (setf, waitf, ...).
  std::optional<target::Pipe> pipe;
  Unit unit;
  Format format;
  DTypeMask dtypes; ///< 0: the mnemonic takes no dtype suffix
  const char *doc;
};

const InstInfo &instInfo(Opcode op);
const FormatInfo &formatInfo(Format format);
std::optional<Opcode> lookupMnemonic(std::string_view mnemonic);

//===----------------------------------------------------------------------===//
// Instructions
//===----------------------------------------------------------------------===//

/// A decoded instruction: its opcode and the values of its format's fields.
struct Inst {
  Opcode op = Opcode::Invalid;
  std::array<int64_t, kMaxFields> f{};

  const InstInfo &info() const { return instInfo(op); }
  const FormatInfo &format() const { return formatInfo(info().format); }
  int64_t operator[](unsigned field) const { return f[field]; }
  bool operator==(const Inst &o) const { return op == o.op && f == o.f; }
  bool operator!=(const Inst &o) const { return !(*this == o); }
};

/// An instruction with every field at its default (required fields zero).
Inst makeInst(Opcode op);

/// The pipe that executes `inst` (for setf the source pipe, for waitf the
/// destination pipe, for barrier/xset/xwait the named pipe).
target::Pipe executionPipe(const Inst &inst);

/// Checks every operand: in range for its bits, a valid enumerator, a dtype
/// the opcode accepts, and per-instruction rules (setf/waitf between two
/// different pipes, "all" only in barrier). Returns the problem, or nullopt.
std::optional<std::string> checkOperands(const Inst &inst);

/// 16 bytes, little-endian: opcode in bits 0-7, then the fields in order.
using Encoded = std::array<uint8_t, kInstBytes>;

/// Encodes a valid instruction; the error names the bad operand.
Result<Encoded> encode(const Inst &inst);

/// Decodes the instruction at `offset` of `code`. A truncated instruction, an
/// unknown opcode, an operand out of range or non-zero unused bits is an
/// error naming the offset.
Result<Inst> decode(const uint8_t *code, size_t size, size_t offset);

/// Decodes a whole code block.
Result<std::vector<Inst>> decodeAll(const uint8_t *code, size_t size);

/// The assembly spelling of one operand value of the given kind ("x3",
/// "mte2", "f32", "lt", "42").
std::string formatOperand(FieldKind kind, int64_t value);

/// The instruction reference in Markdown, generated from the table: one
/// section per pipe with each instruction's syntax, operands and meaning.
/// docs/isa.md embeds it (a test keeps the two equal).
std::string referenceMarkdown();

/// The syntax line of an opcode, e.g. "vadd.DT dst, src0, src1, [rep=1], ...".
std::string syntaxOf(Opcode op);

/// Assembly text of one instruction, e.g. "vadd.f16 x3, x1, x2, rep=8".
/// Named fields at their default value are left out.
std::string print(const Inst &inst);

} // namespace pagoda::isa

#endif // PAGODA_ISA_ISA_H
