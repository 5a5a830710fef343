//===- TargetJSONTest.cpp - Strict loading and saving of targets ----------===//

#include "pagoda/Target/TargetJSON.h"
#include "pagoda/Target/Presets.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

using namespace pagoda;
using namespace pagoda::target;
using json = nlohmann::ordered_json;

namespace {

json presetJSON(const char *name) { return json::parse(toJSON(*getPreset(name))); }

/// Parses `doc` and expects failure; returns all messages joined.
std::string expectError(const json &doc) {
  Result<TargetDesc> r = parseTargetJSON(doc.dump(), "chip.json");
  EXPECT_FALSE(r.ok());
  return r.ok() ? std::string() : r.error().str();
}

#define EXPECT_HAS(haystack, needle)                                                               \
  EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

TEST(TargetJSON, EveryPresetRoundTrips) {
  for (const std::string &name : presetNames()) {
    TargetDesc original = *getPreset(name);
    std::string text = toJSON(original);
    Result<TargetDesc> back = parseTargetJSON(text, name);
    ASSERT_TRUE(back.ok()) << back.error().str();
    EXPECT_EQ(*back, original) << name;
    EXPECT_EQ(toJSON(*back), text) << name; // stable bytes
  }
}

TEST(TargetJSON, EqualityNoticesAnyField) {
  TargetDesc a = *getPreset("ascend-950pr"), b = a;
  EXPECT_EQ(a, b);
  b.path(Path::L1ToL0B)->latencyCycles += 1;
  EXPECT_NE(a, b);
  b = a;
  b.description += ".";
  EXPECT_NE(a, b);
}

TEST(TargetJSON, VersionOneSaysWhatToAdd) {
  json doc = presetJSON("ascend-950pr");
  doc["format_version"] = 1;
  doc.erase("host");
  std::string e = expectError(doc);
  EXPECT_HAS(e, "chip.json: format_version 1 predates the 'host' object (version 2)");
  EXPECT_HAS(e, "link_gb_per_s");
  // A version-2 file without it is a plain missing field.
  doc["format_version"] = 2;
  EXPECT_HAS(expectError(doc), "host");
}

TEST(TargetJSON, UserChipLoads) {
  json doc = presetJSON("ascend-950pr");
  doc["name"] = "my-chip";
  doc["buffers"]["ub"]["size_bytes"] = 512 * 1024;
  doc["hbm"]["bandwidth_gb_per_s"] = 3200.5;
  doc["paths"].erase("ub_to_l1");
  Result<TargetDesc> r = parseTargetJSON(doc.dump(), "my-chip.json");
  ASSERT_TRUE(r.ok()) << r.error().str();
  EXPECT_EQ(r->name, "my-chip");
  EXPECT_EQ(r->buffer(MemSpace::UB).sizeBytes, 512u * 1024);
  EXPECT_DOUBLE_EQ(r->hbmGBps, 3200.5);
  EXPECT_FALSE(r->hasPath(Path::UbToL1));
}

TEST(TargetJSON, MalformedJSONNamesThePosition) {
  Result<TargetDesc> r = parseTargetJSON("{\"name\": \"x\",\n  \"cores\": }", "bad.json");
  ASSERT_FALSE(r.ok());
  std::string e = r.error().str();
  EXPECT_HAS(e, "bad.json: malformed JSON");
  EXPECT_HAS(e, "line 2");
  EXPECT_FALSE(parseTargetJSON("", "empty.json").ok());
  EXPECT_HAS(parseTargetJSON("[1, 2]", "a.json").error().str(), "must be a JSON object");
}

TEST(TargetJSON, NegativeSizeIsRejected) {
  json doc = presetJSON("ascend-950pr");
  doc["buffers"]["l1"]["size_bytes"] = -5;
  std::string e = expectError(doc);
  EXPECT_HAS(e, "chip.json: field 'buffers.l1.size_bytes': must be a non-negative integer");
  EXPECT_HAS(e, "-5");
}

TEST(TargetJSON, L0ALargerThanL1IsRejected) {
  json doc = presetJSON("ascend-950pr");
  doc["buffers"]["l0a"]["size_bytes"] = 1024 * 1024;
  std::string e = expectError(doc);
  EXPECT_HAS(e, "field 'buffers.l0a.size_bytes': 1048576 exceeds buffers.l1.size_bytes");
}

TEST(TargetJSON, UnknownFieldsAreRejected) {
  json doc = presetJSON("ascend-950pr");
  doc["cores"]["ai_core"] = 4; // typo of ai_cores
  EXPECT_HAS(expectError(doc), "field 'cores.ai_core': unknown field");

  doc = presetJSON("ascend-950pr");
  doc["colour"] = "red";
  EXPECT_HAS(expectError(doc), "field 'colour': unknown field");

  doc = presetJSON("ascend-950pr");
  doc["paths"]["gm_to_l2"] = {{"bytes_per_cycle", 1}, {"latency_cycles", 1}};
  EXPECT_HAS(expectError(doc), "field 'paths.gm_to_l2': unknown field");

  doc = presetJSON("ascend-950pr");
  doc["cube"]["shapes"]["f16"]["q"] = 1;
  EXPECT_HAS(expectError(doc), "field 'cube.shapes.f16.q': unknown field");
}

TEST(TargetJSON, MissingAndMistypedFields) {
  json doc = presetJSON("ascend-950pr");
  doc["hbm"].erase("size_bytes");
  EXPECT_HAS(expectError(doc), "field 'hbm.size_bytes': is missing");

  doc = presetJSON("ascend-950pr");
  doc.erase("sync");
  EXPECT_HAS(expectError(doc), "field 'sync': is missing");

  doc = presetJSON("ascend-950pr");
  doc["cores"]["clock_ghz"] = "fast";
  EXPECT_HAS(expectError(doc), "field 'cores.clock_ghz': must be a number");

  doc = presetJSON("ascend-950pr");
  doc["cores"]["ai_cores"] = 2.5;
  EXPECT_HAS(expectError(doc), "field 'cores.ai_cores': must be a non-negative integer");

  doc = presetJSON("ascend-950pr");
  doc["cores"]["organization"] = "fused";
  EXPECT_HAS(expectError(doc), "field 'cores.organization': must be \"coupled\" or \"split\"");

  doc = presetJSON("ascend-950pr");
  doc["sync"]["event_ids"] = uint64_t(1) << 40;
  EXPECT_HAS(expectError(doc), "field 'sync.event_ids': 1099511627776 is out of range");

  doc = presetJSON("ascend-950pr");
  doc["buffers"] = 7;
  EXPECT_HAS(expectError(doc), "field 'buffers': must be an object");
}

TEST(TargetJSON, FileLoadingAndResolution) {
  EXPECT_HAS(loadTargetFile("/nonexistent/chip.json").error().str(),
             "/nonexistent/chip.json: cannot open");
  Result<TargetDesc> unknown = resolveTarget("ascend-123");
  ASSERT_FALSE(unknown.ok());
  EXPECT_HAS(unknown.error().str(), "unknown target 'ascend-123'");
  EXPECT_HAS(unknown.error().str(), "ascend-950pr");
  ASSERT_TRUE(resolveTarget("ascend-910b2").ok());

  std::string path = ::testing::TempDir() + "pagoda-target-test.json";
  {
    std::ofstream out(path);
    out << toJSON(*getPreset("ascend-950dt"));
  }
  Result<TargetDesc> loaded = resolveTarget(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().str();
  EXPECT_EQ(loaded->name, "ascend-950dt");
  std::remove(path.c_str());
}

} // namespace
