//===- Artifact.cpp - Writing and validating compiled models --------------===//
//
// Layout (docs/artifact-format.md): a 32-byte header, a table of sections
// (kind, CRC-32, offset, size), then the sections, each 64-byte aligned and
// the constants 4096-byte aligned. Every section is checksummed; the reader
// checks the table, every checksum, then parses each section with a
// bounds-checked reader, then runs verify() on the result.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Artifact/Artifact.h"

#include "pagoda/Support/Bytes.h"
#include "pagoda/Support/CRC32.h"
#include "pagoda/Target/TargetJSON.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace pagoda::artifact {
namespace {

constexpr char kMagic[8] = {'P', 'G', 'D', 'M', 'O', 'D', 'E', 'L'};
// 2: the embedded target description gained its host object.
constexpr uint32_t kVersion = 2;
constexpr size_t kHeaderBytes = 32;
constexpr size_t kEntryBytes = 24;
constexpr size_t kSectionAlign = 64;
constexpr size_t kConstantAlign = 4096;
constexpr unsigned kMaxNesting = 16;

enum class Section : uint32_t {
  Target = 1,
  Kernels = 2,
  Constants = 3,
  Signature = 4,
  Plan = 5,
  Debug = 6,
  Metadata = 7,
};
constexpr uint32_t kNumSectionKinds = 7;

const char *sectionName(uint32_t kind) {
  static const char *names[] = {"?",         "target", "kernels", "constants",
                                "signature", "plan",   "debug",   "metadata"};
  return kind <= kNumSectionKinds ? names[kind] : "?";
}

constexpr const char *kElemNames[kNumElemTypes] = {"f32", "f16", "bf16", "f64", "s8",  "u8",  "s16",
                                                   "u16", "s32", "u32",  "s64", "u64", "bool"};
constexpr unsigned kElemBytes[kNumElemTypes] = {4, 2, 2, 8, 1, 1, 2, 2, 4, 4, 8, 8, 1};

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

void writeTensor(ByteWriter &w, const TensorDesc &t) {
  w.str(t.name);
  w.u8(uint8_t(t.type));
  w.u32(uint32_t(t.shape.size()));
  for (int64_t d : t.shape)
    w.i64(d);
}

void writeRef(ByteWriter &w, const Ref &r) {
  w.u8(uint8_t(r.kind));
  w.u32(r.index);
  w.u64(r.offset);
}

void writeRefs(ByteWriter &w, const std::vector<Ref> &refs) {
  w.u32(uint32_t(refs.size()));
  for (const Ref &r : refs)
    writeRef(w, r);
}

void writeAttribute(ByteWriter &w, const Attribute &a) {
  w.u8(uint8_t(a.kind));
  switch (a.kind) {
  case Attribute::Kind::Int:
    w.i64(a.i);
    break;
  case Attribute::Kind::Float:
    w.f64(a.f);
    break;
  case Attribute::Kind::Ints:
    w.u32(uint32_t(a.ints.size()));
    for (int64_t v : a.ints)
      w.i64(v);
    break;
  case Attribute::Kind::Floats:
    w.u32(uint32_t(a.floats.size()));
    for (double v : a.floats)
      w.f64(v);
    break;
  case Attribute::Kind::String:
    w.str(a.s);
    break;
  }
}

void writeSteps(ByteWriter &w, const std::vector<Step> &steps) {
  w.u32(uint32_t(steps.size()));
  for (const Step &s : steps) {
    w.u8(uint8_t(s.kind));
    w.u32(s.stream);
    w.str(s.location);
    switch (s.kind) {
    case Step::Kind::Launch:
      w.u32(s.kernel);
      w.u32(s.blockDim);
      writeRefs(w, s.args);
      break;
    case Step::Kind::Copy:
      writeRef(w, s.dst);
      writeRef(w, s.src);
      w.u64(s.bytes);
      break;
    case Step::Kind::HostCall:
      w.str(s.op);
      writeRefs(w, s.inputs);
      writeRefs(w, s.outputs);
      w.u32(uint32_t(s.inputTypes.size()));
      for (const TensorDesc &t : s.inputTypes)
        writeTensor(w, t);
      w.u32(uint32_t(s.outputTypes.size()));
      for (const TensorDesc &t : s.outputTypes)
        writeTensor(w, t);
      w.u32(uint32_t(s.attributes.size()));
      for (const auto &[name, attr] : s.attributes) {
        w.str(name);
        writeAttribute(w, attr);
      }
      break;
    case Step::Kind::If:
    case Step::Kind::Loop:
      writeRef(w, s.cond);
      w.u64(s.maxTrip);
      w.u32(uint32_t(s.body.size()));
      for (const std::vector<Step> &b : s.body)
        writeSteps(w, b);
      break;
    case Step::Kind::Record:
    case Step::Kind::Wait:
      w.u32(s.event);
      break;
    }
  }
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

bool readTensor(ByteReader &r, TensorDesc &t) {
  t.name = r.str();
  uint8_t type = r.u8();
  if (r.ok() && type >= kNumElemTypes) {
    r.fail(fmt::format("tensor '{}': unknown element type {}", t.name, type));
    return false;
  }
  t.type = ElemType(type);
  uint32_t rank = r.count(8, "dimensions");
  if (r.ok() && rank > 64) {
    r.fail(fmt::format("tensor '{}': rank {} exceeds 64", t.name, rank));
    return false;
  }
  t.shape.resize(rank);
  for (int64_t &d : t.shape)
    d = r.i64();
  return r.ok();
}

Ref readRef(ByteReader &r) {
  Ref ref;
  uint8_t kind = r.u8();
  if (r.ok() && kind > uint8_t(Ref::Kind::Scalar))
    r.fail(fmt::format("unknown reference kind {}", kind));
  ref.kind = Ref::Kind(kind);
  ref.index = r.u32();
  ref.offset = r.u64();
  return ref;
}

std::vector<Ref> readRefs(ByteReader &r) {
  uint32_t n = r.count(13, "references");
  std::vector<Ref> refs;
  for (uint32_t i = 0; i < n && r.ok(); ++i)
    refs.push_back(readRef(r));
  return refs;
}

Attribute readAttribute(ByteReader &r) {
  Attribute a;
  uint8_t kind = r.u8();
  if (r.ok() && kind > uint8_t(Attribute::Kind::String)) {
    r.fail(fmt::format("unknown attribute kind {}", kind));
    return a;
  }
  a.kind = Attribute::Kind(kind);
  switch (a.kind) {
  case Attribute::Kind::Int:
    a.i = r.i64();
    break;
  case Attribute::Kind::Float:
    a.f = r.f64();
    break;
  case Attribute::Kind::Ints: {
    uint32_t n = r.count(8, "integers");
    for (uint32_t i = 0; i < n && r.ok(); ++i)
      a.ints.push_back(r.i64());
    break;
  }
  case Attribute::Kind::Floats: {
    uint32_t n = r.count(8, "floats");
    for (uint32_t i = 0; i < n && r.ok(); ++i)
      a.floats.push_back(r.f64());
    break;
  }
  case Attribute::Kind::String:
    a.s = r.str();
    break;
  }
  return a;
}

bool readSteps(ByteReader &r, std::vector<Step> &out, unsigned depth) {
  if (depth > kMaxNesting) {
    r.fail(fmt::format("plan nesting exceeds {} levels", kMaxNesting));
    return false;
  }
  uint32_t n = r.count(9, "steps");
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    Step s;
    uint8_t kind = r.u8();
    if (r.ok() && kind > uint8_t(Step::Kind::Wait)) {
      r.fail(fmt::format("unknown step kind {}", kind));
      return false;
    }
    s.kind = Step::Kind(kind);
    s.stream = r.u32();
    s.location = r.str();
    switch (s.kind) {
    case Step::Kind::Launch:
      s.kernel = r.u32();
      s.blockDim = r.u32();
      s.args = readRefs(r);
      break;
    case Step::Kind::Copy:
      s.dst = readRef(r);
      s.src = readRef(r);
      s.bytes = r.u64();
      break;
    case Step::Kind::HostCall: {
      s.op = r.str();
      s.inputs = readRefs(r);
      s.outputs = readRefs(r);
      uint32_t ni = r.count(9, "input types");
      for (uint32_t k = 0; k < ni && r.ok(); ++k) {
        TensorDesc t;
        if (readTensor(r, t))
          s.inputTypes.push_back(std::move(t));
      }
      uint32_t no = r.count(9, "output types");
      for (uint32_t k = 0; k < no && r.ok(); ++k) {
        TensorDesc t;
        if (readTensor(r, t))
          s.outputTypes.push_back(std::move(t));
      }
      uint32_t na = r.count(5, "attributes");
      for (uint32_t k = 0; k < na && r.ok(); ++k) {
        std::string name = r.str();
        if (r.ok() && !s.attributes.empty() && !(s.attributes.rbegin()->first < name))
          r.fail(fmt::format("attribute '{}' out of order or repeated", name));
        s.attributes[name] = readAttribute(r);
      }
      break;
    }
    case Step::Kind::If:
    case Step::Kind::Loop: {
      s.cond = readRef(r);
      s.maxTrip = r.u64();
      uint32_t nb = r.count(4, "bodies");
      if (r.ok() && nb > 2) {
        r.fail(fmt::format("a step has {} bodies (at most 2)", nb));
        return false;
      }
      s.body.resize(nb);
      for (std::vector<Step> &b : s.body)
        if (!readSteps(r, b, depth + 1))
          return false;
      break;
    }
    case Step::Kind::Record:
    case Step::Kind::Wait:
      s.event = r.u32();
      break;
    }
    if (r.ok())
      out.push_back(std::move(s));
  }
  return r.ok();
}

//===----------------------------------------------------------------------===//
// Verification
//===----------------------------------------------------------------------===//

struct Verifier {
  const Artifact &a;
  uint64_t constantBytes; ///< a.constants.size(), or the in-place section's
  std::vector<std::string> problems;

