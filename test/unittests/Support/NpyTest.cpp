//===- NpyTest.cpp - .npy reading and writing -----------------------------===//

#include "pagoda/Support/Npy.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

using namespace pagoda;

namespace {

std::vector<uint8_t> npyBytes(const std::string &header, size_t dataBytes, unsigned major = 1) {
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(major), 0};
  out.push_back(uint8_t(header.size() & 0xFF));
  out.push_back(uint8_t(header.size() >> 8));
  if (major > 1) {
    out.push_back(0);
    out.push_back(0);
  }
  out.insert(out.end(), header.begin(), header.end());
  out.resize(out.size() + dataBytes, 0xAB);
  return out;
}

std::string errorOf(const std::vector<uint8_t> &bytes) {
  Result<NpyArray> r = parseNpy(bytes.data(), bytes.size(), "x.npy");
  return r ? std::string("<ok>") : r.error().str();
}

TEST(Npy, RoundTripKeepsDtypeShapeAndData) {
  for (std::vector<int64_t> shape :
       {std::vector<int64_t>{}, {7}, {2, 3}, {1, 3, 0}, {2, 1, 4, 5}}) {
    uint64_t count = 1;
    for (int64_t d : shape)
      count *= uint64_t(d);
    NpyArray a{"<f2", shape, {}};
    for (uint64_t i = 0; i < count * 2; ++i)
      a.data.push_back(uint8_t(i * 37 + 1));
    std::vector<uint8_t> bytes = serializeNpy(a);
    // numpy's layout: the data starts 64-byte aligned, the header ends in '\n'.
    size_t headerLen = bytes[8] | bytes[9] << 8;
    EXPECT_EQ((10 + headerLen) % 64, 0u);
    EXPECT_EQ(bytes[10 + headerLen - 1], '\n');
    Result<NpyArray> b = parseNpy(bytes.data(), bytes.size(), "rt.npy");
    ASSERT_TRUE(b) << b.error().str();
    EXPECT_EQ(b->descr, "<f2");
    EXPECT_EQ(b->shape, shape);
    EXPECT_EQ(b->data, a.data);
  }
}

TEST(Npy, ReadsWhatNumpyWrites) {
  // Header text exactly as numpy 1.24 writes np.zeros((2,3), np.int32).
  std::string h = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }";
  h.append(128 - 10 - h.size() - 1, ' ');
  h += '\n';
  Result<NpyArray> a = parseNpy(npyBytes(h, 24).data(), 10 + h.size() + 24, "np.npy");
  ASSERT_TRUE(a) << a.error().str();
  EXPECT_EQ(a->descr, "<i4");
  EXPECT_EQ(a->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a->data.size(), 24u);
  // Version 2 headers have a 4-byte length; '|b1' and a 1-tuple shape.
  std::vector<uint8_t> v2 =
      npyBytes("{'descr': '|b1', 'fortran_order': False, 'shape': (5,), }\n", 5, 2);
  Result<NpyArray> b = parseNpy(v2.data(), v2.size(), "v2.npy");
  ASSERT_TRUE(b) << b.error().str();
  EXPECT_EQ(b->shape, (std::vector<int64_t>{5}));
}

TEST(Npy, BadFilesAreNamedErrors) {
  const std::string ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }\n";
  EXPECT_EQ(errorOf({'h', 'e', 'l', 'l', 'o', 0, 0, 0, 0, 0, 0}),
            "x.npy: not a .npy file (bad magic)");
  std::vector<uint8_t> v9 = npyBytes(ok, 16);
  v9[6] = 9;
  EXPECT_EQ(errorOf(v9), "x.npy: unsupported .npy version 9");
  std::vector<uint8_t> cut = npyBytes(ok, 16);
  cut.resize(20);
  EXPECT_EQ(errorOf(cut), "x.npy: truncated header");
  EXPECT_EQ(errorOf(npyBytes(ok, 12)), "x.npy: holds 12 data bytes, the header implies 16");
  EXPECT_EQ(errorOf(npyBytes(ok, 20)), "x.npy: holds 20 data bytes, the header implies 16");
  EXPECT_EQ(errorOf(npyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (4,), }\n", 16)),
            "x.npy: Fortran-order arrays are not supported (save with np.ascontiguousarray)");
  EXPECT_EQ(errorOf(npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (4,), }\n", 16)),
            "x.npy: big-endian arrays are not supported (dtype >f4)");
  EXPECT_EQ(errorOf(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-4,), }\n", 16)),
            "x.npy: malformed shape (-4,)");
  EXPECT_EQ(errorOf(npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (4,), }\n", 32)),
            "x.npy: unsupported dtype '|O'");
  EXPECT_EQ(errorOf(npyBytes("{'descr': '<f4', 'shape': (4,), }\n", 16))
                .rfind("x.npy: malformed header", 0),
            0u);
  // Dimensions whose product overflows are rejected, not wrapped.
  EXPECT_EQ(errorOf(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': "
                             "(999999999999999, 999999999999999, 999999999999999), }\n",
                             0)),
            "x.npy: implausible shape (999999999999999, 999999999999999, 999999999999999)");
  EXPECT_EQ(errorOf(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4, }\n", 16)),
            "x.npy: malformed header: {'descr': '<f4', 'fortran_order': False, 'shape': (4, }");
}

} // namespace
