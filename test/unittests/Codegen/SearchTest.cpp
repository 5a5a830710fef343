//===- SearchTest.cpp - Tiling search on the simulator --------------------===//

#include "../Sim/SimHarness.h"

#include "pagoda/Codegen/Elementwise.h"
#include "pagoda/Codegen/Rows.h"
#include "pagoda/Codegen/Search.h"

#include <algorithm>

using namespace pagoda;
using namespace pagoda::codegen;
using pagoda::test::SimHarness;

namespace {

ElementwiseKernel addKernel() {
  ElementwiseKernel k;
  k.name = "add";
  k.elements = 1 << 20;
  k.inputs = {{}, {}};
  k.ops = {{VOp::Add, 0, 1}};
  k.outputs = {2};
  return k;
}

// Candidates come in the cost model's order: rank 0 is the plan, later
// ranks predict no fewer cycles, and a rank past the last is an error.
TEST(TilingSearch, PlannersRankTheirCandidates) {
  SimHarness h("ascend-950pr");
  const ElementwiseKernel k = addKernel();
  Result<ElementwisePlan> first = planElementwise(k, h.target());
  Result<ElementwisePlan> zero = planElementwise(k, h.target(), 0, 0);
  ASSERT_TRUE(first.ok() && zero.ok());
  EXPECT_EQ(first->vectorCores, zero->vectorCores);
  Result<RowPlan> r1 = planRows({"sm", isa::DType::F32, RowOp::Softmax, 4096, 1024}, h.target(), 1);
  Result<RowPlan> r2 = planRows({"sm", isa::DType::F32, RowOp::Softmax, 4096, 1024}, h.target(), 2);
  ASSERT_TRUE(r1.ok() && r2.ok());
  EXPECT_LE(r1->predictedCycles, r2->predictedCycles);
  Result<RowPlan> past = planRows({"sm", isa::DType::F32, RowOp::Softmax, 1, 8}, h.target(), 5);
  ASSERT_FALSE(past.ok());
  EXPECT_HAS(past.error().str(), "row kernel 'sm': no tiling candidate 5 (it has 1)");
}

// The search simulates each candidate and keeps the fastest: the kept
// kernel is the candidate of the chosen rank, no slower on the simulator
// than the cost model's choice.
TEST(TilingSearch, KeepsTheFastestCandidateOnTheSimulator) {
  SimHarness h("ascend-950pr");
  const ElementwiseKernel k = addKernel();
  std::function<Result<GeneratedKernel>(unsigned)> candidate = [&](unsigned r) {
    return generateElementwise(k, h.target(), 0, r);
  };
  TilingSearch report;
  Result<GeneratedKernel> g = searchTiling(candidate, h.target(), 4, report);
  ASSERT_TRUE(g.ok()) << g.error().str();
  ASSERT_EQ(report.simulatedCycles.size(), 4u);
  EXPECT_EQ(report.simulatedCycles[report.chosen],
            *std::min_element(report.simulatedCycles.begin(), report.simulatedCycles.end()));
  EXPECT_LE(report.simulatedCycles[report.chosen], report.simulatedCycles[0]);
  Result<GeneratedKernel> kept = candidate(report.chosen);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(g->plan.vectorCores, kept->plan.vectorCores);
  EXPECT_EQ(g->assembly, kept->assembly);
  // Simulated again, the kept kernel takes the cycles the search measured.
  Result<double> again = simulateLaunch(g->program, g->plan.blockDim, g->argBytes, h.target());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, report.simulatedCycles[report.chosen]);
  EXPECT_HAS(report.describe(), "searched 4 tilings on the simulator (");
}

} // namespace
