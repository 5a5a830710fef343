//===- Assembler.cpp - Assembly text to programs --------------------------===//
//
// The grammar (docs/isa.md, "Assembly") is driven entirely by the field
// tables of ISA.def: registers and other positional operands in order, every
// other operand as name=value, the element type as a mnemonic suffix.
//
//===----------------------------------------------------------------------===//

#include "pagoda/ISA/Program.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <map>

namespace pagoda::isa {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

bool isIdent(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_' || s[0] == '.'))
    return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'))
      return false;
  return true;
}

/// Parses a decimal or 0x-hexadecimal integer, optionally negative.
std::optional<int64_t> parseInt(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty())
    return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || ptr != s.data() + s.size())
    return std::nullopt;
  if (neg) {
    if (v > uint64_t(1) << 63)
      return std::nullopt;
    return int64_t(0 - v);
  }
  return static_cast<int64_t>(v); // values above INT64_MAX wrap: the field check rejects them
}

template <typename Fn> std::optional<int64_t> parseEnum(std::string_view s, unsigned n, Fn name) {
  for (unsigned i = 0; i < n; ++i)
    if (s == name(i))
      return int64_t(i);
  return std::nullopt;
}

/// A branch operand that names a label, resolved when the section ends.
struct Fixup {
  size_t inst;
  unsigned field;
  std::string label;
  uint32_t line;
};

class Assembler {
public:
  Assembler(std::string_view text, std::string_view source) : text_(text), source_(source) {}

  Result<std::vector<Program>> run() {
    uint32_t lineNo = 0;
    size_t start = 0;
    while (start <= text_.size() && errors_.size() < kMaxErrors) {
      size_t end = text_.find('\n', start);
      if (end == std::string_view::npos)
        end = text_.size();
      ++lineNo;
      line(text_.substr(start, end - start), lineNo);
      start = end + 1;
    }
    finishSection();
    if (!errors_.empty())
      return Error(std::move(errors_));
    if (programs_.empty())
      return Error(
          fmt::format("{}: no program (expected .kernel NAME and .core aic|aiv|coupled)", source_));
    return std::move(programs_);
  }

private:
  static constexpr size_t kMaxErrors = 50;
  std::string_view text_;
  std::string_view source_;
  std::vector<std::string> errors_;
  std::vector<Program> programs_;
  std::string kernel_;
  bool inSection_ = false;
  std::map<std::string, size_t, std::less<>> labels_;
  std::vector<Fixup> fixups_;

  void error(uint32_t line, const std::string &what) {
    errors_.push_back(fmt::format("{}:{}: {}", source_, line, what));
  }

  void line(std::string_view text, uint32_t lineNo) {
    // Comments: '#', ';' or '//' to the end of the line.
    size_t cut = text.find_first_of("#;");
    size_t slashes = text.find("//");
    if (slashes != std::string_view::npos && (cut == std::string_view::npos || slashes < cut))
      cut = slashes;
    if (cut != std::string_view::npos)
      text = text.substr(0, cut);
    text = trim(text);
    if (text.empty())
      return;

    if (text[0] == '.') {
      directive(text, lineNo);
      return;
    }
    // Labels: "name:" possibly followed by an instruction.
    size_t colon = text.find(':');
    if (colon != std::string_view::npos && isIdent(trim(text.substr(0, colon))) &&
        text.substr(0, colon).find_first_of(" \t,=") == std::string_view::npos) {
      std::string label(trim(text.substr(0, colon)));
      if (!inSection_) {
        error(lineNo, fmt::format("label '{}' outside a .core section", label));
      } else if (!labels_.emplace(label, programs_.back().insts.size()).second) {
        error(lineNo, fmt::format("label '{}' defined twice", label));
      }
      text = trim(text.substr(colon + 1));
      if (text.empty())
        return;
    }
    instruction(text, lineNo);
  }

