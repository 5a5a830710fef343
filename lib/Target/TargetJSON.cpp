//===- TargetJSON.cpp - Strict JSON reading and writing of targets --------===//
//
// The schema is written once, in mapTarget(), and walked by a reader and a
// writer, so the two cannot drift apart. This file is built with exceptions
// (nlohmann_json reports errors by throwing) and catches all of them.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Target/TargetJSON.h"
#include "pagoda/Target/Presets.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <sstream>

namespace pagoda::target {
namespace {

using json = nlohmann::ordered_json;

/// Reads a JSON object tree into a TargetDesc, recording one message per
/// problem with the dotted path of the field, and rejecting unknown fields.
class Reader {
public:
  explicit Reader(const json &root) { stack_.push_back({&root, "", {}}); }

  std::vector<std::string> messages;

  template <typename T> void field(const char *key, T &out) {
    const json *v = lookup(key);
    if (!v) {
      fail(key, "is missing");
      return;
    }
    read(key, *v, out);
  }

  /// A nested object that must be present.
  void object(const char *key, const std::function<void()> &body) {
    const json *v = lookup(key);
    if (!v) {
      fail(key, "is missing");
      return;
    }
    if (!v->is_object()) {
      fail(key, fmt::format("must be an object, got {}", describe(*v)));
      return;
    }
    enter(key, v);
    body();
    leave();
  }

  /// A nested object that may be absent; `out` is engaged when present.
  template <typename T>
  void optionalObject(const char *key, std::optional<T> &out,
                      const std::function<void(T &)> &body) {
    out.reset();
    const json *v = lookup(key);
    if (!v)
      return;
    if (!v->is_object()) {
      fail(key, fmt::format("must be an object, got {}", describe(*v)));
      return;
    }
    out.emplace();
    enter(key, v);
    body(*out);
    leave();
  }

private:
  struct Frame {
    const json *obj;
    std::string path;
    std::set<std::string> used;
  };
  std::vector<Frame> stack_;

  std::string qualified(const char *key) const {
    const std::string &p = stack_.back().path;
    return p.empty() ? std::string(key) : p + "." + key;
  }
  void fail(const char *key, const std::string &what) {
    messages.push_back(fmt::format("field '{}': {}", qualified(key), what));
  }
  const json *lookup(const char *key) {
    Frame &f = stack_.back();
    f.used.insert(key);
    auto it = f.obj->find(key);
    return it == f.obj->end() ? nullptr : &*it;
  }
  void enter(const char *key, const json *v) { stack_.push_back({v, qualified(key), {}}); }
  void leave() {
    reportUnknown();
    stack_.pop_back();
  }

public:
  /// Reports keys of the current object that the schema did not ask for.
  void reportUnknown() {
    const Frame &f = stack_.back();
    for (auto it = f.obj->begin(); it != f.obj->end(); ++it) {
      if (f.used.count(it.key()))
        continue;
      std::string known;
      for (const std::string &k : f.used)
        known += (known.empty() ? "" : ", ") + k;
      std::string where = f.path.empty() ? it.key() : f.path + "." + it.key();
      messages.push_back(fmt::format("field '{}': unknown field (known here: {})", where, known));
    }
  }

private:
  static std::string describe(const json &v) {
    std::string text = v.dump();
    if (text.size() > 40)
      text = text.substr(0, 37) + "...";
    return fmt::format("{} {}", v.type_name(), text);
  }

