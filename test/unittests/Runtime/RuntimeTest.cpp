//===- RuntimeTest.cpp - The C API on hand-built models -------------------===//

#include "../../common/ArtifactSample.h"
#include "pagoda/Sim/Numerics.h"
#include "pagoda/Target/Presets.h"
#include "pagoda/pagoda_runtime.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <random>
#include <string>
#include <thread>

using namespace pagoda;
using namespace pagoda::artifact;

namespace {

#define EXPECT_HAS(haystack, needle)                                                               \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

/// Asserts success and frees the status.
#define PGD_OK(call)                                                                               \
  do {                                                                                             \
    pagoda_status_t s_ = (call);                                                                   \
    ASSERT_EQ(s_, nullptr) << pagoda_status_message(s_);                                           \
  } while (0)

/// The message of a failing call (and frees it); "" if it succeeded.
std::string failure(pagoda_status_t s, pagoda_status_code *code = nullptr) {
  if (code)
    *code = pagoda_status_code_of(s);
  std::string m = pagoda_status_message(s);
  pagoda_status_free(s);
  return m;
}

std::vector<uint8_t> vaddModel(uint32_t blockDim) { return *write(test::vaddArtifact(blockDim)); }

struct Device {
  pagoda_device_t d = nullptr;
  explicit Device(const char *target = "ascend-950pr") {
    pagoda_status_t s = pagoda_device_create(target, &d);
    EXPECT_EQ(s, nullptr) << pagoda_status_message(s);
  }
  ~Device() { pagoda_device_release(d); }
};

struct Buf {
  pagoda_buffer_t b = nullptr;
  Buf(pagoda_device_t d, uint64_t bytes) {
    pagoda_status_t s = pagoda_buffer_alloc(d, bytes, &b);
    EXPECT_EQ(s, nullptr) << pagoda_status_message(s);
  }
  ~Buf() { pagoda_buffer_release(b); }
};

std::vector<uint16_t> halves(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-10, 10);
  std::vector<uint16_t> v(n);
  for (uint16_t &h : v)
    h = num::f32ToF16(dist(rng));
  return v;
}

TEST(Runtime, RunsAModelEndToEnd) {
  Device dev;
  std::vector<uint8_t> model = vaddModel(2);
  pagoda_module_t m = nullptr;
  PGD_OK(pagoda_module_load_memory(dev.d, model.data(), model.size(), &m));
  ASSERT_EQ(pagoda_module_num_inputs(m), 2u);
  ASSERT_EQ(pagoda_module_num_outputs(m), 2u);
  const char *name;
  pagoda_dtype dt;
  int32_t rank;
  const int64_t *dims;
  PGD_OK(pagoda_module_input(m, 1, &name, &dt, &rank, &dims));
  EXPECT_STREQ(name, "b");
  EXPECT_EQ(dt, PAGODA_F16);
  ASSERT_EQ(rank, 1);
  EXPECT_EQ(dims[0], 2048);

  auto a = halves(2048, 1), b = halves(2048, 2);
  Buf ba(dev.d, 4096), bb(dev.d, 4096), bc(dev.d, 4096), bd(dev.d, 4096);
  PGD_OK(pagoda_buffer_write(ba.b, 0, a.data(), 4096));
  PGD_OK(pagoda_buffer_write(bb.b, 0, b.data(), 4096));
  int64_t shape[1] = {2048};
  pagoda_tensor in[2] = {{ba.b, PAGODA_F16, 1, shape}, {bb.b, PAGODA_F16, 1, shape}};
  pagoda_tensor out[2] = {{bc.b, PAGODA_F16, 1, shape}, {bd.b, PAGODA_F16, 1, shape}};
  PGD_OK(pagoda_module_execute(m, in, 2, out, 2));
  std::vector<uint16_t> c(2048), d(2048);
  PGD_OK(pagoda_buffer_read(bc.b, 0, c.data(), 4096));
  PGD_OK(pagoda_buffer_read(bd.b, 0, d.data(), 4096));
  for (size_t i = 0; i < 2048; ++i) {
    uint16_t sum = num::f32ToF16(num::f16ToF32(a[i]) + num::f16ToF32(b[i]));
    ASSERT_EQ(c[i], sum) << i;
    ASSERT_EQ(num::f16ToF32(d[i]), std::max(0.0f, num::f16ToF32(sum))) << i;
  }
  std::string profile = pagoda_module_profile_json(m);
  EXPECT_HAS(profile, "\"simulated_seconds\":");
  EXPECT_HAS(profile, "\"roofline_seconds\":");
  EXPECT_HAS(profile, "\"name\": \"vadd\"");
  EXPECT_HAS(profile, "\"node\": \"/Add\"");
  EXPECT_HAS(profile, "\"gm_to_ub\": 8192");
  EXPECT_HAS(profile, "\"op\": \"Relu\"");
  // Host wall time splits into the simulator's, host kernels' and the
  // runtime's own share.
  nlohmann::json p = nlohmann::json::parse(profile);
  double wall = p.at("wall_seconds"), sim = p.at("simulator_wall_seconds"),
         host = p.at("host_seconds"), overhead = p.at("runtime_overhead_seconds");
  EXPECT_GT(sim, 0);
  EXPECT_EQ(sim, p["kernels"][0].at("simulator_wall_seconds").get<double>());
  EXPECT_GE(overhead, 0);
  EXPECT_NEAR(wall, sim + host + overhead, 1e-9);
  std::string trace = pagoda_module_trace_json(m);
  EXPECT_HAS(trace, "\"name\":\"device\"");
  EXPECT_HAS(trace, "\"name\":\"host\"");
  EXPECT_GT(pagoda_device_simulated_seconds(dev.d), 0);
  pagoda_module_release(m);
}

