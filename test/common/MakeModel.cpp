//===- ArtifactSeed.cpp - Writes the sample model for tests and fuzz seeds ===//

#include "ArtifactSample.h"

#include "pagoda/Support/File.h"

#include <cstdio>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: pagoda-test-make-model OUT.pgd\n");
    return 2;
  }
  pagoda::Result<std::vector<uint8_t>> bytes =
      pagoda::artifact::write(pagoda::test::sampleArtifact());
  if (!bytes || !pagoda::writeFile(argv[1], bytes->data(), bytes->size())) {
    std::fprintf(stderr, "pagoda-test-make-model: cannot write %s\n", argv[1]);
    return 1;
  }
  return 0;
}