  void directive(std::string_view text, uint32_t lineNo) {
    size_t sp = text.find_first_of(" \t");
    std::string_view name = text.substr(0, sp);
    std::string_view arg = sp == std::string_view::npos ? "" : trim(text.substr(sp));
    if (name == ".kernel") {
      if (!isIdent(arg)) {
        error(lineNo, fmt::format(".kernel needs a name, got '{}'", arg));
        return;
      }
      finishSection();
      kernel_ = std::string(arg);
      return;
    }
    if (name == ".core") {
      std::optional<CoreKind> kind = parseCoreKind(arg);
      if (!kind) {
        error(lineNo, fmt::format(".core takes aic, aiv or coupled, got '{}'", arg));
        return;
      }
      if (kernel_.empty()) {
        error(lineNo, ".core before any .kernel");
        return;
      }
      for (const Program &p : programs_)
        if (p.kernel == kernel_ && p.core == *kind)
          error(lineNo, fmt::format("kernel '{}' already has a {} section", kernel_, arg));
      finishSection();
      Program p;
      p.kernel = kernel_;
      p.core = *kind;
      programs_.push_back(std::move(p));
      inSection_ = true;
      return;
    }
    error(lineNo, fmt::format("unknown directive '{}' (expected .kernel or .core)", name));
  }

  void finishSection() {
    if (!inSection_)
      return;
    Program &p = programs_.back();
    for (const Fixup &fx : fixups_) {
      auto it = labels_.find(fx.label);
      if (it == labels_.end()) {
        error(fx.line, fmt::format("undefined label '{}'", fx.label));
        continue;
      }
      p.insts[fx.inst].f[fx.field] = int64_t(it->second) - int64_t(fx.inst);
    }
    for (size_t i = 0; i < p.insts.size(); ++i)
      if (std::optional<std::string> problem = checkOperands(p.insts[i]))
        error(p.lines[i], *problem);
    labels_.clear();
    fixups_.clear();
    inSection_ = false;
  }

  /// Parses one operand value for `field`; on a label, records a fixup.
  std::optional<int64_t> value(const FieldInfo &field, unsigned index, std::string_view s,
                               uint32_t lineNo, size_t instIndex, bool branch) {
    auto bad = [&](const char *expected) -> std::optional<int64_t> {
      error(lineNo, fmt::format("operand '{}': expected {}, got '{}'", field.asmName, expected, s));
      return std::nullopt;
    };
    switch (field.kind) {
    case FieldKind::Reg: {
      std::optional<int64_t> n;
      if (s.size() >= 2 && s[0] == 'x')
        n = parseInt(s.substr(1));
      if (!n || *n < 0 || *n >= int64_t(kNumRegs))
        return bad("a register x0-x31");
      return n;
    }
    case FieldKind::Pipe: {
      if (s == "all")
        return kPipeAll;
      if (std::optional<target::Pipe> p = target::parsePipe(s))
        return int64_t(*p);
      return bad("a pipe (s, mte1, mte2, mte3, m, v, fix)");
    }
    case FieldKind::DTypeArg: {
      if (std::optional<DType> t = parseDType(s))
        return int64_t(*t);
      return bad("a dtype");
    }
    case FieldKind::Cond:
      if (auto v = parseEnum(s, kNumConds, [](unsigned i) { return condName(Cond(i)); }))
        return v;
      return bad("eq, ne, lt, le, gt or ge");
    case FieldKind::Round:
      if (auto v = parseEnum(s, kNumRounds, [](unsigned i) { return roundName(Round(i)); }))
        return v;
      return bad("rne, rz, rd, ru or ra");
    case FieldKind::Quant:
      if (auto v = parseEnum(s, kNumQuants, [](unsigned i) { return quantName(Quant(i)); }))
        return v;
      return bad("none, scalar or vector");
    case FieldKind::Bool:
      if (s == "0" || s == "1")
        return int64_t(s == "1");
      return bad("0 or 1");
    case FieldKind::SImm:
    case FieldKind::UImm:
    case FieldKind::DType:
      break;
    }
    if (std::optional<int64_t> n = parseInt(s))
      return n;
    bool target = branch && std::string_view(field.asmName) == "off";
    if (target && isIdent(s)) {
      fixups_.push_back({instIndex, index, std::string(s), lineNo});
      return int64_t(0);
    }
    return bad(target ? "an integer or a label" : "an integer");
  }