TEST(Runtime, ArgumentErrorsAreClear) {
  Device dev, other;
  std::vector<uint8_t> model = vaddModel(1);
  pagoda_module_t m = nullptr;
  PGD_OK(pagoda_module_load_memory(dev.d, model.data(), model.size(), &m));
  Buf x(dev.d, 2048), small(dev.d, 100), foreign(other.d, 2048);
  int64_t shape[1] = {1024}, wrong[1] = {1000};
  pagoda_tensor good = {x.b, PAGODA_F16, 1, shape};
  pagoda_tensor ins[2] = {good, good}, outs[2] = {good, good};
  pagoda_status_code code;
  EXPECT_EQ(failure(pagoda_module_execute(m, ins, 1, outs, 2), &code),
            "pagoda_module_execute: the model takes 2 inputs, got 1");
  EXPECT_EQ(code, PAGODA_INVALID_ARGUMENT);
  EXPECT_STREQ(pagoda_last_error(), "pagoda_module_execute: the model takes 2 inputs, got 1");
  ins[1] = {x.b, PAGODA_F32, 1, shape};
  EXPECT_EQ(failure(pagoda_module_execute(m, ins, 2, outs, 2)),
            "pagoda_module_execute: input 1 ('b'): dtype f32 given, the model needs f16");
  ins[1] = {x.b, PAGODA_F16, 1, wrong};
  EXPECT_EQ(failure(pagoda_module_execute(m, ins, 2, outs, 2)),
            "pagoda_module_execute: input 1 ('b'): shape [1000] given, the model needs [1024]");
  ins[1] = good;
  outs[0] = {small.b, PAGODA_F16, 1, shape};
  EXPECT_EQ(failure(pagoda_module_execute(m, ins, 2, outs, 2)),
            "pagoda_module_execute: output 0 ('c'): the buffer holds 100 bytes, the tensor "
            "needs 2048");
  outs[0] = {foreign.b, PAGODA_F16, 1, shape};
  EXPECT_EQ(failure(pagoda_module_execute(m, ins, 2, outs, 2)),
            "pagoda_module_execute: output 0 ('c'): the buffer belongs to another device");
  EXPECT_HAS(failure(pagoda_buffer_write(small.b, 90, shape, 20)),
             "pagoda_buffer_write: [90, 110) is outside the buffer of 100 bytes");
  EXPECT_EQ(failure(pagoda_module_input(m, 5, nullptr, nullptr, nullptr, nullptr)),
            "pagoda_module_input: index 5 but the model has 2 inputs");
  pagoda_module_release(m);
}

