//===- RunCommand.cpp - `pagoda run` ---------------------------------------===//
//
// Runs a compiled model on a simulated device through the runtime's public
// API (the C++ wrapper over the C API): .npy inputs or seeded random ones,
// .npy outputs, comparison against expected outputs, profile and trace.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "pagoda/Artifact/Artifact.h"
#include "pagoda/Import/ONNX.h"
#include "pagoda/Runtime/pagoda_runtime.hpp"
#include "pagoda/Sim/Numerics.h"
#include "pagoda/Support/File.h"
#include "pagoda/Support/Npy.h"
#include "pagoda/Target/TargetJSON.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <random>

using namespace pagoda;

namespace {

struct RunOptions {
  std::string model;
  std::string device;
  std::vector<std::string> inputs;
  int64_t seed = -1;
  std::string outputDir;
  std::string expectedDir;
  std::string testData;
  double rtol = 1e-5;
  double atol = 1e-6;
  std::string profile;
  std::string stats;
  bool summary = false;
};

const char *descrOf(pagoda_dtype t) {
  static const char *descr[] = {"<f4", "<f2", "<V2", "<f8", "|i1", "|u1", "<i2",
                                "<u2", "<i4", "<u4", "<i8", "<u8", "|b1"};
  return unsigned(t) <= PAGODA_BOOL ? descr[unsigned(t)] : "?";
}

bool sameDescr(const std::string &a, const char *b) {
  auto norm = [](std::string s) {
    if (!s.empty() && (s[0] == '=' || s[0] == '|'))
      s[0] = '<';
    return s;
  };
  return norm(a) == norm(b);
}

template <typename T> double load(const uint8_t *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return double(v);
}

/// Element i of raw data as a double.
double value(pagoda_dtype t, const uint8_t *data, size_t i) {
  const uint8_t *p = data + i * pagoda_dtype_size(t);
  switch (t) {
  case PAGODA_F32:
    return load<float>(p);
  case PAGODA_F64:
    return load<double>(p);
  case PAGODA_F16:
    return num::f16ToF32(uint16_t(load<uint16_t>(p)));
  case PAGODA_BF16:
    return num::bf16ToF32(uint16_t(load<uint16_t>(p)));
  case PAGODA_S8:
    return load<int8_t>(p);
  case PAGODA_S16:
    return load<int16_t>(p);
  case PAGODA_S32:
    return load<int32_t>(p);
  case PAGODA_S64:
    return load<int64_t>(p);
  case PAGODA_U16:
    return load<uint16_t>(p);
  case PAGODA_U32:
    return load<uint32_t>(p);
  case PAGODA_U64:
    return load<uint64_t>(p);
  default: // u8, bool
    return p[0];
  }
}

std::string sanitize(const std::string &name) {
  std::string s = name;
  for (char &c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'))
      c = '_';
  return s.empty() ? "_" : s;
}

std::string shapeStr(const std::vector<int64_t> &dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += fmt::format("{}{}", i ? "x" : "", dims[i]);
  return s + "]";
}

uint64_t countOf(const std::vector<int64_t> &dims) {
  uint64_t n = 1;
  for (int64_t d : dims)
    n *= uint64_t(d);
  return n;
}

/// Seeded random data: floats in [-1, 1], integers in [0, 10), bools.
std::vector<uint8_t> randomData(pagoda_dtype t, uint64_t count, std::mt19937_64 &rng) {
  size_t size = pagoda_dtype_size(t);
  std::vector<uint8_t> out(count * size);
  std::uniform_real_distribution<double> real(-1, 1);
  for (uint64_t i = 0; i < count; ++i) {
    uint8_t *p = out.data() + i * size;
    switch (t) {
    case PAGODA_F32: {
      float f = float(real(rng));
      std::memcpy(p, &f, 4);
      break;
    }
    case PAGODA_F64: {
      double d = real(rng);
      std::memcpy(p, &d, 8);
      break;
    }
    case PAGODA_F16: {
      uint16_t h = num::f32ToF16(float(real(rng)));
      std::memcpy(p, &h, 2);
      break;
    }
    case PAGODA_BF16: {
      uint16_t h = num::f32ToBf16(float(real(rng)));
      std::memcpy(p, &h, 2);
      break;
    }
    case PAGODA_BOOL:
      p[0] = uint8_t(rng() & 1);
      break;
    default: {
      uint64_t v = rng() % 10;
      std::memcpy(p, &v, size);
    }
    }
  }
  return out;
}

int runModel(const RunOptions &o) {
  // The device defaults to the target the model was compiled for, read from
  // the artifact's own target description (a custom target included).
  std::string targetJSON;
  if (o.device.empty()) {
    // Mapped, and the constants left in place: the runtime loads the
    // weights itself below.
    Result<MappedFile> file = MappedFile::open(o.model);
    if (!file)
      return driver::reportError(file.error().str());
    artifact::ConstantsView constants;
    Result<artifact::Artifact> a = artifact::read(file->data(), file->size(), o.model, &constants);
    if (!a)
      return driver::reportError(a.error().str());
    targetJSON = target::toJSON(a->target);
  }
  try {
    std::unique_ptr<Device> device = o.device.empty()
                                         ? std::make_unique<Device>(Device::fromJSON(targetJSON))
                                         : std::make_unique<Device>(o.device);
    auto module = std::make_unique<Module>(*device, o.model);

    // Inputs: from --input NAME=FILE, or random.
    std::map<std::string, std::string> files;
    for (const std::string &spec : o.inputs) {
      size_t eq = spec.find('=');
      if (eq == std::string::npos || eq == 0)
        return driver::reportError(fmt::format("--input '{}' must be NAME=FILE.npy", spec));
      files[spec.substr(0, eq)] = spec.substr(eq + 1);
    }
    std::mt19937_64 rng(uint64_t(o.seed < 0 ? 0 : o.seed));
    std::vector<std::unique_ptr<Buffer>> buffers;
    std::vector<Tensor> ins, outs;
    std::map<std::string, bool> used;
    for (size_t i = 0; i < module->numInputs(); ++i) {
      Module::Info info = module->input(i);
      uint64_t count = countOf(info.dims);
      std::vector<uint8_t> data;
      auto it = files.find(info.name);
      std::string pb = o.testData.empty() ? "" : fmt::format("{}/input_{}.pb", o.testData, i);
      if (it != files.end() || (!pb.empty() && std::filesystem::exists(pb))) {
        std::string path = it != files.end() ? it->second : pb;
        if (it != files.end())
          used[info.name] = true;
        Result<NpyArray> arr = it != files.end() ? readNpy(path) : import::readTensorFile(path);
        if (!arr)
          return driver::reportError(arr.error().str());
        // ONNX test data stores bfloat16 as uint16 bits.
        if (info.dtype == PAGODA_BF16 && sameDescr(arr->descr, "<u2"))
          arr->descr = descrOf(PAGODA_BF16);
        if (!sameDescr(arr->descr, descrOf(info.dtype)))
          return driver::reportError(
              fmt::format("input '{}': {} holds dtype '{}', the model needs {} ('{}')", info.name,
                          path, arr->descr, pagoda_dtype_name(info.dtype), descrOf(info.dtype)));
        if (arr->shape != info.dims)
          return driver::reportError(fmt::format("input '{}': {} has shape {}, the model needs {}",
                                                 info.name, path, shapeStr(arr->shape),
                                                 shapeStr(info.dims)));
        data = std::move(arr->data);
      } else if (o.seed >= 0) {
        data = randomData(info.dtype, count, rng);
      } else {
        return driver::reportError(
            fmt::format("input '{}' ({} {}) has no value: give --input {}=FILE.npy or "
                        "--random-inputs SEED",
                        info.name, pagoda_dtype_name(info.dtype), shapeStr(info.dims), info.name));
      }
      buffers.push_back(std::make_unique<Buffer>(*device, data.size()));
      buffers.back()->write(data.data(), data.size());
      ins.push_back({buffers.back().get(), info.dtype, info.dims});
    }
    for (const auto &[name, file] : files)
      if (!used.count(name))
        return driver::reportError(
            fmt::format("--input {}: the model has no input named '{}'", name, name));
    for (size_t i = 0; i < module->numOutputs(); ++i) {
      Module::Info info = module->output(i);
      buffers.push_back(
          std::make_unique<Buffer>(*device, countOf(info.dims) * pagoda_dtype_size(info.dtype)));
      outs.push_back({buffers.back().get(), info.dtype, info.dims});
    }

    module->execute(ins, outs);

    int status = 0;
    for (size_t i = 0; i < module->numOutputs(); ++i) {
      Module::Info info = module->output(i);
      uint64_t count = countOf(info.dims);
      std::vector<uint8_t> data(count * pagoda_dtype_size(info.dtype));
      outs[i].buffer->read(data.data(), data.size());
      std::string preview;
      for (uint64_t k = 0; k < std::min<uint64_t>(count, 6); ++k)
        preview += fmt::format(" {:g}", value(info.dtype, data.data(), k));
      fmt::print("{} {}{}:{}{}\n", info.name, pagoda_dtype_name(info.dtype), shapeStr(info.dims),
                 preview, count > 6 ? " ..." : "");
      NpyArray arr{descrOf(info.dtype), info.dims, data};
      std::string file = sanitize(info.name) + ".npy";
      if (!o.outputDir.empty()) {
        Result<bool> w = writeNpy(o.outputDir + "/" + file, arr);
        if (!w)
          return driver::reportError(w.error().str());
      }
      if (!o.expectedDir.empty() || !o.testData.empty()) {
        std::string path = o.testData.empty() ? o.expectedDir + "/" + file
                                              : fmt::format("{}/output_{}.pb", o.testData, i);
        Result<NpyArray> want = o.testData.empty() ? readNpy(path) : import::readTensorFile(path);
        if (!want)
          return driver::reportError(want.error().str());
        if (want->shape != info.dims || want->data.size() != data.size())
          return driver::reportError(fmt::format("output '{}': {} has shape {}, the output {}",
                                                 info.name, path, shapeStr(want->shape),
                                                 shapeStr(info.dims)));
        // The expected file's own dtype decides how it reads.
        pagoda_dtype wantType = info.dtype;
        for (unsigned t = 0; t <= PAGODA_BOOL; ++t)
          if (sameDescr(want->descr, descrOf(pagoda_dtype(t))))
            wantType = pagoda_dtype(t);
        if (info.dtype == PAGODA_BF16 && wantType == PAGODA_U16)
          wantType = PAGODA_BF16; // bfloat16 bits, as ONNX test data stores them
        double worst = 0;
        uint64_t worstAt = 0, bad = 0;
        for (uint64_t k = 0; k < count; ++k) {
          double g = value(info.dtype, data.data(), k), w = value(wantType, want->data.data(), k);
          if ((std::isnan(g) && std::isnan(w)) || g == w) // equal infinities too
            continue;
          double err = std::fabs(g - w), tol = o.atol + o.rtol * std::fabs(w);
          if (!(err <= tol)) {
            ++bad;
            double excess = std::isnan(err) ? INFINITY : err - tol;
            if (excess > worst || bad == 1) {
              worst = excess;
              worstAt = k;
            }
          }
        }
        if (bad) {
          std::vector<int64_t> index(info.dims.size());
          uint64_t flat = worstAt;
          for (size_t d = info.dims.size(); d-- > 0;) {
            index[d] = int64_t(flat % uint64_t(info.dims[d]));
            flat /= uint64_t(info.dims[d]);
          }
          std::string idx;
          for (size_t d = 0; d < index.size(); ++d)
            idx += fmt::format("{}{}", d ? ", " : "", index[d]);
          std::fflush(stdout);
          fmt::print(stderr,
                     "pagoda: error: output '{}' differs from {} in {} of {} elements; worst at "
                     "[{}]: got {:g}, expected {:g} (rtol {:g}, atol {:g})\n",
                     info.name, path, bad, count, idx, value(info.dtype, data.data(), worstAt),
                     value(wantType, want->data.data(), worstAt), o.rtol, o.atol);
          status = 1;
        }
      }
    }
    if ((!o.expectedDir.empty() || !o.testData.empty()) && status == 0)
      fmt::print("all {} outputs match {} (rtol {:g}, atol {:g})\n", module->numOutputs(),
                 o.testData.empty() ? o.expectedDir : o.testData, o.rtol, o.atol);

    std::string profile = module->profileJSON();
    if (!o.stats.empty()) {
      Result<bool> w = writeFile(o.stats, profile.data(), profile.size());
      if (!w)
        return driver::reportError(w.error().str());
    }
    if (!o.profile.empty()) {
      std::string trace = module->traceJSON();
      Result<bool> w = writeFile(o.profile, trace.data(), trace.size());
      if (!w)
        return driver::reportError(w.error().str());
    }
    if (o.summary) {
      nlohmann::json p = nlohmann::json::parse(profile);
      double total = p.value("simulated_seconds", 0.0);
      fmt::print("\n{:<24} {:<20} {:>12} {:>7} {:>6}  {}\n", "KERNEL", "NODE", "TIME (us)", "SHARE",
                 "UTIL", "BOUND");
      for (const auto &k : p["kernels"]) {
        double s = k.value("simulated_seconds", 0.0), util = 0;
        for (const auto &[pipe, u] : k["pipe_utilization"].items())
          util = std::max(util, u.get<double>());
        fmt::print("{:<24} {:<20} {:>12.3f} {:>6.1f}% {:>5.0f}%  {}\n", k.value("name", ""),
                   k.value("node", ""), s * 1e6, total > 0 ? 100 * s / total : 0, util * 100,
                   k.value("bound", ""));
      }
      double roofline = p.value("roofline_seconds", 0.0);
      fmt::print("total {:.3f} us simulated on {}, roofline {:.3f} us ({:.0f}% of the bound); "
                 "{:.3g} flops, {:.3g} HBM bytes; host kernels {:.3f} ms\n",
                 total * 1e6, device->targetName(), roofline * 1e6,
                 total > 0 ? 100 * roofline / total : 0, p.value("flops", 0.0),
                 p.value("hbm_bytes", 0.0), p.value("host_seconds", 0.0) * 1e3);
      if (!p["host_calls"].empty() || p.value("transfers", 0) > 0)
        fmt::print("host side as {} models it: {} host kernels {:.3f} us, {} transfers of {:.3g} "
                   "bytes {:.3f} us; end to end {:.3f} us\n",
                   device->targetName(), p["host_calls"].size(),
                   p.value("host_modeled_seconds", 0.0) * 1e6, p.value("transfers", 0),
                   p.value("transfer_bytes", 0.0), p.value("transfer_seconds", 0.0) * 1e6,
                   p.value("modeled_total_seconds", 0.0) * 1e6);
    }
    return status;
  } catch (const Exception &e) {
    return driver::reportError(e.what());
  }
}

} // namespace

void pagoda::driver::addRunCommand(CLI::App &app, CommandFn &run) {
  auto o = std::make_shared<RunOptions>();
  CLI::App *cmd = app.add_subcommand("run", "Run a compiled model (.pgd) on a simulated NPU");
  cmd->add_option("model", o->model, "Compiled model")->required();
  cmd->add_option("--device", o->device, "Target preset or JSON (default: the model's target)");
  cmd->add_option("--input", o->inputs, "NAME=FILE.npy (repeatable)");
  cmd->add_option("--random-inputs", o->seed, "Seeded random values for inputs not given");
  cmd->add_option("--output-dir", o->outputDir, "Write each output as <name>.npy here");
  cmd->add_option("--expected-dir", o->expectedDir,
                  "Compare each output with <name>.npy here; exit 1 on mismatch");
  cmd->add_option("--test-data", o->testData,
                  "ONNX test data folder: inputs from input_N.pb, outputs compared with "
                  "output_N.pb (N: position in the signature)");
  cmd->add_option("--rtol", o->rtol, "Relative tolerance")->capture_default_str();
  cmd->add_option("--atol", o->atol, "Absolute tolerance")->capture_default_str();
  cmd->add_option("--profile", o->profile, "Write a Chrome/Perfetto trace");
  cmd->add_option("--stats-json", o->stats, "Write the profile as JSON");
  cmd->add_flag("--summary", o->summary, "Print a per-kernel table and the roofline");
  cmd->callback([&run, o] { run = [o] { return runModel(*o); }; });
}
