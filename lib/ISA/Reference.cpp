//===- Reference.cpp - The instruction reference, generated from ISA.def --===//

#include "pagoda/ISA/ISA.h"

#include <fmt/format.h>

namespace pagoda::isa {
namespace {

std::string dtypeList(DTypeMask mask) {
  std::string out;
  for (unsigned t = 0; t < kNumDTypes; ++t)
    if (mask & dtBit(static_cast<DType>(t)))
      out += (out.empty() ? "" : " ") + std::string(dtypeName(static_cast<DType>(t)));
  return out;
}

std::string pipeOf(const InstInfo &info) {
  return info.pipe ? target::pipeName(*info.pipe) : "named";
}

const char *unitName(Unit u) {
  switch (u) {
  case Unit::Any:
    return "any";
  case Unit::Cube:
    return "aic";
  case Unit::Vector:
    return "aiv";
  }
  return "?";
}

} // namespace

std::string syntaxOf(Opcode op) {
  const InstInfo &info = instInfo(op);
  const FormatInfo &fmt = formatInfo(info.format);
  std::string out = info.mnemonic;
  if (info.dtypes)
    out += ".DT";
  bool first = true;
  for (unsigned i = 0; i < fmt.numFields; ++i) {
    const FieldInfo &f = fmt.fields[i];
    if (f.kind == FieldKind::DType)
      continue;
    std::string part = f.syntax == Syntax::Pos ? f.asmName : fmt::format("{}=", f.asmName);
    if (f.defaultValue != kRequired) {
      std::string def = formatOperand(f.kind, f.defaultValue);
      part = f.syntax == Syntax::Pos ? fmt::format("[{}]", part) : fmt::format("[{}{}]", part, def);
    }
    out += (first ? " " : ", ") + part;
    first = false;
  }
  return out;
}

std::string referenceMarkdown() {
  std::string out;
  out += "### Formats\n\n";
  out += "| format | bits | operands |\n|---|---|---|\n";
  // Formats in table order, each listed once.
  std::vector<bool> seen;
  for (unsigned op = 1; op < kNumOpcodes; ++op) {
    Format f = instInfo(static_cast<Opcode>(op)).format;
    if (seen.size() <= unsigned(f))
      seen.resize(unsigned(f) + 1, false);
    if (seen[unsigned(f)])
      continue;
    seen[unsigned(f)] = true;
    const FormatInfo &fmt = formatInfo(f);
    std::string fields;
    for (unsigned i = 0; i < fmt.numFields; ++i)
      fields += fmt::format("{}`{}` ({} bits): {}", i ? "; " : "", fmt.fields[i].asmName,
                            unsigned(fmt.fields[i].bits), fmt.fields[i].doc);
    out +=
        fmt::format("| {} | {} | {} |\n", fmt.name, fmt.bits + 8, fields.empty() ? "none" : fields);
  }
  out += "\n### Instructions\n\n";
  out += "| opcode | syntax | pipe | core | dtypes | meaning |\n|---|---|---|---|---|---|\n";
  for (unsigned op = 1; op < kNumOpcodes; ++op) {
    const InstInfo &info = instInfo(static_cast<Opcode>(op));
    out += fmt::format("| {:#04x} | `{}` | {} | {} | {} | {} |\n", op,
                       syntaxOf(static_cast<Opcode>(op)), pipeOf(info), unitName(info.unit),
                       info.dtypes ? dtypeList(info.dtypes) : "", info.doc);
  }
  return out;
}

} // namespace pagoda::isa