TEST(Runtime, DevicesAndMemory) {
  pagoda_device_t d = nullptr;
  pagoda_status_code code;
  EXPECT_HAS(failure(pagoda_device_create("ascend-123", &d), &code), "unknown target 'ascend-123'");
  EXPECT_EQ(code, PAGODA_NOT_FOUND);
  EXPECT_HAS(failure(pagoda_device_create_from_json("{\"name\": 1}", &d), &code),
             "field 'name': must be a string");
  EXPECT_EQ(code, PAGODA_INVALID_ARGUMENT);
  EXPECT_HAS(failure(pagoda_device_create(nullptr, &d)), "pagoda_device_create: target is NULL");

  // 128 GiB of modeled HBM on a small host: a 100 GiB buffer costs nothing
  // until touched; beyond the capacity fails naming requested and free bytes.
  Device dev("ascend-950pr");
  uint64_t cap = 0, used = 0;
  PGD_OK(pagoda_device_memory(dev.d, &cap, &used));
  EXPECT_EQ(cap, uint64_t(128) << 30);
  pagoda_buffer_t big = nullptr;
  PGD_OK(pagoda_buffer_alloc(dev.d, uint64_t(100) << 30, &big));
  uint32_t v = 0xABCD1234;
  PGD_OK(pagoda_buffer_write(big, (uint64_t(99) << 30), &v, 4));
  uint32_t back = 0;
  PGD_OK(pagoda_buffer_read(big, (uint64_t(99) << 30), &back, 4));
  EXPECT_EQ(back, v);
  pagoda_buffer_t more = nullptr;
  EXPECT_HAS(failure(pagoda_buffer_alloc(dev.d, uint64_t(40) << 30, &more), &code),
             "out of device memory: requested 42949672960 bytes, 30064771072 of 137438953472 "
             "bytes free");
  EXPECT_EQ(code, PAGODA_OUT_OF_MEMORY);
  pagoda_buffer_release(big);
  PGD_OK(pagoda_buffer_alloc(dev.d, uint64_t(40) << 30, &more));
  pagoda_buffer_release(more);
  EXPECT_STREQ(pagoda_device_target_name(dev.d), "ascend-950pr");
}

TEST(Runtime, BadModelsAreRejected) {
  Device dev;
  std::vector<uint8_t> model = vaddModel(1);
  pagoda_module_t m = nullptr;
  pagoda_status_code code;
  std::vector<uint8_t> bad = model;
  bad[bad.size() / 2] ^= 0xFF;
  EXPECT_HAS(failure(pagoda_module_load_memory(dev.d, bad.data(), bad.size(), &m), &code),
             "<memory>: section");
  EXPECT_EQ(code, PAGODA_INVALID_MODEL);
  EXPECT_HAS(failure(pagoda_module_load_memory(dev.d, model.data(), 100, &m), &code),
             "the header says");
  EXPECT_HAS(failure(pagoda_module_load_file(dev.d, "/nonexistent.pgd", &m), &code),
             "/nonexistent.pgd: cannot open");
  EXPECT_EQ(code, PAGODA_NOT_FOUND);
  Device v1("ascend-910b2");
  EXPECT_HAS(failure(pagoda_module_load_memory(v1.d, model.data(), model.size(), &m)),
             "<memory>: compiled for ascend-950pr (32 split AI cores), but the device is "
             "ascend-910b2 (24 split AI cores)");
}

TEST(Runtime, DeviceErrorsNameTheKernelAndLeaveTheDeviceUsable) {
  Device dev;
  // A model whose kernel reads far past its input.
  Artifact a = *read(vaddModel(1).data(), vaddModel(1).size(), "m");
  a.plan[0].args[0].offset = 0; // fine
  a.inputs[0].shape = {512};    // input a is now too small for the kernel
  a.plan.pop_back();
  std::vector<uint8_t> model = *write(a);
  pagoda_module_t m = nullptr;
  PGD_OK(pagoda_module_load_memory(dev.d, model.data(), model.size(), &m));
  Buf ba(dev.d, 1024), bb(dev.d, 2048), bc(dev.d, 2048), bd(dev.d, 2048);
  int64_t s512[1] = {512}, s1024[1] = {1024};
  pagoda_tensor in[2] = {{ba.b, PAGODA_F16, 1, s512}, {bb.b, PAGODA_F16, 1, s1024}};
  pagoda_tensor out[2] = {{bc.b, PAGODA_F16, 1, s1024}, {bd.b, PAGODA_F16, 1, s1024}};
  pagoda_status_code code;
  std::string msg = failure(pagoda_module_execute(m, in, 2, out, 2), &code);
  EXPECT_EQ(code, PAGODA_DEVICE_ERROR);
  EXPECT_HAS(msg, "kernel 'vadd', aiv 0.1, pipe mte2");
  EXPECT_HAS(msg, "GM read [0x10000000400, 0x10000000800) is outside every allocation");
  EXPECT_HAS(msg, "(node /Add)");
  // The device still works.
  Buf x(dev.d, 64);
  uint32_t v = 7, back = 0;
  PGD_OK(pagoda_buffer_write(x.b, 0, &v, 4));
  PGD_OK(pagoda_buffer_read(x.b, 0, &back, 4));
  EXPECT_EQ(back, 7u);
  pagoda_module_release(m);
}

