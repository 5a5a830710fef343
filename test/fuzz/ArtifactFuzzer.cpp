//===- ArtifactFuzzer.cpp - libFuzzer target for the model reader ---------===//
//
// Arbitrary bytes must never crash the artifact reader, and whatever it
// accepts must write back to the same bytes. Mutated inputs almost always
// fail a checksum first, so each input is also read a second time with its
// checksums and size field repaired, which lets the fuzzer reach the
// section parsers and the verifier.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Artifact/Artifact.h"
#include "pagoda/Support/CRC32.h"

#include <cstring>
#include <vector>

namespace {

void check(const uint8_t *data, size_t size) {
  pagoda::Result<pagoda::artifact::Artifact> a = pagoda::artifact::read(data, size, "fuzz");
  if (a) {
    pagoda::Result<std::vector<uint8_t>> bytes = pagoda::artifact::write(*a);
    if (!bytes || bytes->size() != size || std::memcmp(bytes->data(), data, size) != 0)
      __builtin_trap();
  }
}

/// Rewrites the header's size, each section's CRC and the table's CRC.
void repair(std::vector<uint8_t> &b) {
  if (b.size() < 32 || !pagoda::artifact::looksLikeArtifact(b.data(), b.size()))
    return;
  uint64_t size = b.size();
  std::memcpy(&b[16], &size, 8);
  uint32_t count;
  std::memcpy(&count, &b[12], 4);
  if (count > 16 || 32 + uint64_t(count) * 24 > size)
    return;
  for (uint32_t i = 0; i < count; ++i) {
    uint8_t *e = &b[32 + i * 24];
    uint64_t offset, bytes;
    std::memcpy(&offset, e + 8, 8);
    std::memcpy(&bytes, e + 16, 8);
    if (offset <= size && bytes <= size - offset) {
      uint32_t crc = pagoda::crc32(&b[offset], bytes);
      std::memcpy(e + 4, &crc, 4);
    }
  }
  uint32_t table = pagoda::crc32(&b[32], count * 24);
  std::memcpy(&b[24], &table, 4);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  check(data, size);
  std::vector<uint8_t> fixed(data, data + size);
  repair(fixed);
  check(fixed.data(), fixed.size());
  return 0;
}
