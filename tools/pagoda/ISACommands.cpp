//===- ISACommands.cpp - `pagoda as` and `pagoda objdump` -----------------===//
//
// Assemble text into a code file, and disassemble a code file. Both are thin
// shells over lib/ISA.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "pagoda/Artifact/Artifact.h"
#include "pagoda/ISA/Program.h"
#include "pagoda/Support/File.h"

#include <fmt/format.h>

#include <memory>

using namespace pagoda;

namespace {

struct IsaOptions {
  std::string input;
  std::string output;
  bool noEncoding = false;
  std::string mnemonic;
  bool markdown = false;
};

int runIsa(const IsaOptions &o) {
  if (o.markdown) {
    fmt::print("{}", isa::referenceMarkdown());
    return 0;
  }
  if (!o.mnemonic.empty()) {
    std::optional<isa::Opcode> op = isa::lookupMnemonic(o.mnemonic);
    if (!op)
      return driver::reportError(
          fmt::format("unknown instruction '{}' (pagoda isa lists them all)", o.mnemonic));
    const isa::InstInfo &info = isa::instInfo(*op);
    const isa::FormatInfo &fmt = isa::formatInfo(info.format);
    fmt::print("{}\n  {}\n  pipe: {}\n", isa::syntaxOf(*op), info.doc,
               info.pipe ? target::pipeName(*info.pipe) : "named by an operand");
    for (unsigned i = 0; i < fmt.numFields; ++i)
      fmt::print("  {:<8} {}\n", fmt.fields[i].asmName, fmt.fields[i].doc);
    return 0;
  }
  for (unsigned i = 1; i < isa::kNumOpcodes; ++i)
    fmt::print("{}\n", isa::syntaxOf(static_cast<isa::Opcode>(i)));
  return 0;
}

int runAs(const IsaOptions &o) {
  Result<std::vector<uint8_t>> text = readFile(o.input);
  if (!text)
    return driver::reportError(text.error().str());
  std::string_view view(reinterpret_cast<const char *>(text->data()), text->size());
  Result<std::vector<isa::Program>> programs = isa::assemble(view, o.input);
  if (!programs)
    return driver::reportError(programs.error().str());
  Result<std::vector<uint8_t>> bytes = isa::writeCodeFile(*programs);
  if (!bytes)
    return driver::reportError(fmt::format("{}: {}", o.input, bytes.error().str()));
  std::string out = o.output.empty() ? o.input + ".pco" : o.output;
  Result<bool> written = writeFile(out, bytes->data(), bytes->size());
  if (!written)
    return driver::reportError(written.error().str());
  return 0;
}

int runObjdump(const IsaOptions &o) {
  Result<std::vector<uint8_t>> bytes = readFile(o.input);
  if (!bytes)
    return driver::reportError(bytes.error().str());
  if (artifact::looksLikeArtifact(bytes->data(), bytes->size())) {
    Result<artifact::Artifact> model = artifact::read(bytes->data(), bytes->size(), o.input);
    if (!model)
      return driver::reportError(model.error().str());
    fmt::print("{}", artifact::describe(*model, !o.noEncoding));
    return 0;
  }
  Result<std::vector<isa::Program>> programs =
      isa::readCodeFile(bytes->data(), bytes->size(), o.input);
  if (!programs)
    return driver::reportError(programs.error().str());
  for (size_t i = 0; i < programs->size(); ++i)
    fmt::print("{}{}", i ? "\n" : "", isa::disassemble((*programs)[i], !o.noEncoding));
  return 0;
}

} // namespace

void pagoda::driver::addIsaCommands(CLI::App &app, CommandFn &run) {
  auto opts = std::make_shared<IsaOptions>();
  CLI::App *as = app.add_subcommand("as", "Assemble NPU assembly into a code file");
  as->add_option("input", opts->input, "Assembly file (.s)")->required();
  as->add_option("-o,--output", opts->output, "Code file to write (default: INPUT.pco)");
  as->callback([&run, opts] { run = [opts] { return runAs(*opts); }; });

  CLI::App *objdump =
      app.add_subcommand("objdump", "Disassemble a code file or list a compiled model");
  objdump->add_option("input", opts->input, "Code file (.pco) or model (.pgd)")->required();
  objdump->add_flag("--no-encoding", opts->noEncoding, "Leave out the instruction bytes");
  objdump->callback([&run, opts] { run = [opts] { return runObjdump(*opts); }; });

  CLI::App *isaCmd = app.add_subcommand("isa", "Describe the NPU instruction set");
  isaCmd->add_option("mnemonic", opts->mnemonic, "One instruction to describe");
  isaCmd->add_flag("--markdown", opts->markdown, "The full reference as Markdown (docs/isa.md)");
  isaCmd->callback([&run, opts] { run = [opts] { return runIsa(*opts); }; });
}