TEST(Runtime, StreamsEventsAndAsyncCopies) {
  Device dev;
  pagoda_stream_t s1 = nullptr, s2 = nullptr;
  PGD_OK(pagoda_stream_create(dev.d, &s1));
  PGD_OK(pagoda_stream_create(dev.d, &s2));
  pagoda_event_t e = nullptr;
  PGD_OK(pagoda_event_create(dev.d, &e));
  Buf a(dev.d, 1 << 20), b(dev.d, 1 << 20);
  std::vector<uint8_t> src(1 << 20), dst(1 << 20, 0);
  for (size_t i = 0; i < src.size(); ++i)
    src[i] = uint8_t(i * 13);
  // s1: host -> a, then record; s2: wait, a -> b, b -> host.
  PGD_OK(pagoda_stream_copy_to_device(s1, a.b, 0, src.data(), src.size()));
  PGD_OK(pagoda_event_record(e, s1));
  PGD_OK(pagoda_stream_wait_event(s2, e));
  PGD_OK(pagoda_stream_copy(s2, b.b, 0, a.b, 0, src.size()));
  PGD_OK(pagoda_stream_copy_to_host(s2, dst.data(), b.b, 0, dst.size()));
  PGD_OK(pagoda_stream_synchronize(s2));
  EXPECT_EQ(dst, src);
  EXPECT_EQ(pagoda_event_query(e), 1);
  PGD_OK(pagoda_event_synchronize(e));
  // A failed command is reported by synchronize, once.
  PGD_OK(pagoda_stream_synchronize(s1));
  pagoda_event_release(e);
  pagoda_stream_release(s1);
  pagoda_stream_release(s2);
}

TEST(Runtime, ConcurrentStreamsAndDevices) {
  // Four threads, two devices, a stream each, each running the model many
  // times on its own data: every result is right.
  Device d0, d1;
  std::vector<uint8_t> model = vaddModel(1);
  pagoda_module_t m0 = nullptr, m1 = nullptr;
  PGD_OK(pagoda_module_load_memory(d0.d, model.data(), model.size(), &m0));
  PGD_OK(pagoda_module_load_memory(d1.d, model.data(), model.size(), &m1));
  std::vector<std::thread> threads;
  std::vector<int> bad(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      pagoda_device_t d = t % 2 ? d1.d : d0.d;
      pagoda_module_t m = t % 2 ? m1 : m0;
      pagoda_stream_t s = nullptr;
      if (pagoda_stream_create(d, &s)) {
        bad[t] = 1;
        return;
      }
      for (int iter = 0; iter < 5; ++iter) {
        auto a = halves(1024, unsigned(t * 100 + iter)), b = halves(1024, unsigned(t + iter));
        pagoda_buffer_t ba, bb, bc, bd;
        pagoda_buffer_alloc(d, 2048, &ba);
        pagoda_buffer_alloc(d, 2048, &bb);
        pagoda_buffer_alloc(d, 2048, &bc);
        pagoda_buffer_alloc(d, 2048, &bd);
        int64_t shape[1] = {1024};
        pagoda_tensor in[2] = {{ba, PAGODA_F16, 1, shape}, {bb, PAGODA_F16, 1, shape}};
        pagoda_tensor out[2] = {{bc, PAGODA_F16, 1, shape}, {bd, PAGODA_F16, 1, shape}};
        std::vector<uint16_t> c(1024);
        pagoda_stream_copy_to_device(s, ba, 0, a.data(), 2048);
        pagoda_stream_copy_to_device(s, bb, 0, b.data(), 2048);
        pagoda_status_t st = pagoda_module_execute_async(m, s, in, 2, out, 2);
        pagoda_stream_copy_to_host(s, c.data(), bc, 0, 2048);
        pagoda_status_t sy = pagoda_stream_synchronize(s);
        if (st || sy)
          bad[t] = 2;
        pagoda_status_free(st);
        pagoda_status_free(sy);
        for (int i = 0; i < 1024; ++i)
          if (c[i] != num::f32ToF16(num::f16ToF32(a[i]) + num::f16ToF32(b[i])))
            bad[t] = 3;
        for (pagoda_buffer_t x : {ba, bb, bc, bd})
          pagoda_buffer_release(x);
      }
      pagoda_stream_release(s);
    });
  for (std::thread &th : threads)
    th.join();
  EXPECT_EQ(bad, std::vector<int>(4, 0));
  pagoda_module_release(m0);
  pagoda_module_release(m1);
}