  template <typename... Args> void fail(fmt::format_string<Args...> f, Args &&...args) {
    if (problems.size() < 50)
      problems.push_back(fmt::format(f, std::forward<Args>(args)...));
  }

  /// Bytes a memory reference may cover, or nullopt for a bad reference.
  std::optional<uint64_t> regionSize(const Ref &r, const std::string &where) {
    switch (r.kind) {
    case Ref::Kind::Input:
      if (r.index >= a.inputs.size()) {
        fail("{}: input {} does not exist (the model has {})", where, r.index, a.inputs.size());
        return std::nullopt;
      }
      return a.inputs[r.index].byteSize();
    case Ref::Kind::Output:
      if (r.index >= a.outputs.size()) {
        fail("{}: output {} does not exist (the model has {})", where, r.index, a.outputs.size());
        return std::nullopt;
      }
      return a.outputs[r.index].byteSize();
    case Ref::Kind::Constant:
      return constantBytes;
    case Ref::Kind::Arena:
      return a.arenaBytes;
    case Ref::Kind::Scalar:
      return std::nullopt;
    }
    return std::nullopt;
  }

  void memory(const Ref &r, uint64_t bytes, const std::string &where) {
    if (r.kind == Ref::Kind::Scalar) {
      fail("{}: needs device memory, got a scalar", where);
      return;
    }
    std::optional<uint64_t> size = regionSize(r, where);
    if (size && (r.offset > *size || bytes > *size - r.offset))
      fail("{}: [{}, {}) lies outside its region of {} bytes", where, r.offset, r.offset + bytes,
           *size);
  }