  template <typename U> void readUnsigned(const char *key, const json &v, U &out) {
    if (!v.is_number_integer() || (v.is_number_integer() && !v.is_number_unsigned())) {
      fail(key, fmt::format("must be a non-negative integer, got {}", describe(v)));
      return;
    }
    uint64_t x = v.get<uint64_t>();
    if (x > std::numeric_limits<U>::max()) {
      fail(key, fmt::format("{} is out of range (at most {})", x, std::numeric_limits<U>::max()));
      return;
    }
    out = static_cast<U>(x);
  }
  void read(const char *key, const json &v, uint64_t &out) { readUnsigned(key, v, out); }
  void read(const char *key, const json &v, uint32_t &out) { readUnsigned(key, v, out); }
  void read(const char *key, const json &v, int &out) {
    if (!v.is_number_integer()) {
      fail(key, fmt::format("must be an integer, got {}", describe(v)));
      return;
    }
    out = v.get<int>();
  }
  void read(const char *key, const json &v, double &out) {
    if (!v.is_number()) {
      fail(key, fmt::format("must be a number, got {}", describe(v)));
      return;
    }
    out = v.get<double>();
  }
  void read(const char *key, const json &v, std::string &out) {
    if (!v.is_string()) {
      fail(key, fmt::format("must be a string, got {}", describe(v)));
      return;
    }
    out = v.get<std::string>();
  }
  void read(const char *key, const json &v, CoreOrganization &out) {
    std::string s;
    if (v.is_string())
      s = v.get<std::string>();
    if (s == "coupled")
      out = CoreOrganization::Coupled;
    else if (s == "split")
      out = CoreOrganization::Split;
    else
      fail(key, fmt::format("must be \"coupled\" or \"split\", got {}", describe(v)));
  }
};

/// Writes a TargetDesc as an ordered JSON tree.
class Writer {
public:
  json root = json::object();

