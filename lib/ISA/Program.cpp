//===- Program.cpp - Code files and disassembly ---------------------------===//

#include "pagoda/ISA/Program.h"
#include "pagoda/Support/CRC32.h"

#include <fmt/format.h>

#include <cstring>

namespace pagoda::isa {
namespace {

constexpr char kMagic[8] = {'P', 'G', 'D', 'C', 'O', 'D', 'E', '1'};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kMaxNameBytes = 4096;

void putU32(std::vector<uint8_t> &out, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out.push_back(uint8_t(v >> (8 * i)));
}

/// Bounds-checked little-endian reader over a byte range.
class ByteReader {
public:
  ByteReader(const uint8_t *data, size_t size) : data_(data), size_(size) {}
  size_t offset() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  bool read(void *out, size_t n) {
    if (remaining() < n)
      return false;
    std::memcpy(out, data_ + pos_, n);
    pos_ += n;
    return true;
  }
  bool readU32(uint32_t &v) {
    uint8_t b[4];
    if (!read(b, 4))
      return false;
    v = uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
    return true;
  }
  const uint8_t *here() const { return data_ + pos_; }
  void skip(size_t n) { pos_ += n; }

private:
  const uint8_t *data_;
  size_t size_;
  size_t pos_ = 0;
};

} // namespace

Result<std::vector<uint8_t>> encodeProgram(const Program &program) {
  std::vector<uint8_t> out;
  out.reserve(program.insts.size() * kInstBytes);
  for (size_t i = 0; i < program.insts.size(); ++i) {
    Result<Encoded> enc = encode(program.insts[i]);
    if (!enc)
      return Error(fmt::format("{} ({}), instruction {}: {}", program.kernel,
                               coreKindName(program.core), i, enc.error().str()));
    out.insert(out.end(), enc->begin(), enc->end());
  }
  return out;
}

Result<std::vector<uint8_t>> writeCodeFile(const std::vector<Program> &programs) {
  std::vector<uint8_t> out(std::begin(kMagic), std::end(kMagic));
  putU32(out, kVersion);
  putU32(out, uint32_t(programs.size()));
  for (const Program &p : programs) {
    if (p.kernel.size() > kMaxNameBytes)
      return Error(
          fmt::format("kernel name of {} bytes exceeds {}", p.kernel.size(), kMaxNameBytes));
    putU32(out, uint32_t(p.kernel.size()));
    out.insert(out.end(), p.kernel.begin(), p.kernel.end());
    out.push_back(uint8_t(p.core));
    out.insert(out.end(), 3, 0);
    putU32(out, uint32_t(p.insts.size()));
    Result<std::vector<uint8_t>> code = encodeProgram(p);
    if (!code)
      return code.error();
    out.insert(out.end(), code->begin(), code->end());
  }
  putU32(out, crc32(out.data(), out.size()));
  return out;
}

Result<std::vector<Program>> readCodeFile(const uint8_t *data, size_t size,
                                          std::string_view source) {
  auto fail = [&](size_t offset, const std::string &what) {
    return Error(fmt::format("{}: offset {:#x}: {}", source, offset, what));
  };
  if (size < sizeof(kMagic) + 12)
    return fail(0, fmt::format("file of {} bytes is too short for a code file", size));
  if (std::memcmp(data, kMagic, sizeof(kMagic)) != 0)
    return fail(0, "not a pagoda code file (bad magic)");
  uint32_t storedCrc = uint32_t(data[size - 4]) | uint32_t(data[size - 3]) << 8 |
                       uint32_t(data[size - 2]) << 16 | uint32_t(data[size - 1]) << 24;
  if (crc32(data, size - 4) != storedCrc)
    return fail(size - 4, "checksum mismatch: the file is corrupted or truncated");

  ByteReader in(data, size - 4);
  in.skip(sizeof(kMagic));
  uint32_t version = 0, count = 0;
  in.readU32(version);
  if (version != kVersion)
    return fail(8, fmt::format("unsupported code file version {} (this pagoda reads {})", version,
                               kVersion));
  in.readU32(count);
  std::vector<Program> programs;
  for (uint32_t p = 0; p < count; ++p) {
    Program prog;
    uint32_t nameLen = 0;
    size_t at = in.offset();
    if (!in.readU32(nameLen) || nameLen > kMaxNameBytes || in.remaining() < nameLen)
      return fail(at, fmt::format("program {}: bad kernel name length", p));
    prog.kernel.assign(reinterpret_cast<const char *>(in.here()), nameLen);
    in.skip(nameLen);
    uint8_t coreAndPad[4];
    at = in.offset();
    if (!in.read(coreAndPad, 4) || coreAndPad[0] > uint8_t(CoreKind::Coupled) || coreAndPad[1] ||
        coreAndPad[2] || coreAndPad[3])
      return fail(at, fmt::format("program {} ('{}'): bad core kind", p, prog.kernel));
    prog.core = static_cast<CoreKind>(coreAndPad[0]);
    uint32_t ninst = 0;
    at = in.offset();
    if (!in.readU32(ninst) || in.remaining() / kInstBytes < ninst)
      return fail(at, fmt::format("program {} ('{}'): {} instructions do not fit the file", p,
                                  prog.kernel, ninst));
    size_t codeStart = in.offset();
    Result<std::vector<Inst>> insts = decodeAll(in.here(), size_t(ninst) * kInstBytes);
    if (!insts)
      return Error(fmt::format("{}: program {} ('{}') at offset {:#x}: {}", source, p, prog.kernel,
                               codeStart, insts.error().str()));
    prog.insts = std::move(*insts);
    in.skip(size_t(ninst) * kInstBytes);
    programs.push_back(std::move(prog));
  }
  if (in.remaining() != 0)
    return fail(in.offset(), fmt::format("{} unexpected trailing bytes", in.remaining()));
  return programs;
}

std::string disassemble(const Program &program, bool withEncoding) {
  std::string out = fmt::format("kernel {} core {} ({} instructions)\n", program.kernel,
                                coreKindName(program.core), program.insts.size());
  for (size_t i = 0; i < program.insts.size(); ++i) {
    const Inst &inst = program.insts[i];
    out += fmt::format("  {:06x}:", i * kInstBytes);
    if (withEncoding) {
      Result<Encoded> enc = encode(inst);
      out += "  ";
      if (enc)
        for (uint8_t b : *enc)
          out += fmt::format("{:02x}", b);
      else
        out += std::string(2 * kInstBytes, '?');
    }
    out += "  " + print(inst);
    const Format format = inst.info().format;
    if (format == Format::Branch || format == Format::Jump) {
      int64_t off = format == Format::Branch ? inst[fields::Branch::Off] : inst[fields::Jump::Off];
      int64_t target = int64_t(i) + off;
      out += fmt::format("    # -> {:06x}", uint64_t(target) * kInstBytes);
    }
    out += "\n";
  }
  return out;
}

} // namespace pagoda::isa