  void steps(const std::vector<Step> &list, const std::string &path) {
    for (size_t i = 0; i < list.size(); ++i) {
      const Step &s = list[i];
      std::string where = fmt::format("plan step {}{}", path, i);
      if (!s.location.empty())
        where += fmt::format(" ({})", s.location);
      if (s.stream >= a.streams)
        fail("{}: stream {} does not exist (the plan has {})", where, s.stream, a.streams);
      switch (s.kind) {
      case Step::Kind::Launch: {
        if (s.kernel >= a.kernels.size()) {
          fail("{}: kernel {} does not exist (the model has {})", where, s.kernel,
               a.kernels.size());
          break;
        }
        if (s.blockDim < 1 || s.blockDim > a.target.aiCores)
          fail("{}: block dim {} is not in [1, {}]", where, s.blockDim, a.target.aiCores);
        for (size_t k = 0; k < s.args.size(); ++k)
          if (s.args[k].kind != Ref::Kind::Scalar)
            memory(s.args[k], 0, fmt::format("{} argument {}", where, k));
        break;
      }
      case Step::Kind::Copy:
        memory(s.dst, s.bytes, where + " destination");
        memory(s.src, s.bytes, where + " source");
        break;
      case Step::Kind::HostCall:
        if (s.op.empty())
          fail("{}: host call without an op", where);
        if (s.inputs.size() != s.inputTypes.size() || s.outputs.size() != s.outputTypes.size())
          fail("{}: {} inputs with {} types, {} outputs with {} types", where, s.inputs.size(),
               s.inputTypes.size(), s.outputs.size(), s.outputTypes.size());
        else {
          for (size_t k = 0; k < s.inputs.size(); ++k)
            memory(s.inputs[k], s.inputTypes[k].byteSize(), fmt::format("{} input {}", where, k));
          for (size_t k = 0; k < s.outputs.size(); ++k)
            memory(s.outputs[k], s.outputTypes[k].byteSize(),
                   fmt::format("{} output {}", where, k));
        }
        break;
      case Step::Kind::If:
      case Step::Kind::Loop:
        memory(s.cond, 8, where + " condition");
        if (s.body.size() != (s.kind == Step::Kind::If ? 2u : 1u))
          fail("{}: {} needs {} bodies, has {}", where, s.kind == Step::Kind::If ? "if" : "loop",
               s.kind == Step::Kind::If ? 2 : 1, s.body.size());
        for (size_t b = 0; b < s.body.size(); ++b)
          steps(s.body[b], fmt::format("{}{}.{}.", path, i, b));
        break;
      case Step::Kind::Record:
      case Step::Kind::Wait:
        if (s.event >= a.events)
          fail("{}: event {} does not exist (the plan has {})", where, s.event, a.events);
        break;
      }
    }
  }

