//===- AsmWriter.h - Building assembly text in the generators ---*- C++ -*-===//
//
// Instructions, comments and labels appended to one text; the kernel
// generators (Elementwise.cpp, Matmul.cpp) derive their emitters from it.
// Internal to lib/Codegen.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_LIB_CODEGEN_ASMWRITER_H
#define PAGODA_LIB_CODEGEN_ASMWRITER_H

#include <fmt/format.h>

#include <string>
#include <utility>

namespace pagoda::codegen {

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
