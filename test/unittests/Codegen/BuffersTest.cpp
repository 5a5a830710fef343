//===- BuffersTest.cpp - On-chip buffer placement checks ------------------===//

#include "../Sim/SimHarness.h"

#include "pagoda/Codegen/Buffers.h"
#include "pagoda/Codegen/Elementwise.h"
#include "pagoda/Codegen/Matmul.h"

using namespace pagoda;
using namespace pagoda::codegen;
using pagoda::test::SimHarness;
using target::MemSpace;

namespace {

std::string problem(const std::vector<BufferUse> &buffers) {
  SimHarness h("ascend-950pr");
  std::optional<Error> e = verifyBuffers("test", "k", buffers, h.target());
  return e ? e->str() : "";
}

TEST(Buffers, AcceptsDisjointAndLifetimeSharedBuffers) {
  EXPECT_EQ(problem({{"a", MemSpace::UB, 0, 1024}, {"b", MemSpace::UB, 1024, 1024}}), "");
  // The same bytes in different spaces, or at different times.
  EXPECT_EQ(problem({{"a", MemSpace::L0A, 0, 512}, {"b", MemSpace::L0B, 0, 512}}), "");
  EXPECT_EQ(problem({{"x", MemSpace::UB, 0, 256, 0, 3}, {"y", MemSpace::UB, 0, 256, 3, 5}}), "");
}

TEST(Buffers, RejectsOverlapsOverflowAndMisalignment) {
  EXPECT_HAS(problem({{"a", MemSpace::UB, 0, 1024}, {"b", MemSpace::UB, 992, 64}}),
             "test kernel 'k': buffers 'a' at ub [0, 1024) and 'b' at ub [992, 1056) overlap "
             "while both are live");
  EXPECT_HAS(problem({{"x", MemSpace::UB, 0, 256, 0, 4}, {"y", MemSpace::UB, 0, 256, 3, 5}}),
             "overlap while both are live");
  EXPECT_HAS(problem({{"big", MemSpace::UB, 248 * 1024 - 32, 64}}),
             "buffer 'big' at ub [253920, 253984) is outside the 253952 B ub");
  EXPECT_HAS(problem({{"odd", MemSpace::L0A, 256, 512}}), "is not 512-byte aligned");
}

// The elementwise generator shares slots between values whose lifetimes do
// not overlap; its placement is listed with the lifetimes and verified.
TEST(Buffers, ElementwiseValuesShareSlotsByLifetime) {
  SimHarness h("ascend-950pr");
  ElementwiseKernel k;
  k.name = "chain";
  k.elements = 1 << 16;
  k.inputs = {{}, {}};
  k.ops = {{VOp::Add, 0, 1}, {VOp::Exp, 2, 2}, {VOp::Mul, 3, 0}, {VOp::Relu, 4, 4}};
  k.outputs = {5};
  Result<GeneratedKernel> g = generateElementwise(k, h.target());
  ASSERT_TRUE(g.ok()) << g.error().str();
  EXPECT_FALSE(verifyBuffers("elementwise", k.name, g->buffers, h.target()));
  bool shared = false;
  for (size_t i = 0; i < g->buffers.size(); ++i)
    for (size_t j = i + 1; j < g->buffers.size(); ++j)
      shared |=
          g->buffers[i].offset == g->buffers[j].offset && g->buffers[i].liveTo != kWholeKernel;
  EXPECT_TRUE(shared) << "no slot holds two values";
  // The cube kernels list their halves in every space they use.
  Result<GeneratedMatmul> m =
      generateMatmul({"mm", isa::DType::F16, isa::DType::F16, 256, 256, 256, true}, h.target());
  ASSERT_TRUE(m.ok()) << m.error().str();
  unsigned spaces = 0;
  for (const BufferUse &b : m->buffers)
    spaces |= 1u << unsigned(b.space);
  EXPECT_EQ(spaces, (1u << unsigned(MemSpace::L1)) | (1u << unsigned(MemSpace::L0A)) |
                        (1u << unsigned(MemSpace::L0B)) | (1u << unsigned(MemSpace::L0C)) |
                        (1u << unsigned(MemSpace::BT)));
}

} // namespace
