//===- MakeModel.cpp - Writes sample models for tests and fuzz seeds ------===//
//
//   pagoda-test-make-model OUT.pgd          the every-step sample model
//   pagoda-test-make-model --vadd OUT.pgd   c = a + b, d = relu(c), f16[1024]
//
//===----------------------------------------------------------------------===//

#include "ArtifactSample.h"

#include "pagoda/Support/File.h"

#include <cstdio>
#include <cstring>

int main(int argc, char **argv) {
  bool vadd = argc == 3 && std::strcmp(argv[1], "--vadd") == 0;
  if (argc != 2 && !vadd) {
    std::fprintf(stderr, "usage: pagoda-test-make-model [--vadd] OUT.pgd\n");
    return 2;
  }
  const char *out = argv[argc - 1];
  pagoda::Result<std::vector<uint8_t>> bytes = pagoda::artifact::write(
      vadd ? pagoda::test::vaddArtifact(1) : pagoda::test::sampleArtifact());
  if (!bytes || !pagoda::writeFile(out, bytes->data(), bytes->size())) {
    std::fprintf(stderr, "pagoda-test-make-model: cannot write %s\n", out);
    return 1;
  }
  return 0;
}
