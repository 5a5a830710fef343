//===- AsmWriter.h - Building assembly text in the generators ---*- C++ -*-===//
//
// Instructions, comments and labels appended to one text; the kernel
// generators (Elementwise.cpp, Matmul.cpp) derive their emitters from it.
// Internal to lib/Codegen.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_LIB_CODEGEN_ASMWRITER_H
#define PAGODA_LIB_CODEGEN_ASMWRITER_H

#include "pagoda/ISA/Program.h"
#include "pagoda/Support/Result.h"

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pagoda::codegen {

inline uint64_t ceilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
inline uint64_t roundUp(uint64_t a, uint64_t b) { return ceilDiv(a, b) * b; }

/// The program of a generated kernel's text; an error names the kernel
/// (`what`: "matmul", "conv", ...) if it does not assemble (a generator bug).
inline Result<isa::Program> assembleKernel(const char *what, const std::string &name,
                                           const std::string &text) {
  Result<std::vector<isa::Program>> progs = isa::assemble(text, name + ".s");
  if (!progs)
    return Error(fmt::format("{} kernel '{}': generated code does not assemble: {}", what, name,
                             progs.error().str()));
  return std::move((*progs)[0]);
}

class AsmWriter {
protected:
  /// One instruction (indented).
  template <typename... Args> void line(fmt::format_string<Args...> f, Args &&...args) {
    out_ += "    ";
    out_ += fmt::format(f, std::forward<Args>(args)...);
    out_ += '\n';
  }
  template <typename... Args> void comment(fmt::format_string<Args...> f, Args &&...args) {
    out_ += "# ";
    out_ += fmt::format(f, std::forward<Args>(args)...);
    out_ += '\n';
  }
  void label(const std::string &name) { out_ += name + ":\n"; }
  /// The text so far, handed over.
  std::string take() { return std::move(out_); }

private:
  std::string out_;
};

} // namespace pagoda::codegen

#endif // PAGODA_LIB_CODEGEN_ASMWRITER_H