  template <typename T> void field(const char *key, T &value) { (*cur_)[key] = value; }
  void field(const char *key, CoreOrganization &org) { (*cur_)[key] = organizationName(org); }
  void object(const char *key, const std::function<void()> &body) {
    json *saved = cur_;
    (*cur_)[key] = json::object();
    cur_ = &(*cur_)[key];
    body();
    cur_ = saved;
  }
  template <typename T>
  void optionalObject(const char *key, std::optional<T> &value,
                      const std::function<void(T &)> &body) {
    if (!value)
      return;
    object(key, [&] { body(*value); });
  }

private:
  json *cur_ = &root;
};

/// The schema: every field of TargetDesc and its JSON name, in output order.
template <typename IO> void mapTarget(IO &io, TargetDesc &t) {
  io.field("format_version", t.formatVersion);
  io.field("name", t.name);
  io.field("description", t.description);
  io.object("cores", [&] {
    io.field("organization", t.organization);
    io.field("ai_cores", t.aiCores);
    io.field("vector_cores_per_ai_core", t.vectorCoresPerAiCore);
    io.field("clock_ghz", t.clockGHz);
  });
  io.object("cube", [&] {
    io.field("latency_cycles", t.cubeLatencyCycles);
    io.object("shapes", [&] {
      for (unsigned i = 0; i < kNumCubeTypes; ++i)
        io.template optionalObject<CubeShape>(cubeTypeName(static_cast<CubeType>(i)),
                                              t.cubeShapes[i], [&](CubeShape &s) {
                                                io.field("m", s.m);
                                                io.field("k", s.k);
                                                io.field("n", s.n);
                                              });
    });
  });
  io.object("vector", [&] {
    io.field("bytes_per_cycle", t.vectorBytesPerCycle);
    io.field("block_bytes", t.vectorBlockBytes);
    io.field("blocks_per_repeat", t.vectorBlocksPerRepeat);
    io.field("max_repeat", t.vectorMaxRepeat);
    io.field("min_cycles", t.vectorMinCycles);
  });
  io.object("scalar", [&] { io.field("cycles_per_instruction", t.scalarCyclesPerInstruction); });
  io.object("pipes", [&] { io.field("queue_depth", t.pipeQueueDepth); });
  io.object("buffers", [&] {
    for (unsigned i = 1; i < kNumMemSpaces; ++i)
      io.object(memSpaceName(static_cast<MemSpace>(i)), [&] {
        io.field("size_bytes", t.buffers[i].sizeBytes);
        io.field("align_bytes", t.buffers[i].alignBytes);
      });
  });
  io.object("paths", [&] {
    for (unsigned i = 0; i < kNumPaths; ++i)
      io.template optionalObject<PathSpec>(pathInfo(static_cast<Path>(i)).name, t.paths[i],
                                           [&](PathSpec &p) {
                                             io.field("bytes_per_cycle", p.bytesPerCycle);
                                             io.field("latency_cycles", p.latencyCycles);
                                           });
  });
  io.object("dma", [&] {
    io.field("full_rate_align_bytes", t.dmaFullRateAlignBytes);
    io.field("min_align_bytes", t.dmaMinAlignBytes);
    io.field("partial_align_efficiency", t.dmaPartialAlignEfficiency);
  });
  io.object("hbm", [&] {
    io.field("size_bytes", t.hbmBytes);
    io.field("bandwidth_gb_per_s", t.hbmGBps);
    io.field("miss_latency_cycles", t.hbmMissLatencyCycles);
  });
  io.object("l2", [&] {
    io.field("size_bytes", t.l2Bytes);
    io.field("bandwidth_gb_per_s", t.l2GBps);
    io.field("line_bytes", t.l2LineBytes);
  });
  io.object("sync", [&] {
    io.field("event_ids", t.eventIds);
    io.field("cross_core_flag_ids", t.crossCoreFlagIds);
  });
  io.object("launch", [&] { io.field("overhead_us", t.launchOverheadUs); });
  io.object("interconnect", [&] { io.field("chip_link_gb_per_s", t.chipLinkGBps); });
  io.object("host", [&] {
    io.field("link_gb_per_s", t.hostLinkGBps);
    io.field("transfer_latency_us", t.hostTransferLatencyUs);
    io.field("gflops", t.hostGflops);
    io.field("memory_gb_per_s", t.hostMemoryGBps);
  });
}

Error prefixed(std::string_view source, std::vector<std::string> messages) {
  for (std::string &m : messages)
    m = fmt::format("{}: {}", source, m);
  return Error(std::move(messages));
}

} // namespace

Result<TargetDesc> parseTargetJSON(std::string_view text, std::string_view source) {
  json root;
  try {
    root = json::parse(text.begin(), text.end());
  } catch (const json::parse_error &e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line L,
    // column C: ..."; drop the library's bracketed tag.
    std::string what = e.what();
    auto pos = what.find("] ");
    if (pos != std::string::npos)
      what = what.substr(pos + 2);
    return Error(fmt::format("{}: malformed JSON: {}", source, what));
  } catch (const std::exception &e) {
    return Error(fmt::format("{}: malformed JSON: {}", source, e.what()));
  }
  if (!root.is_object())
    return Error(fmt::format("{}: a target description must be a JSON object, got {}", source,
                             root.type_name()));

  // Version 1 had no host object; say what changed rather than only that it
  // is missing.
  if (auto v = root.find("format_version"); v != root.end() && *v == 1 && !root.contains("host"))
    return Error(fmt::format(
        "{}: format_version 1 predates the 'host' object (version 2): add \"host\": "
        "{{\"link_gb_per_s\", \"transfer_latency_us\", \"gflops\", \"memory_gb_per_s\"}} and "
        "set format_version to 2 (docs/targets.md)",
        source));

  TargetDesc desc;
  Reader reader(root);
  try {
    mapTarget(reader, desc);
    reader.reportUnknown();
  } catch (const std::exception &e) {
    return Error(fmt::format("{}: {}", source, e.what()));
  }
  if (!reader.messages.empty())
    return prefixed(source, std::move(reader.messages));
  std::vector<std::string> problems = validate(desc);
  if (!problems.empty())
    return prefixed(source, std::move(problems));
  return desc;
}

Result<TargetDesc> loadTargetFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Error(fmt::format("{}: cannot open target description", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    return Error(fmt::format("{}: read error", path));
  return parseTargetJSON(text.str(), path);
}

std::string toJSON(const TargetDesc &desc) {
  TargetDesc copy = desc;
  Writer writer;
  mapTarget(writer, copy);
  return writer.root.dump(2) + "\n";
}

// Equality is defined by the schema, so a field added to mapTarget() can never
// be forgotten here; JSON numbers round-trip doubles exactly.
bool TargetDesc::operator==(const TargetDesc &o) const { return toJSON(*this) == toJSON(o); }

Result<TargetDesc> resolveTarget(const std::string &nameOrPath) {
  if (std::optional<TargetDesc> preset = getPreset(nameOrPath))
    return *preset;
  const std::string ext = ".json";
  if (nameOrPath.size() > ext.size() &&
      nameOrPath.compare(nameOrPath.size() - ext.size(), ext.size(), ext) == 0)
    return loadTargetFile(nameOrPath);
  std::string names;
  for (const std::string &n : presetNames())
    names += (names.empty() ? "" : ", ") + n;
  return Error(
      fmt::format("unknown target '{}' (presets: {}; or give a .json file)", nameOrPath, names));
}

} // namespace pagoda::target
