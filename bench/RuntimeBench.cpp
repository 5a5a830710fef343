//===- RuntimeBench.cpp - Host costs of the runtime ------------------------===//
//
// `pagoda-runtime-bench [--launches N] [--repeat R] [--artifact-mb M]`
// measures the runtime's own host costs (docs/benchmarks.md), through the
// public C API as a framework would call it:
//   1. Host overhead per kernel launch, excluding simulation: a model whose
//      plan is N launches of a one-instruction kernel is executed R times;
//      per run, (execute wall time - time inside the simulator) / N. The
//      simulator's share is what the runtime's profile reports per kernel.
//   2. Loading an artifact of M MB of constants: pagoda_module_load_file
//      (read, validate every section checksum, upload the constants) against
//      reading the same file into a buffer of its size, both from the page
//      cache; and the checksum's throughput.
// Prints medians; the targets are <= 5 us and <= 2x.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Artifact/Artifact.h"
#include "pagoda/ISA/ISA.h"
#include "pagoda/Support/CRC32.h"
#include "pagoda/Support/File.h"
#include "pagoda/Target/Presets.h"
#include "pagoda/pagoda_runtime.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <fcntl.h>
#include <memory>
#include <unistd.h>
#include <vector>

using namespace pagoda;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

[[noreturn]] void die(const std::string &what) {
  std::fprintf(stderr, "pagoda-runtime-bench: %s\n", what.c_str());
  std::exit(1);
}

void check(pagoda_status_t s) {
  if (s) {
    std::string m = pagoda_status_message(s);
    pagoda_status_free(s);
    die(m);
  }
}

/// The model's time inside the simulator, from the runtime's profile.
double simulatorWall(const char *json, size_t expectKernels) {
  nlohmann::json p = nlohmann::json::parse(json);
  if (p["kernels"].size() != expectKernels)
    die("the profile lists " + std::to_string(p["kernels"].size()) + " kernels");
  return p.at("simulator_wall_seconds").get<double>();
}

std::vector<uint8_t> makeArtifact(size_t launches, size_t constantBytes) {
  artifact::Artifact a;
  a.target = *target::getPreset("ascend-950pr");
  artifact::Kernel k;
  k.name = "nop";
  k.programs = *isa::assemble(".kernel nop\n.core aiv\n halt\n", "nop.s");
  a.kernels.push_back(k);
  a.inputs = {{"x", artifact::ElemType::F32, {4}}};
  a.outputs = {{"y", artifact::ElemType::F32, {4}}};
  a.constants.resize(constantBytes);
  for (size_t i = 0; i < constantBytes; ++i)
    a.constants[i] = uint8_t(i * 2654435761u >> 13);
  artifact::Step launch;
  launch.kind = artifact::Step::Kind::Launch;
  launch.kernel = 0;
  launch.blockDim = 1;
  launch.args = {{artifact::Ref::Kind::Input, 0, 0}, {artifact::Ref::Kind::Output, 0, 0}};
  a.plan.assign(launches, launch);
  Result<std::vector<uint8_t>> bytes = artifact::write(a);
  if (!bytes)
    die(bytes.error().str());
  return *bytes;
}

} // namespace

int main(int argc, char **argv) {
  size_t launches = 1000, repeat = 21, artifactMB = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string opt = argv[i];
    size_t v = std::strtoull(argv[i + 1], nullptr, 10);
    if (opt == "--launches")
      launches = std::max<size_t>(v, 1);
    else if (opt == "--repeat")
      repeat = std::max<size_t>(v, 1);
    else if (opt == "--artifact-mb")
      artifactMB = std::max<size_t>(v, 1);
    else
      die("unknown option " + opt + " (--launches N, --repeat R, --artifact-mb M)");
  }

  // 1. Launch overhead.
  pagoda_device_t dev;
  check(pagoda_device_create("ascend-950pr", &dev));
  std::vector<uint8_t> small = makeArtifact(launches, 0);
  pagoda_module_t mod;
  check(pagoda_module_load_memory(dev, small.data(), small.size(), &mod));
  pagoda_buffer_t in, out;
  check(pagoda_buffer_alloc(dev, 16, &in));
  check(pagoda_buffer_alloc(dev, 16, &out));
  int64_t dims[1] = {4};
  pagoda_tensor tin = {in, PAGODA_F32, 1, dims}, tout = {out, PAGODA_F32, 1, dims};
  std::vector<double> perLaunch, simPerLaunch;
  for (size_t r = 0; r < repeat + 1; ++r) {
    auto t0 = Clock::now();
    check(pagoda_module_execute(mod, &tin, 1, &tout, 1));
    double wall = since(t0);
    double sim = simulatorWall(pagoda_module_profile_json(mod), launches);
    if (r == 0)
      continue; // warm-up
    perLaunch.push_back((wall - sim) / double(launches));
    simPerLaunch.push_back(sim / double(launches));
  }
  std::printf("launch overhead: %zu launches x %zu runs: host %.2f us/launch median "
              "(min %.2f), simulator %.2f us/launch (excluded); target <= 5 us\n",
              launches, repeat, median(perLaunch) * 1e6,
              *std::min_element(perLaunch.begin(), perLaunch.end()) * 1e6,
              median(simPerLaunch) * 1e6);
  pagoda_module_release(mod);

  // 2. Loading a large artifact.
  std::vector<uint8_t> big = makeArtifact(1, artifactMB << 20);
  char path[] = "/tmp/pagoda-runtime-bench-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0)
    die("cannot create a temporary file");
  close(fd);
  if (Result<bool> w = writeFile(path, big.data(), big.size()); !w)
    die(w.error().str());
  std::vector<double> readT, loadT;
  for (size_t r = 0; r < 6; ++r) {
    // The baseline: the file read into a buffer of its size, no more.
    auto t0 = Clock::now();
    int in = open(path, O_RDONLY);
    std::unique_ptr<uint8_t[]> buf(new uint8_t[big.size()]);
    size_t got = 0;
    for (ssize_t n; got < big.size() && (n = ::read(in, buf.get() + got, big.size() - got)) > 0;)
      got += size_t(n);
    close(in);
    double read = since(t0);
    if (got != big.size())
      die("reading the artifact back failed");
    buf.reset();
    t0 = Clock::now();
    pagoda_module_t m;
    check(pagoda_module_load_file(dev, path, &m));
    double load = since(t0);
    pagoda_module_release(m);
    if (r == 0)
      continue; // warm the page cache
    readT.push_back(read);
    loadT.push_back(load);
  }
  unlink(path);
  double rd = median(readT), ld = median(loadT);
  std::printf("artifact load: %.1f MB: read %.1f ms, load %.1f ms = %.2fx the read; target <= 2x\n",
              double(big.size()) / 1e6, rd * 1e3, ld * 1e3, ld / rd);
  // The checksum every load computes over the whole file.
  std::vector<double> fast, portable;
  for (int r = 0; r < 5; ++r) {
    auto t0 = Clock::now();
    uint32_t a = crc32(big.data(), big.size());
    fast.push_back(since(t0));
    t0 = Clock::now();
    uint32_t b = crc32Portable(big.data(), big.size());
    portable.push_back(since(t0));
    if (a != b)
      die("the two CRC-32 implementations disagree");
  }
  std::printf("crc32: %.2f GB/s (table-only %.2f GB/s)\n", double(big.size()) / median(fast) / 1e9,
              double(big.size()) / median(portable) / 1e9);
  pagoda_buffer_release(in);
  pagoda_buffer_release(out);
  pagoda_device_release(dev);
  return 0;
}