TEST(Runtime, ControlFlowAndMissingHostKernels) {
  // if cond: out = Relu(x) else: out = Neg(x); then out2 = Cast<s32>(out).
  Artifact a;
  a.target = *target::getPreset("ascend-950pr");
  a.inputs = {{"x", ElemType::F32, {4}}, {"cond", ElemType::S64, {1}}};
  a.outputs = {{"y", ElemType::F32, {4}}, {"z", ElemType::S32, {4}}};
  auto host = [&](const char *op, Ref in, Ref out, const TensorDesc &ti, const TensorDesc &to) {
    Step s;
    s.kind = Step::Kind::HostCall;
    s.op = op;
    s.inputs = {in};
    s.inputTypes = {ti};
    s.outputs = {out};
    s.outputTypes = {to};
    s.location = std::string("/") + op;
    return s;
  };
  Step branch;
  branch.kind = Step::Kind::If;
  branch.cond = {Ref::Kind::Input, 1, 0};
  branch.body = {{host("Relu", {Ref::Kind::Input, 0, 0}, {Ref::Kind::Output, 0, 0}, a.inputs[0],
                       a.outputs[0])},
                 {host("Neg", {Ref::Kind::Input, 0, 0}, {Ref::Kind::Output, 0, 0}, a.inputs[0],
                       a.outputs[0])}};
  a.plan = {branch, host("Cast", {Ref::Kind::Output, 0, 0}, {Ref::Kind::Output, 1, 0}, a.outputs[0],
                         a.outputs[1])};
  std::vector<uint8_t> model = *write(a);
  Device dev;
  pagoda_module_t m = nullptr;
  PGD_OK(pagoda_module_load_memory(dev.d, model.data(), model.size(), &m));
  Buf x(dev.d, 16), c(dev.d, 8), y(dev.d, 16), z(dev.d, 16);
  float xs[4] = {-2.5f, 1.5f, 0.0f, 7.9f};
  PGD_OK(pagoda_buffer_write(x.b, 0, xs, 16));
  int64_t s4[1] = {4}, s1[1] = {1};
  pagoda_tensor in[2] = {{x.b, PAGODA_F32, 1, s4}, {c.b, PAGODA_S64, 1, s1}};
  pagoda_tensor out[2] = {{y.b, PAGODA_F32, 1, s4}, {z.b, PAGODA_S32, 1, s4}};
  for (int64_t cond : {1, 0}) {
    PGD_OK(pagoda_buffer_write(c.b, 0, &cond, 8));
    PGD_OK(pagoda_module_execute(m, in, 2, out, 2));
    float ys[4];
    int32_t zs[4];
    PGD_OK(pagoda_buffer_read(y.b, 0, ys, 16));
    PGD_OK(pagoda_buffer_read(z.b, 0, zs, 16));
    for (int i = 0; i < 4; ++i) {
      float want = cond ? std::max(0.0f, xs[i]) : -xs[i];
      EXPECT_EQ(ys[i], want);
      EXPECT_EQ(zs[i], int32_t(want)); // truncates toward zero
    }
  }
  pagoda_module_release(m);

  a.plan[1].op = "FancyOp";
  model = *write(a);
  PGD_OK(pagoda_module_load_memory(dev.d, model.data(), model.size(), &m));
  pagoda_status_code code;
  EXPECT_EQ(failure(pagoda_module_execute(m, in, 2, out, 2), &code),
            "no host kernel for op 'FancyOp' (node /Cast)");
  EXPECT_EQ(code, PAGODA_UNIMPLEMENTED);
  pagoda_module_release(m);
}

} // namespace
