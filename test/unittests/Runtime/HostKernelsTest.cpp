//===- HostKernelsTest.cpp - CPU kernels for every dtype they accept ------===//

#include "../../../lib/Runtime/Runtime.h"

#include "pagoda/Artifact/HostOps.h"
#include "pagoda/Sim/Numerics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace pagoda;
using namespace pagoda::artifact;
using namespace pagoda::runtime;

namespace {

/// Runs host kernel `op` on tensors given as doubles; returns the output as
/// doubles (or the error message in `error`).
std::vector<double> call(const std::string &op,
                         std::vector<std::pair<TensorDesc, std::vector<double>>> ins,
                         TensorDesc out, std::string *error = nullptr,
                         const std::map<std::string, Attribute> &attrs = {}) {
  std::vector<std::vector<uint8_t>> storage;
  Step step;
  step.op = op;
  step.attributes = attrs;
  for (auto &[d, v] : ins)
    step.inputTypes.push_back(d);
  step.outputTypes.push_back(out);
  HostCall c{&step, {}, {}};
  auto encode = [](const TensorDesc &d, const std::vector<double> &v) {
    std::vector<uint8_t> bytes(d.byteSize());
    unsigned sz = elemTypeBytes(d.type);
    for (size_t i = 0; i < v.size(); ++i) {
      uint8_t *p = bytes.data() + i * sz;
      switch (d.type) {
      case ElemType::F32: {
        float f = float(v[i]);
        std::memcpy(p, &f, 4);
        break;
      }
      case ElemType::F64:
        std::memcpy(p, &v[i], 8);
        break;
      case ElemType::F16: {
        uint16_t h = num::f32ToF16(float(v[i]));
        std::memcpy(p, &h, 2);
        break;
      }
      case ElemType::BF16: {
        uint16_t h = num::f32ToBf16(float(v[i]));
        std::memcpy(p, &h, 2);
        break;
      }
      default: {
        int64_t x = int64_t(v[i]);
        std::memcpy(p, &x, sz);
      }
      }
    }
    return bytes;
  };
  for (size_t i = 0; i < ins.size(); ++i)
    storage.push_back(encode(ins[i].first, ins[i].second));
  storage.push_back(std::vector<uint8_t>(out.byteSize(), 0));
  for (size_t i = 0; i < ins.size(); ++i)
    c.inputs.push_back({&step.inputTypes[i], storage[i].data()});
  c.outputs.push_back({&step.outputTypes[0], storage.back().data()});
  Status s = hostKernels().at(op)(c);
  if (!s.ok()) {
    if (error)
      *error = s.message;
    else
      ADD_FAILURE() << s.message;
    return {};
  }
  std::vector<double> r(out.numElements());
  unsigned sz = elemTypeBytes(out.type);
  for (size_t i = 0; i < r.size(); ++i) {
    const uint8_t *p = storage.back().data() + i * sz;
    switch (out.type) {
    case ElemType::F32: {
      float f;
      std::memcpy(&f, p, 4);
      r[i] = f;
      break;
    }
    case ElemType::F64:
      std::memcpy(&r[i], p, 8);
      break;
    case ElemType::F16: {
      uint16_t h;
      std::memcpy(&h, p, 2);
      r[i] = num::f16ToF32(h);
      break;
    }
    case ElemType::BF16: {
      uint16_t h;
      std::memcpy(&h, p, 2);
      r[i] = num::bf16ToF32(h);
      break;
    }
    case ElemType::S8:
      r[i] = int8_t(p[0]);
      break;
    case ElemType::S16: {
      int16_t x;
      std::memcpy(&x, p, 2);
      r[i] = x;
      break;
    }
    case ElemType::S32: {
      int32_t x;
      std::memcpy(&x, p, 4);
      r[i] = x;
      break;
    }
    case ElemType::S64: {
      int64_t x;
      std::memcpy(&x, p, 8);
      r[i] = double(x);
      break;
    }
    default: {
      uint64_t x = 0;
      std::memcpy(&x, p, sz);
      r[i] = double(x);
    }
    }
  }
  return r;
}

TensorDesc td(ElemType t, std::vector<int64_t> shape) { return {"t", t, std::move(shape)}; }

// The compiler emits host calls from Artifact/HostOps.h: each must exist.
TEST(HostKernels, EveryHostOpOfTheCompilerIsRegistered) {
  for (const auto &[graphOp, name] : artifact::hostOps())
    EXPECT_TRUE(runtime::hostKernels().count(std::string(name)))
        << "graph." << graphOp << " maps to host kernel '" << name << "', which the runtime lacks";
  ASSERT_TRUE(artifact::hostKernelFor("transpose").has_value());
  EXPECT_EQ(*artifact::hostKernelFor("transpose"), "Transpose");
  EXPECT_FALSE(artifact::hostKernelFor("einsum").has_value());
}

TEST(HostKernels, AddBroadcastsForEveryNumericType) {
  for (ElemType t :
       {ElemType::F32, ElemType::F64, ElemType::F16, ElemType::BF16, ElemType::S8, ElemType::U8,
        ElemType::S16, ElemType::U16, ElemType::S32, ElemType::U32, ElemType::S64, ElemType::U64}) {
    // [2,3] + [3] -> [2,3]
    std::vector<double> r = call(
        "Add", {{td(t, {2, 3}), {1, 2, 3, 4, 5, 6}}, {td(t, {3}), {10, 20, 30}}}, td(t, {2, 3}));
    EXPECT_EQ(r, (std::vector<double>{11, 22, 33, 14, 25, 36})) << elemTypeName(t);
  }
}

TEST(HostKernels, IntegersWrapFloatsRound) {
  EXPECT_EQ(call("Add", {{td(ElemType::S8, {1}), {120}}, {td(ElemType::S8, {1}), {10}}},
                 td(ElemType::S8, {1}))[0],
            -126);
  EXPECT_EQ(call("Mul", {{td(ElemType::U8, {1}), {20}}, {td(ElemType::U8, {1}), {20}}},
                 td(ElemType::U8, {1}))[0],
            400 % 256);
  // 1 + 2^-11 in f16 is a tie: rounds to 1.
  EXPECT_EQ(call("Add",
                 {{td(ElemType::F16, {1}), {1}}, {td(ElemType::F16, {1}), {std::ldexp(1.0, -11)}}},
                 td(ElemType::F16, {1}))[0],
            1.0);
  EXPECT_EQ(call("Div", {{td(ElemType::S32, {2}), {-7, 7}}, {td(ElemType::S32, {2}), {2, -2}}},
                 td(ElemType::S32, {2})),
            (std::vector<double>{-3, -3})); // truncation
  std::string err;
  call("Div", {{td(ElemType::S32, {1}), {1}}, {td(ElemType::S32, {1}), {0}}},
       td(ElemType::S32, {1}), &err);
  EXPECT_EQ(err, "integer division by zero at element 0");
}

TEST(HostKernels, ComparisonsWhereCastAndUnary) {
  for (ElemType t : {ElemType::F32, ElemType::F16, ElemType::S32, ElemType::S64, ElemType::U8}) {
    EXPECT_EQ(
        call("Greater", {{td(t, {3}), {1, 5, 3}}, {td(t, {1}), {3}}}, td(ElemType::Bool, {3})),
        (std::vector<double>{0, 1, 0}))
        << elemTypeName(t);
    EXPECT_EQ(
        call("LessOrEqual", {{td(t, {3}), {1, 5, 3}}, {td(t, {1}), {3}}}, td(ElemType::Bool, {3})),
        (std::vector<double>{1, 0, 1}));
    EXPECT_EQ(
        call("Where",
             {{td(ElemType::Bool, {3}), {1, 0, 1}}, {td(t, {3}), {1, 2, 3}}, {td(t, {1}), {9}}},
             td(t, {3})),
        (std::vector<double>{1, 9, 3}));
  }
  EXPECT_EQ(
      call("Cast", {{td(ElemType::F32, {4}), {-2.7, 2.7, 300, -1e20}}}, td(ElemType::S8, {4})),
      (std::vector<double>{-2, 2, 127, -128}));
  EXPECT_EQ(call("Cast", {{td(ElemType::F32, {3}), {0, 0.5, -3}}}, td(ElemType::Bool, {3})),
            (std::vector<double>{0, 1, 1}));
  EXPECT_EQ(call("Cast", {{td(ElemType::S32, {2}), {70000, -1}}}, td(ElemType::S16, {2})),
            (std::vector<double>{70000 - 65536, -1}));
  EXPECT_EQ(call("Cast", {{td(ElemType::S64, {1}), {16777217}}}, td(ElemType::F32, {1}))[0],
            16777216); // rounds to nearest even
  EXPECT_EQ(call("Relu", {{td(ElemType::S16, {3}), {-5, 0, 5}}}, td(ElemType::S16, {3})),
            (std::vector<double>{0, 0, 5}));
  std::vector<double> e = call("Exp", {{td(ElemType::F16, {2}), {0, 1}}}, td(ElemType::F16, {2}));
  EXPECT_EQ(e[1], num::f16ToF32(uint16_t(num::encode(num::kF16, std::exp(1.0)))));
  std::string err;
  call("Exp", {{td(ElemType::S32, {1}), {1}}}, td(ElemType::S32, {1}), &err);
  EXPECT_EQ(err, "does not accept s32");
  call("Add", {{td(ElemType::F32, {2}), {1, 2}}, {td(ElemType::F32, {3}), {1, 2, 3}}},
       td(ElemType::F32, {2}), &err);
  EXPECT_EQ(err, "input 't' does not broadcast to the output");
}

} // namespace