  void run() {
    for (const std::string &p : target::validate(a.target))
      fail("target: {}", p);
    const bool split = a.target.organization == target::CoreOrganization::Split;
    for (size_t k = 0; k < a.kernels.size(); ++k) {
      const Kernel &kernel = a.kernels[k];
      if (kernel.programs.empty())
        fail("kernel {} ('{}') has no program", k, kernel.name);
      for (const isa::Program &p : kernel.programs)
        if ((p.core == isa::CoreKind::Coupled) == split)
          fail("kernel {} ('{}') has a {} program but {} has {} cores", k, kernel.name,
               isa::coreKindName(p.core), a.target.name, split ? "split" : "coupled");
      for (const Kernel::Range &r : kernel.debugRanges)
        if (r.program >= kernel.programs.size() || r.begin > r.end ||
            r.end > kernel.programs[r.program].insts.size())
          fail("kernel {} ('{}'): debug range [{}, {}) of program {} is out of range", k,
               kernel.name, r.begin, r.end, r.program);
    }
    for (const auto *list : {&a.inputs, &a.outputs})
      for (const TensorDesc &t : *list)
        for (int64_t d : t.shape)
          if (d < 0)
            fail("tensor '{}' has a negative dimension {}", t.name, d);
    if (a.streams < 1)
      fail("the plan needs at least one stream");
    steps(a.plan, "");
  }
};

} // namespace

