//===- Program.h - Code for one core of one kernel --------------*- C++ -*-===//
//
// A Program is the instruction stream one kind of core runs for a kernel; a
// mixed cube/vector kernel has one Program per core kind. Programs are
// written by the assembler and (later) the code emitter, and stored in code
// files (docs/isa.md, "Code files") and artifacts.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_ISA_PROGRAM_H
#define PAGODA_ISA_PROGRAM_H

#include "pagoda/ISA/ISA.h"

#include <string>
#include <vector>

namespace pagoda::isa {

struct Program {
  std::string kernel;
  CoreKind core = CoreKind::Coupled;
  std::vector<Inst> insts;
  /// Source line of each instruction when assembled from text (else empty).
  std::vector<uint32_t> lines;

  bool operator==(const Program &o) const {
    return kernel == o.kernel && core == o.core && insts == o.insts;
  }
};

/// The encoded instruction bytes of a program (16 per instruction).
Result<std::vector<uint8_t>> encodeProgram(const Program &program);

/// Serializes programs as a code file: magic, version, programs, CRC-32.
Result<std::vector<uint8_t>> writeCodeFile(const std::vector<Program> &programs);

/// Reads a code file, validating every count, size and instruction before
/// use; `source` names the file in errors.
Result<std::vector<Program>> readCodeFile(const uint8_t *data, size_t size,
                                          std::string_view source);

/// Assembles text (docs/isa.md, "Assembly"); errors are "source:line: ...".
Result<std::vector<Program>> assemble(std::string_view text, std::string_view source);

/// A listing: a header line, then one line per instruction with its byte
/// offset, (optionally) its encoding, its text, and branch targets.
std::string disassemble(const Program &program, bool withEncoding = true);

} // namespace pagoda::isa

#endif // PAGODA_ISA_PROGRAM_H
