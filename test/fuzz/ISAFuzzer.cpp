//===- ISAFuzzer.cpp - libFuzzer target for the decoder and readers -------===//
//
// Feeds arbitrary bytes to the instruction decoder, the code-file reader and
// the assembler. None may crash; and whatever they accept must survive a
// round trip unchanged (decode -> encode gives the same bytes, a read code
// file writes back identically, assembled text prints and reassembles).
//
//===----------------------------------------------------------------------===//

#include "pagoda/ISA/Program.h"

#include <cstdint>
#include <cstring>
#include <string_view>

using namespace pagoda::isa;

static void require(bool ok) {
  if (!ok)
    __builtin_trap();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // Raw instruction stream.
  if (pagoda::Result<std::vector<Inst>> insts = decodeAll(data, size)) {
    for (size_t i = 0; i < insts->size(); ++i) {
      pagoda::Result<Encoded> enc = encode((*insts)[i]);
      require(enc.ok() && std::memcmp(enc->data(), data + i * kInstBytes, kInstBytes) == 0);
    }
  }

  // Code file.
  if (pagoda::Result<std::vector<Program>> progs = readCodeFile(data, size, "fuzz")) {
    pagoda::Result<std::vector<uint8_t>> bytes = writeCodeFile(*progs);
    require(bytes.ok() && bytes->size() == size && std::memcmp(bytes->data(), data, size) == 0);
  }

  // Assembly text.
  std::string_view text(reinterpret_cast<const char *>(data), size);
  if (pagoda::Result<std::vector<Program>> progs = assemble(text, "fuzz.s")) {
    for (const Program &p : *progs) {
      std::string again = ".kernel k\n.core " + std::string(coreKindName(p.core)) + "\n";
      bool hasBranch = false;
      for (const Inst &inst : p.insts) {
        again += print(inst) + "\n";
        hasBranch |= inst.info().format == Format::Branch || inst.info().format == Format::Jump;
      }
      pagoda::Result<std::vector<Program>> back = assemble(again, "again.s");
      require(back.ok() && back->size() == 1 && (*back)[0].insts == p.insts);
      (void)hasBranch;
    }
  }
  return 0;
}