const char *elemTypeName(ElemType t) { return kElemNames[unsigned(t)]; }
std::optional<ElemType> parseElemType(std::string_view name) {
  for (unsigned i = 0; i < kNumElemTypes; ++i)
    if (name == kElemNames[i])
      return ElemType(i);
  return std::nullopt;
}
unsigned elemTypeBytes(ElemType t) { return kElemBytes[unsigned(t)]; }

uint64_t TensorDesc::numElements() const {
  uint64_t n = 1;
  for (int64_t d : shape)
    n *= d < 0 ? 0 : uint64_t(d);
  return n;
}

bool Step::operator==(const Step &o) const {
  return kind == o.kind && stream == o.stream && kernel == o.kernel && blockDim == o.blockDim &&
         args == o.args && dst == o.dst && src == o.src && bytes == o.bytes && op == o.op &&
         inputs == o.inputs && outputs == o.outputs && inputTypes == o.inputTypes &&
         outputTypes == o.outputTypes && attributes == o.attributes && cond == o.cond &&
         maxTrip == o.maxTrip && body == o.body && event == o.event && location == o.location;
}

bool Artifact::operator==(const Artifact &o) const {
  return target == o.target && kernels == o.kernels && constants == o.constants &&
         arenaBytes == o.arenaBytes && streams == o.streams && events == o.events &&
         inputs == o.inputs && outputs == o.outputs && plan == o.plan && metadata == o.metadata;
}

std::vector<std::string> verify(const Artifact &artifact) {
  Verifier v{artifact, artifact.constants.size(), {}};
  v.run();
  return std::move(v.problems);
}

bool looksLikeArtifact(const uint8_t *data, size_t size) {
  return size >= sizeof(kMagic) && std::memcmp(data, kMagic, sizeof(kMagic)) == 0;
}

