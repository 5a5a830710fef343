//===- ArtifactTest.cpp - Compiled-model files: round trip and rejection --===//

#include "../../common/ArtifactSample.h"

#include <gtest/gtest.h>

#include <random>

using namespace pagoda;
using namespace pagoda::artifact;

namespace {

#define EXPECT_HAS(haystack, needle)                                                               \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

TEST(Artifact, RoundTripsDeterministically) {
  Artifact a = test::sampleArtifact();
  Result<std::vector<uint8_t>> bytes = write(a);
  ASSERT_TRUE(bytes.ok()) << bytes.error().str();
  EXPECT_TRUE(looksLikeArtifact(bytes->data(), bytes->size()));
  Result<Artifact> back = read(bytes->data(), bytes->size(), "m.pgd");
  ASSERT_TRUE(back.ok()) << back.error().str();
  EXPECT_TRUE(*back == a);
  EXPECT_EQ(*write(*back), *bytes);
  // Constants start on a 4096-byte boundary, so the runtime can map them.
  size_t at = 0;
  for (size_t i = 0; i + a.constants.size() <= bytes->size(); ++i)
    if (std::equal(a.constants.begin(), a.constants.end(), bytes->begin() + long(i))) {
      at = i;
      break;
    }
  EXPECT_EQ(at % 4096, 0u);
}

TEST(Artifact, ConstantsCanStayInPlace) {
  Artifact a = test::sampleArtifact();
  std::vector<uint8_t> bytes = *write(a);
  ConstantsView view;
  Result<Artifact> back = read(bytes.data(), bytes.size(), "m.pgd", &view);
  ASSERT_TRUE(back.ok()) << back.error().str();
  EXPECT_TRUE(back->constants.empty());
  ASSERT_EQ(view.size, a.constants.size());
  EXPECT_GE(view.data, bytes.data());
  EXPECT_LE(view.data + view.size, bytes.data() + bytes.size());
  EXPECT_TRUE(std::equal(a.constants.begin(), a.constants.end(), view.data));
  // The checksum still covers them.
  bytes[size_t(view.data - bytes.data()) + 3] ^= 1;
  EXPECT_FALSE(read(bytes.data(), bytes.size(), "m.pgd", &view).ok());
}

TEST(Artifact, EveryByteIsChecked) {
  Result<std::vector<uint8_t>> bytes = write(test::sampleArtifact());
  ASSERT_TRUE(bytes.ok());
  for (size_t i = 0; i < bytes->size(); ++i) {
    std::vector<uint8_t> bad = *bytes;
    bad[i] ^= 0x21;
    EXPECT_FALSE(read(bad.data(), bad.size(), "m.pgd").ok()) << "byte " << i;
  }
  for (size_t n : {size_t(0), size_t(7), size_t(31), size_t(100), bytes->size() - 1})
    EXPECT_FALSE(read(bytes->data(), n, "m.pgd").ok()) << n;
}

TEST(Artifact, ErrorsSayWhatIsWrong) {
  std::vector<uint8_t> bytes = *write(test::sampleArtifact());
  std::vector<uint8_t> bad = bytes;
  bad[0] = 'X';
  EXPECT_EQ(read(bad.data(), bad.size(), "m.pgd").error().str(),
            "m.pgd: not a pagoda model (bad magic)");
  bad = bytes;
  bad[8] = 9;
  EXPECT_EQ(read(bad.data(), bad.size(), "m.pgd").error().str(),
            "m.pgd: format version 9 is not supported (this pagoda reads 2); recompile the model");
  EXPECT_HAS(read(bytes.data(), bytes.size() - 10, "m.pgd").error().str(), "the header says");
  bad = bytes;
  bad[bytes.size() - 1] ^= 1; // inside the last section
  EXPECT_HAS(read(bad.data(), bad.size(), "m.pgd").error().str(), "(checksum mismatch)");
}

TEST(Artifact, VerifyRejectsInconsistentPlans) {
  Artifact a = test::sampleArtifact();
  a.plan[0].kernel = 5;
  a.plan[1].bytes = 1 << 30;
  a.plan[3].event = 3;
  a.plan[0].blockDim = 64;
  std::vector<std::string> p = verify(a);
  ASSERT_GE(p.size(), 3u);
  std::string all;
  for (const std::string &s : p)
    all += s + "\n";
  EXPECT_HAS(all, "plan step 0 (/model/Add_1): kernel 5 does not exist (the model has 1)");
  EXPECT_HAS(all, "plan step 1 destination: [0, 1073741824) lies outside its region of 24 bytes");
  EXPECT_HAS(all, "plan step 3: event 3 does not exist (the plan has 1)");
  EXPECT_FALSE(write(a).ok());

  a = test::sampleArtifact();
  a.kernels[0].programs[0].core = isa::CoreKind::Coupled;
  EXPECT_HAS(verify(a)[0], "has a coupled program but ascend-950pr has split cores");
  a = test::sampleArtifact();
  a.plan[5].body[0][1].body.pop_back();
  EXPECT_HAS(verify(a)[0], "plan step 5.0.1: if needs 2 bodies, has 1");
}

TEST(Artifact, RandomBytesNeverCrash) {
  std::vector<uint8_t> good = *write(test::sampleArtifact());
  std::mt19937 rng(1);
  for (int i = 0; i < 3000; ++i) {
    std::vector<uint8_t> b = good;
    int flips = 1 + int(rng() % 8);
    for (int f = 0; f < flips; ++f)
      b[rng() % b.size()] = uint8_t(rng());
    (void)read(b.data(), b.size(), "fuzz");
  }
}

} // namespace