  void instruction(std::string_view text, uint32_t lineNo) {
    if (!inSection_) {
      error(lineNo, "instruction outside a .core section");
      return;
    }
    size_t sp = text.find_first_of(" \t");
    std::string_view head = text.substr(0, sp);
    std::string_view rest = sp == std::string_view::npos ? "" : trim(text.substr(sp));
    std::string_view mnemonic = head, suffix;
    size_t dot = head.find('.');
    if (dot != std::string_view::npos) {
      mnemonic = head.substr(0, dot);
      suffix = head.substr(dot + 1);
    }
    std::optional<Opcode> op = lookupMnemonic(mnemonic);
    if (!op) {
      error(lineNo, fmt::format("unknown instruction '{}'", mnemonic));
      return;
    }
    const InstInfo &info = instInfo(*op);
    Program &prog = programs_.back();
    if (!unitAllowed(info.unit, prog.core)) {
      error(lineNo,
            fmt::format("'{}' runs on the {} unit; not available in an {} program", info.mnemonic,
                        info.unit == Unit::Cube ? "cube" : "vector", coreKindName(prog.core)));
      return;
    }
    const FormatInfo &fmt = formatInfo(info.format);
    Inst inst = makeInst(*op);
    std::vector<bool> given(fmt.numFields, false);
    const size_t instIndex = prog.insts.size();

    // The dtype suffix.
    int dtField = -1;
    for (unsigned i = 0; i < fmt.numFields; ++i)
      if (fmt.fields[i].kind == FieldKind::DType)
        dtField = int(i);
    if (dtField >= 0) {
      std::optional<DType> dt = parseDType(suffix);
      if (!dt) {
        error(lineNo,
              fmt::format("'{}' needs a dtype suffix such as .f16, got '{}'", info.mnemonic, head));
        return;
      }
      inst.f[dtField] = int64_t(*dt);
      given[dtField] = true;
    } else if (!suffix.empty()) {
      error(lineNo, fmt::format("'{}' takes no dtype suffix", info.mnemonic));
      return;
    }

    // Operands, comma-separated: positional in order, then name=value.
    unsigned nextPos = 0;
    auto nextPositional = [&]() -> int {
      while (nextPos < fmt.numFields && (fmt.fields[nextPos].syntax != Syntax::Pos ||
                                         fmt.fields[nextPos].kind == FieldKind::DType))
        ++nextPos;
      return nextPos < fmt.numFields ? int(nextPos++) : -1;
    };
    bool ok = true;
    size_t pos = 0;
    while (!rest.empty() && pos <= rest.size()) {
      size_t comma = rest.find(',', pos);
      std::string_view operand = trim(
          rest.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
      pos = comma == std::string_view::npos ? rest.size() + 1 : comma + 1;
      if (operand.empty()) {
        error(lineNo, "empty operand");
        ok = false;
        continue;
      }
      int field = -1;
      std::string_view valueText = operand;
      size_t eq = operand.find('=');
      if (eq != std::string_view::npos) {
        std::string_view name = trim(operand.substr(0, eq));
        valueText = trim(operand.substr(eq + 1));
        for (unsigned i = 0; i < fmt.numFields; ++i)
          if (name == fmt.fields[i].asmName && fmt.fields[i].kind != FieldKind::DType)
            field = int(i);
        if (field < 0) {
          std::string names;
          for (unsigned i = 0; i < fmt.numFields; ++i)
            if (fmt.fields[i].kind != FieldKind::DType)
              names += (names.empty() ? "" : ", ") + std::string(fmt.fields[i].asmName);
          error(lineNo, fmt::format("'{}' has no operand '{}' (operands: {})", info.mnemonic, name,
                                    names.empty() ? "none" : names));
          ok = false;
          continue;
        }
      } else {
        field = nextPositional();
        if (field < 0) {
          error(lineNo, fmt::format("too many operands for '{}'", info.mnemonic));
          ok = false;
          continue;
        }
      }
      if (given[field]) {
        error(lineNo, fmt::format("operand '{}' given twice", fmt.fields[field].asmName));
        ok = false;
        continue;
      }
      std::optional<int64_t> v =
          value(fmt.fields[field], unsigned(field), valueText, lineNo, instIndex,
                info.format == Format::Branch || info.format == Format::Jump);
      given[field] = true; // even when bad: one message per operand
      if (!v) {
        ok = false;
        continue;
      }
      inst.f[field] = *v;
    }
    for (unsigned i = 0; i < fmt.numFields; ++i)
      if (!given[i] && fmt.fields[i].defaultValue == kRequired) {
        error(lineNo, fmt::format("'{}' needs operand '{}' ({})", info.mnemonic,
                                  fmt.fields[i].asmName, fmt.fields[i].doc));
        ok = false;
      }
    if (!ok) {
      // Drop fixups recorded for this instruction.
      while (!fixups_.empty() && fixups_.back().inst == instIndex)
        fixups_.pop_back();
      return;
    }
    prog.insts.push_back(inst);
    prog.lines.push_back(lineNo);
  }
};

} // namespace

Result<std::vector<Program>> assemble(std::string_view text, std::string_view source) {
  return Assembler(text, source).run();
}

} // namespace pagoda::isa