namespace {

Attribute ints(std::vector<int64_t> v) {
  Attribute a;
  a.kind = Attribute::Kind::Ints;
  a.ints = std::move(v);
  return a;
}
Attribute integer(int64_t v) {
  Attribute a;
  a.kind = Attribute::Kind::Int;
  a.i = v;
  return a;
}
Attribute real(double v) {
  Attribute a;
  a.kind = Attribute::Kind::Float;
  a.f = v;
  return a;
}

TEST(HostKernels, TransposeConcatSliceMoveBytes) {
  // [2,3] -> [3,2], in s64 to show they copy any type.
  EXPECT_EQ(call("Transpose", {{td(ElemType::S64, {2, 3}), {1, 2, 3, 4, 5, 6}}},
                 td(ElemType::S64, {3, 2}), nullptr, {{"perm", ints({1, 0})}}),
            (std::vector<double>{1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(call("Concat",
                 {{td(ElemType::F16, {2, 1}), {1, 2}}, {td(ElemType::F16, {2, 2}), {3, 4, 5, 6}}},
                 td(ElemType::F16, {2, 3}), nullptr, {{"axis", integer(1)}}),
            (std::vector<double>{1, 3, 4, 2, 5, 6}));
  // Every second element backwards from the end.
  EXPECT_EQ(call("Slice", {{td(ElemType::F32, {6}), {0, 1, 2, 3, 4, 5}}}, td(ElemType::F32, {3}),
                 nullptr, {{"starts", ints({5})}, {"steps", ints({-2})}}),
            (std::vector<double>{5, 3, 1}));
  std::string error;
  call("Slice", {{td(ElemType::F32, {6}), {0, 1, 2, 3, 4, 5}}}, td(ElemType::F32, {4}), &error,
       {{"starts", ints({4})}, {"steps", ints({1})}});
  EXPECT_EQ(error, "dimension 0 reads outside the input");
  call("Transpose", {{td(ElemType::F32, {2, 3}), {1, 2, 3, 4, 5, 6}}}, td(ElemType::F32, {3, 2}),
       &error);
  EXPECT_EQ(error, "needs the 'perm' attribute");
}

Attribute text(std::string v) {
  Attribute a;
  a.kind = Attribute::Kind::String;
  a.s = std::move(v);
  return a;
}

TEST(HostKernels, ScatterNDReplacesOrCombinesSlices) {
  // data [3, 2]; index tuples of depth 1 pick rows (-1 is the last row).
  const std::vector<double> data{1, 2, 3, 4, 5, 6};
  auto scatter = [&](const char *reduction, ElemType t, std::string *error = nullptr) {
    return call("ScatterND",
                {{td(t, {3, 2}), data},
                 {td(ElemType::S64, {2, 1}), {2, -3}},
                 {td(t, {2, 2}), {10, 20, 30, 40}}},
                td(t, {3, 2}), error, {{"reduction", text(reduction)}});
  };
  EXPECT_EQ(scatter("none", ElemType::F32), (std::vector<double>{30, 40, 3, 4, 10, 20}));
  EXPECT_EQ(scatter("add", ElemType::S32), (std::vector<double>{31, 42, 3, 4, 15, 26}));
  EXPECT_EQ(scatter("mul", ElemType::F16), (std::vector<double>{30, 80, 3, 4, 50, 120}));
  EXPECT_EQ(scatter("min", ElemType::S64), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(scatter("max", ElemType::F32), (std::vector<double>{30, 40, 3, 4, 10, 20}));
  // Depth 2: single elements; a repeated index applies in order (add).
  EXPECT_EQ(call("ScatterND",
                 {{td(ElemType::F32, {2, 2}), {0, 0, 0, 0}},
                  {td(ElemType::S64, {3, 2}), {1, 0, 0, 1, 1, 0}},
                  {td(ElemType::F32, {3}), {1, 2, 4}}},
                 td(ElemType::F32, {2, 2}), nullptr, {{"reduction", text("add")}}),
            (std::vector<double>{0, 2, 5, 0}));
  std::string error;
  call("ScatterND",
       {{td(ElemType::F32, {3, 2}), data},
        {td(ElemType::S64, {1, 1}), {3}},
        {td(ElemType::F32, {1, 2}), {0, 0}}},
       td(ElemType::F32, {3, 2}), &error);
  EXPECT_EQ(error, "index 3 is out of range [-3, 3)");
  scatter("sum", ElemType::F32, &error);
  EXPECT_EQ(error, "unknown reduction 'sum'");
}

TEST(HostKernels, ScatterElementsReplacesOrCombinesElements) {
  // data [2, 3]; along axis 1, row i's updates go to columns indices[i]
  // (-1: the last); a repeated index adds twice with reduction add.
  const std::vector<double> data{1, 2, 3, 4, 5, 6};
  auto scatter = [&](const char *reduction) {
    return call("ScatterElements",
                {{td(ElemType::F32, {2, 3}), data},
                 {td(ElemType::S64, {2, 2}), {-1, 0, 1, 1}},
                 {td(ElemType::F32, {2, 2}), {10, 20, 30, 40}}},
                td(ElemType::F32, {2, 3}), nullptr,
                {{"axis", integer(1)}, {"reduction", text(reduction)}});
  };
  EXPECT_EQ(scatter("add"), (std::vector<double>{21, 2, 13, 4, 75, 6}));
  EXPECT_EQ(scatter("max"), (std::vector<double>{20, 2, 10, 4, 40, 6}));
  std::string error;
  call("ScatterElements",
       {{td(ElemType::F32, {2, 3}), data},
        {td(ElemType::S64, {1, 1}), {3}},
        {td(ElemType::F32, {1, 1}), {0}}},
       td(ElemType::F32, {2, 3}), &error, {{"axis", integer(1)}});
  EXPECT_EQ(error, "index 3 is out of range [-3, 3)");
}

TEST(HostKernels, GatherNDTakesSlicesAtTuples) {
  // data [2, 2, 2]: depth-2 tuples pick rows of 2; with batch_dims 1 each
  // batch's depth-1 tuples pick within that batch (-1: the last).
  const std::vector<double> data{0, 1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(call("GatherND",
                 {{td(ElemType::F32, {2, 2, 2}), data}, {td(ElemType::S64, {2, 2}), {1, 0, 0, 1}}},
                 td(ElemType::F32, {2, 2})),
            (std::vector<double>{4, 5, 2, 3}));
  EXPECT_EQ(call("GatherND",
                 {{td(ElemType::S32, {2, 2, 2}), data}, {td(ElemType::S64, {2, 1}), {-1, 0}}},
                 td(ElemType::S32, {2, 2}), nullptr, {{"batch_dims", integer(1)}}),
            (std::vector<double>{2, 3, 4, 5}));
  std::string error;
  call("GatherND", {{td(ElemType::F32, {2, 2, 2}), data}, {td(ElemType::S64, {1, 1}), {2}}},
       td(ElemType::F32, {1, 2, 2}), &error);
  EXPECT_EQ(error, "index 2 is out of range [-2, 2)");
}

TEST(HostKernels, SoftmaxAndReductions) {
  std::vector<double> sm =
      call("Softmax", {{td(ElemType::F32, {2, 2}), {0, 0, 1000, 1000 + std::log(3.0)}}},
           td(ElemType::F32, {2, 2}), nullptr, {{"axis", integer(1)}});
  ASSERT_EQ(sm.size(), 4u);
  EXPECT_FLOAT_EQ(sm[0], 0.5f);
  // Max-subtracted: no overflow at 1000 (1000 + ln 3 is rounded to f32).
  EXPECT_NEAR(sm[2], 0.25, 1e-5);
  EXPECT_NEAR(sm[3], 0.75, 1e-5);
  std::vector<double> x = {1, 2, 3, 4, 5, 6};
  EXPECT_EQ(call("ReduceSum", {{td(ElemType::F32, {2, 3}), x}}, td(ElemType::F32, {2, 1}), nullptr,
                 {{"axes", ints({1})}, {"keepdims", integer(1)}}),
            (std::vector<double>{6, 15}));
  EXPECT_EQ(call("ReduceMean", {{td(ElemType::F32, {2, 3}), x}}, td(ElemType::F32, {3}), nullptr,
                 {{"axes", ints({0})}, {"keepdims", integer(0)}}),
            (std::vector<double>{2.5, 3.5, 4.5}));
  EXPECT_EQ(call("ReduceMax", {{td(ElemType::F32, {2, 3}), x}}, td(ElemType::F32, {}), nullptr,
                 {{"axes", ints({0, 1})}, {"keepdims", integer(0)}}),
            (std::vector<double>{6}));
  std::string error;
  call("ReduceSum", {{td(ElemType::S32, {2, 3}), x}}, td(ElemType::S32, {2}), &error,
       {{"axes", ints({1})}});
  EXPECT_EQ(error, "accepts one float dtype, got s32");
}

TEST(HostKernels, MatMulBroadcastsBatchesGemmTransposes) {
  // [2,1,2] x [2,1]: batch 2 of ([1,2] x [2,1]).
  EXPECT_EQ(
      call("MatMul",
           {{td(ElemType::F32, {2, 1, 2}), {1, 2, 3, 4}}, {td(ElemType::F32, {2, 1}), {10, 1}}},
           td(ElemType::F32, {2, 1, 1})),
      (std::vector<double>{12, 34}));
  // A^T B with alpha 2 and C broadcast from [2].
  EXPECT_EQ(call("Gemm",
                 {{td(ElemType::F32, {2, 2}), {1, 2, 3, 4}},
                  {td(ElemType::F32, {2, 2}), {1, 0, 0, 1}},
                  {td(ElemType::F32, {2}), {100, 200}}},
                 td(ElemType::F32, {2, 2}), nullptr,
                 {{"trans_a", integer(1)},
                  {"trans_b", integer(0)},
                  {"alpha", real(2)},
                  {"beta", real(1)}}),
            (std::vector<double>{102, 206, 104, 208}));
  std::string error;
  call("MatMul",
       {{td(ElemType::F32, {2, 3}), {1, 2, 3, 4, 5, 6}}, {td(ElemType::F32, {2, 1}), {1, 1}}},
       td(ElemType::F32, {2, 1}), &error);
  EXPECT_EQ(error, "contraction dimensions differ");
}

// Ties round to even before the zero point is added; results saturate.
TEST(HostKernels, QuantizeRoundsHalfToEvenAndSaturates) {
  EXPECT_EQ(call("QuantizeLinear",
                 {{td(ElemType::F32, {6}), {0.5, 1.5, 2.5, -2.5, 1000, -1000}},
                  {td(ElemType::F32, {}), {1}},
                  {td(ElemType::U8, {}), {10}}},
                 td(ElemType::U8, {6}), nullptr, {{"axis", integer(1)}}),
            (std::vector<double>{10, 12, 12, 8, 255, 0}));
  // Per axis 1 of [2, 2]: column scales 1 and 2, zero points 0 and -1.
  EXPECT_EQ(call("QuantizeLinear",
                 {{td(ElemType::F32, {2, 2}), {3, 3, -200, 300}},
                  {td(ElemType::F32, {2}), {1, 2}},
                  {td(ElemType::S8, {2}), {0, -1}}},
                 td(ElemType::S8, {2, 2}), nullptr, {{"axis", integer(1)}}),
            (std::vector<double>{3, 1, -128, 127}));
  EXPECT_EQ(call("DequantizeLinear",
                 {{td(ElemType::U8, {2, 2}), {0, 255, 10, 20}},
                  {td(ElemType::F32, {2}), {0.5, 2}},
                  {td(ElemType::U8, {2}), {128, 10}}},
                 td(ElemType::F32, {2, 2}), nullptr, {{"axis", integer(0)}}),
            (std::vector<double>{-64, 63.5, 0, 20}));
  std::string error;
  call("QuantizeLinear",
       {{td(ElemType::F32, {2, 3}), {0, 0, 0, 0, 0, 0}},
        {td(ElemType::F32, {2}), {1, 1}},
        {td(ElemType::U8, {2}), {0, 0}}},
       td(ElemType::U8, {2, 3}), &error, {{"axis", integer(1)}});
  EXPECT_EQ(error, "the scale has 2 elements; the data has 3 along axis 1");
}

// Zero points per row of A and per column of B; the requantized product
// rounds half to even.
TEST(HostKernels, IntegerProductsSubtractZeroPoints) {
  // (A - [1, 2] per row) x (B - [0, 3] per column).
  EXPECT_EQ(call("MatMulInteger",
                 {{td(ElemType::U8, {2, 2}), {1, 2, 3, 4}},
                  {td(ElemType::U8, {2, 2}), {1, 3, 2, 5}},
                  {td(ElemType::U8, {2}), {1, 2}},
                  {td(ElemType::U8, {2}), {0, 3}}},
                 td(ElemType::S32, {2, 2})),
            (std::vector<double>{2, 2, 5, 4}));
  // [1, 2] x [2, 1] = 5; times 0.5 * 1 / 1 = 2.5 -> 2 (even), plus 100.
  EXPECT_EQ(call("QLinearMatMul",
                 {{td(ElemType::S8, {1, 2}), {1, 2}},
                  {td(ElemType::F32, {}), {0.5}},
                  {td(ElemType::S8, {}), {0}},
                  {td(ElemType::S8, {2, 1}), {1, 2}},
                  {td(ElemType::F32, {}), {1}},
                  {td(ElemType::S8, {}), {0}},
                  {td(ElemType::F32, {}), {1}},
                  {td(ElemType::U8, {}), {100}}},
                 td(ElemType::U8, {1, 1})),
            (std::vector<double>{102}));
  // A 1x1 ConvInteger with per-channel weight zero points: padding reads
  // the input's zero point, so contributes nothing.
  EXPECT_EQ(call("ConvInteger",
                 {{td(ElemType::U8, {1, 1, 1, 2}), {5, 7}},
                  {td(ElemType::U8, {2, 1, 1, 1}), {3, 1}},
                  {td(ElemType::U8, {}), {5}},
                  {td(ElemType::U8, {2}), {1, 0}}},
                 td(ElemType::S32, {1, 2, 1, 4}), nullptr,
                 {{"strides", ints({1, 1})},
                  {"pads", ints({0, 1, 0, 1})},
                  {"dilations", ints({1, 1})},
                  {"group", integer(1)}}),
            (std::vector<double>{0, 0, 4, 0, 0, 0, 2, 0}));
  // A channels-last QLinearConv (the layout the cube kernel reads) with
  // per-channel weight scales: each output channel takes its own scale.
  Attribute last = integer(1);
  EXPECT_EQ(call("QLinearConv",
                 {{td(ElemType::U8, {1, 2, 2, 1}), {1, 2, 3, 4}},
                  {td(ElemType::F32, {}), {1}},
                  {td(ElemType::U8, {}), {0}},
                  {td(ElemType::S8, {2, 1, 1, 1}), {1, 1}},
                  {td(ElemType::F32, {2}), {1, 2}},
                  {td(ElemType::S8, {}), {0}},
                  {td(ElemType::F32, {}), {1}},
                  {td(ElemType::U8, {}), {0}}},
                 td(ElemType::U8, {1, 2, 2, 2}), nullptr,
                 {{"strides", ints({1, 1})},
                  {"pads", ints({0, 0, 0, 0})},
                  {"dilations", ints({1, 1})},
                  {"group", integer(1)},
                  {"channels_last", last}}),
            (std::vector<double>{1, 2, 2, 4, 3, 6, 4, 8}));
  std::string error;
  call("MatMulInteger",
       {{td(ElemType::F32, {1, 1}), {1}},
        {td(ElemType::U8, {1, 1}), {1}},
        {td(ElemType::U8, {}), {0}},
        {td(ElemType::U8, {}), {0}}},
       td(ElemType::S32, {1, 1}), &error);
  EXPECT_EQ(error, "operand 0 must be an integer tensor");
}

} // namespace