Result<std::vector<uint8_t>> write(const Artifact &a) {
  std::vector<std::string> problems = verify(a);
  if (!problems.empty())
    return Error(std::move(problems));

  std::vector<std::pair<Section, std::vector<uint8_t>>> sections;
  {
    std::string json = target::toJSON(a.target);
    sections.emplace_back(Section::Target, std::vector<uint8_t>(json.begin(), json.end()));
  }
  {
    ByteWriter w;
    w.u32(uint32_t(a.kernels.size()));
    for (const Kernel &k : a.kernels) {
      w.str(k.name);
      w.u32(uint32_t(k.programs.size()));
      for (const isa::Program &p : k.programs) {
        w.u8(uint8_t(p.core));
        w.u32(uint32_t(p.insts.size()));
        Result<std::vector<uint8_t>> code = isa::encodeProgram(p);
        if (!code)
          return Error(fmt::format("kernel '{}': {}", k.name, code.error().str()));
        w.put(code->data(), code->size());
      }
    }
    sections.emplace_back(Section::Kernels, std::move(w.bytes));
  }
  sections.emplace_back(Section::Constants, a.constants);
  {
    ByteWriter w;
    w.u64(a.arenaBytes);
    w.u32(a.streams);
    w.u32(a.events);
    for (const auto *list : {&a.inputs, &a.outputs}) {
      w.u32(uint32_t(list->size()));
      for (const TensorDesc &t : *list)
        writeTensor(w, t);
    }
    sections.emplace_back(Section::Signature, std::move(w.bytes));
  }
  {
    ByteWriter w;
    writeSteps(w, a.plan);
    sections.emplace_back(Section::Plan, std::move(w.bytes));
  }
  {
    ByteWriter w;
    w.u32(uint32_t(a.kernels.size()));
    for (const Kernel &k : a.kernels) {
      w.u32(uint32_t(k.sourceNodes.size()));
      for (const std::string &s : k.sourceNodes)
        w.str(s);
      w.u32(uint32_t(k.debugRanges.size()));
      for (const Kernel::Range &r : k.debugRanges) {
        w.u8(r.program);
        w.u32(r.begin);
        w.u32(r.end);
        w.str(r.location);
      }
    }
    sections.emplace_back(Section::Debug, std::move(w.bytes));
  }
  {
    ByteWriter w;
    w.u32(uint32_t(a.metadata.size()));
    for (const auto &[key, value] : a.metadata) {
      w.str(key);
      w.str(value);
    }
    sections.emplace_back(Section::Metadata, std::move(w.bytes));
  }

  // Lay out: header, table, sections.
  ByteWriter out;
  out.put(kMagic, sizeof(kMagic));
  out.u32(kVersion);
  out.u32(uint32_t(sections.size()));
  out.u64(0); // file size, patched below
  out.u32(0); // table CRC, patched below
  out.u32(0);
  size_t tableAt = out.size();
  out.bytes.resize(tableAt + sections.size() * kEntryBytes, 0);
  std::vector<std::pair<uint64_t, uint64_t>> placed;
  for (auto &[kind, bytes] : sections) {
    out.alignTo(kind == Section::Constants ? kConstantAlign : kSectionAlign);
    placed.emplace_back(out.size(), bytes.size());
    out.put(bytes.data(), bytes.size());
  }
  for (size_t i = 0; i < sections.size(); ++i) {
    ByteWriter e;
    e.u32(uint32_t(sections[i].first));
    e.u32(crc32(sections[i].second.data(), sections[i].second.size()));
    e.u64(placed[i].first);
    e.u64(placed[i].second);
    std::memcpy(out.bytes.data() + tableAt + i * kEntryBytes, e.bytes.data(), kEntryBytes);
  }
  uint64_t total = out.size();
  std::memcpy(out.bytes.data() + 16, &total, 8);
  uint32_t tableCrc = crc32(out.bytes.data() + tableAt, sections.size() * kEntryBytes);
  std::memcpy(out.bytes.data() + 24, &tableCrc, 4);
  return std::move(out.bytes);
}

