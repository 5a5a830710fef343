//===- Describe.cpp - A readable listing of a compiled model --------------===//

#include "pagoda/Artifact/Artifact.h"

#include <fmt/format.h>

namespace pagoda::artifact {
namespace {

std::string shapeStr(const TensorDesc &t) {
  std::string s = fmt::format("{} {}[", t.name, elemTypeName(t.type));
  for (size_t i = 0; i < t.shape.size(); ++i)
    s += fmt::format("{}{}", i ? "x" : "", t.shape[i]);
  return s + "]";
}

std::string refStr(const Ref &r) {
  switch (r.kind) {
  case Ref::Kind::Input:
    return fmt::format("input{}+{}", r.index, r.offset);
  case Ref::Kind::Output:
    return fmt::format("output{}+{}", r.index, r.offset);
  case Ref::Kind::Constant:
    return fmt::format("const+{}", r.offset);
  case Ref::Kind::Arena:
    return fmt::format("arena+{}", r.offset);
  case Ref::Kind::Scalar:
    return fmt::format("{}", int64_t(r.offset));
  }
  return "?";
}

std::string refsStr(const std::vector<Ref> &refs) {
  std::string s;
  for (size_t i = 0; i < refs.size(); ++i)
    s += (i ? ", " : "") + refStr(refs[i]);
  return s;
}

void listSteps(std::string &out, const Artifact &a, const std::vector<Step> &steps,
               const std::string &indent) {
  for (const Step &s : steps) {
    std::string line;
    switch (s.kind) {
    case Step::Kind::Launch:
      line =
          fmt::format("launch {} x{} ({})", a.kernels[s.kernel].name, s.blockDim, refsStr(s.args));
      break;
    case Step::Kind::Copy:
      line = fmt::format("copy {} <- {}, {} bytes", refStr(s.dst), refStr(s.src), s.bytes);
      break;
    case Step::Kind::HostCall:
      line = fmt::format("host {} ({}) -> ({})", s.op, refsStr(s.inputs), refsStr(s.outputs));
      break;
    case Step::Kind::If:
      line = fmt::format("if {} != 0", refStr(s.cond));
      break;
    case Step::Kind::Loop:
      line = fmt::format("loop {} times (at most {})", refStr(s.cond), s.maxTrip);
      break;
    case Step::Kind::Record:
      line = fmt::format("record event {}", s.event);
      break;
    case Step::Kind::Wait:
      line = fmt::format("wait event {}", s.event);
      break;
    }
    out += fmt::format("{}[stream {}] {}{}\n", indent, s.stream, line,
                       s.location.empty() ? "" : "    # " + s.location);
    for (size_t b = 0; b < s.body.size(); ++b) {
      if (s.kind == Step::Kind::If)
        out += fmt::format("{}  {}:\n", indent, b == 0 ? "then" : "else");
      listSteps(out, a, s.body[b], indent + "    ");
    }
  }
}

} // namespace

std::string describe(const Artifact &a, bool withEncoding) {
  std::string out = fmt::format("model for {} ({} kernels, {} bytes of constants, {} bytes of "
                                "activation arena, {} streams, {} events)\n",
                                a.target.name, a.kernels.size(), a.constants.size(), a.arenaBytes,
                                a.streams, a.events);
  for (const auto &[k, v] : a.metadata)
    out += fmt::format("  {}: {}\n", k, v);
  for (const TensorDesc &t : a.inputs)
    out += "input  " + shapeStr(t) + "\n";
  for (const TensorDesc &t : a.outputs)
    out += "output " + shapeStr(t) + "\n";
  out += "plan:\n";
  listSteps(out, a, a.plan, "  ");
  for (const Kernel &k : a.kernels) {
    out += fmt::format("\nkernel {}", k.name);
    if (!k.sourceNodes.empty()) {
      out += " (from";
      for (const std::string &n : k.sourceNodes)
        out += " " + n;
      out += ")";
    }
    out += "\n";
    for (size_t p = 0; p < k.programs.size(); ++p) {
      out += isa::disassemble(k.programs[p], withEncoding);
      for (const Kernel::Range &r : k.debugRanges)
        if (r.program == p)
          out +=
              fmt::format("  # instructions [{}, {}) come from {}\n", r.begin, r.end, r.location);
    }
  }
  return out;
}

} // namespace pagoda::artifact