Result<Artifact> read(const uint8_t *data, size_t size, std::string_view source,
                      ConstantsView *constantsInPlace) {
  auto fail = [&](const std::string &what) { return Error(fmt::format("{}: {}", source, what)); };
  if (size < kHeaderBytes)
    return fail(fmt::format("file of {} bytes is too short for a pagoda model", size));
  if (!looksLikeArtifact(data, size))
    return fail("not a pagoda model (bad magic)");
  ByteReader h(data, kHeaderBytes);
  h.take(sizeof(kMagic), "magic");
  uint32_t version = h.u32();
  if (version != kVersion)
    return fail(fmt::format("format version {} is not supported (this pagoda reads {}); "
                            "recompile the model",
                            version, kVersion));
  uint32_t count = h.u32();
  uint64_t total = h.u64();
  uint32_t tableCrc = h.u32();
  if (h.u32() != 0)
    return fail("header bytes 28-31 must be zero");
  if (total != size)
    return fail(
        fmt::format("the header says {} bytes but the file has {} (truncated?)", total, size));
  if (count > kNumSectionKinds || count > (size - kHeaderBytes) / kEntryBytes)
    return fail(fmt::format("implausible section count {}", count));
  if (crc32(data + kHeaderBytes, count * kEntryBytes) != tableCrc)
    return fail("the section table is corrupted (checksum mismatch)");

  std::map<uint32_t, std::pair<const uint8_t *, uint64_t>> found;
  ByteReader t(data + kHeaderBytes, count * kEntryBytes, kHeaderBytes);
  // The layout is canonical: sections in kind order, each at the next
  // aligned offset, so a file has exactly one valid encoding.
  uint64_t expected = kHeaderBytes + uint64_t(count) * kEntryBytes;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t kind = t.u32(), crc = t.u32();
    uint64_t offset = t.u64(), bytes = t.u64();
    if (kind < 1 || kind > kNumSectionKinds)
      return fail(fmt::format("section {} has unknown kind {}", i, kind));
    if (found.count(kind))
      return fail(fmt::format("section '{}' appears twice", sectionName(kind)));
    if (kind != i + 1)
      return fail(fmt::format("section {} is '{}', expected '{}'", i, sectionName(kind),
                              sectionName(i + 1)));
    const uint64_t align = kind == uint32_t(Section::Constants) ? kConstantAlign : kSectionAlign;
    expected = (expected + align - 1) / align * align;
    if (offset != expected)
      return fail(fmt::format("section '{}' starts at {:#x}, expected {:#x}", sectionName(kind),
                              offset, expected));
    if (offset < kHeaderBytes + count * kEntryBytes || offset > size || bytes > size - offset)
      return fail(fmt::format("section '{}' [{}, +{}) lies outside the file of {} bytes",
                              sectionName(kind), offset, bytes, size));
    if (crc32(data + offset, bytes) != crc)
      return fail(fmt::format("section '{}' is corrupted (checksum mismatch)", sectionName(kind)));
    found[kind] = {data + offset, bytes};
    expected = offset + bytes;
  }
  for (uint32_t kind = 1; kind <= kNumSectionKinds; ++kind)
    if (!found.count(kind))
      return fail(fmt::format("section '{}' is missing", sectionName(kind)));
  // Sections must not overlap, and every byte between them is zero padding
  // (so no byte of the file escapes a check).
  {
    std::vector<std::pair<uint64_t, uint64_t>> spans;
    for (const auto &[kind, span] : found)
      spans.emplace_back(uint64_t(span.first - data), span.second);
    std::sort(spans.begin(), spans.end());
    uint64_t cursor = kHeaderBytes + uint64_t(count) * kEntryBytes;
    for (const auto &[offset, bytes] : spans) {
      if (offset < cursor)
        return fail(fmt::format("sections overlap at offset {:#x}", offset));
      for (uint64_t b = cursor; b < offset; ++b)
        if (data[b])
          return fail(fmt::format("padding byte at offset {:#x} is not zero (corrupted?)", b));
      cursor = offset + bytes;
    }
    if (cursor != size)
      return fail(fmt::format("{} bytes follow the last section", size - cursor));
  }

  Artifact a;
  auto section = [&](Section s) {
    auto [p, n] = found[uint32_t(s)];
    return ByteReader(p, n, size_t(p - data));
  };
  {
    auto [p, n] = found[uint32_t(Section::Target)];
    Result<target::TargetDesc> td =
        target::parseTargetJSON(std::string_view(reinterpret_cast<const char *>(p), n),
                                fmt::format("{} (target section)", source));
    if (!td)
      return td.error();
    a.target = std::move(*td);
    if (target::toJSON(a.target) != std::string_view(reinterpret_cast<const char *>(p), n))
      return fail("section 'target': not in canonical form (rewritten by hand?)");
  }
  auto sectionError = [&](const char *name, const ByteReader &r) {
    return fail(fmt::format("section '{}': {}", name, r.error()));
  };
  {
    ByteReader r = section(Section::Kernels);
    uint32_t n = r.count(9, "kernels");
    for (uint32_t k = 0; k < n && r.ok(); ++k) {
      Kernel kernel;
      kernel.name = r.str(4096);
      uint32_t np = r.count(5, "programs");
      if (r.ok() && np > 3)
        r.fail(fmt::format("kernel '{}' has {} programs (at most 3)", kernel.name, np));
      for (uint32_t p = 0; p < np && r.ok(); ++p) {
        isa::Program prog;
        prog.kernel = kernel.name;
        uint8_t core = r.u8();
        if (r.ok() && core > uint8_t(isa::CoreKind::Coupled))
          r.fail(fmt::format("kernel '{}': unknown core kind {}", kernel.name, core));
        prog.core = isa::CoreKind(core);
        uint32_t ninst = r.count(isa::kInstBytes, "instructions");
        size_t at = r.offset();
        const uint8_t *code = r.take(size_t(ninst) * isa::kInstBytes, "code");
        if (!r.ok())
          break;
        Result<std::vector<isa::Inst>> insts =
            isa::decodeAll(code, size_t(ninst) * isa::kInstBytes);
        if (!insts)
          return fail(fmt::format("kernel '{}' ({} program at section offset {:#x}): {}",
                                  kernel.name, isa::coreKindName(prog.core), at,
                                  insts.error().str()));
        prog.insts = std::move(*insts);
        kernel.programs.push_back(std::move(prog));
      }
      a.kernels.push_back(std::move(kernel));
    }
    if (r.ok() && !r.atEnd())
      r.fail("trailing bytes");
    if (!r.ok())
      return sectionError("kernels", r);
  }
  {
    auto [p, n] = found[uint32_t(Section::Constants)];
    if (constantsInPlace)
      *constantsInPlace = {p, n};
    else
      a.constants.assign(p, p + n);
  }
  {
    ByteReader r = section(Section::Signature);
    a.arenaBytes = r.u64();
    a.streams = r.u32();
    a.events = r.u32();
    for (auto *list : {&a.inputs, &a.outputs}) {
      uint32_t n = r.count(9, "tensors");
      for (uint32_t i = 0; i < n && r.ok(); ++i) {
        TensorDesc td;
        if (readTensor(r, td))
          list->push_back(std::move(td));
      }
    }
    if (r.ok() && !r.atEnd())
      r.fail("trailing bytes");
    if (!r.ok())
      return sectionError("signature", r);
  }
  {
    ByteReader r = section(Section::Plan);
    readSteps(r, a.plan, 0);
    if (r.ok() && !r.atEnd())
      r.fail("trailing bytes");
    if (!r.ok())
      return sectionError("plan", r);
  }
  {
    ByteReader r = section(Section::Debug);
    uint32_t n = r.count(8, "kernels");
    if (r.ok() && n != a.kernels.size())
      r.fail(fmt::format("debug info for {} kernels, but the model has {}", n, a.kernels.size()));
    for (uint32_t k = 0; k < n && r.ok(); ++k) {
      uint32_t ns = r.count(4, "source nodes");
      for (uint32_t i = 0; i < ns && r.ok(); ++i)
        a.kernels[k].sourceNodes.push_back(r.str());
      uint32_t nr = r.count(13, "ranges");
      for (uint32_t i = 0; i < nr && r.ok(); ++i) {
        Kernel::Range range;
        range.program = r.u8();
        range.begin = r.u32();
        range.end = r.u32();
        range.location = r.str();
        a.kernels[k].debugRanges.push_back(std::move(range));
      }
    }
    if (r.ok() && !r.atEnd())
      r.fail("trailing bytes");
    if (!r.ok())
      return sectionError("debug", r);
  }
  {
    ByteReader r = section(Section::Metadata);
    uint32_t n = r.count(8, "metadata entries");
    for (uint32_t i = 0; i < n && r.ok(); ++i) {
      std::string key = r.str();
      if (r.ok() && !a.metadata.empty() && !(a.metadata.rbegin()->first < key))
        r.fail(fmt::format("metadata key '{}' out of order or repeated", key));
      a.metadata[key] = r.str();
    }
    if (r.ok() && !r.atEnd())
      r.fail("trailing bytes");
    if (!r.ok())
      return sectionError("metadata", r);
  }
  Verifier v{a, found[uint32_t(Section::Constants)].second, {}};
  v.run();
  std::vector<std::string> problems = std::move(v.problems);
  if (!problems.empty()) {
    for (std::string &p : problems)
      p = fmt::format("{}: {}", source, p);
    return Error(std::move(problems));
  }
  return a;
}

} // namespace pagoda::artifact
