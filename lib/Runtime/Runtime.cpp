//===- Runtime.cpp - Devices, buffers, streams, events, modules -----------===//

#include "Runtime.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstring>

namespace pagoda::runtime {

//===----------------------------------------------------------------------===//
// Device
//===----------------------------------------------------------------------===//

Device::Device(const target::TargetDesc &target)
    : target_(target), memory_(target.hbmBytes),
      sim_(std::make_unique<sim::Simulator>(target_, memory_, sim::SimOptions{})) {}

std::shared_ptr<Device> Device::create(const target::TargetDesc &target) {
  return std::shared_ptr<Device>(new Device(target));
}

Result<sim::KernelStats> Device::launch(const sim::KernelLaunch &launch, double *startSeconds,
                                        double *simWallSeconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (startSeconds)
    *startSeconds = seconds_;
  auto t0 = std::chrono::steady_clock::now();
  Result<sim::KernelStats> stats = sim_->run(launch);
  if (simWallSeconds)
    *simWallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (stats)
    seconds_ += stats->seconds;
  return stats;
}

double Device::simulatedSeconds() {
  std::lock_guard<std::mutex> lock(mutex_);
  return seconds_;
}

//===----------------------------------------------------------------------===//
// Buffer
//===----------------------------------------------------------------------===//

Status Buffer::allocate(const std::shared_ptr<Device> &device, uint64_t bytes,
                        std::shared_ptr<Buffer> &out) {
  Result<uint64_t> addr = device->memory().allocate(bytes);
  if (!addr)
    return Status::error(PAGODA_OUT_OF_MEMORY,
                         fmt::format("{}: {}", device->target().name, addr.error().str()));
  out = std::make_shared<Buffer>(device, *addr, bytes);
  return {};
}

Buffer::~Buffer() { (void)device_->memory().free(address_); }

Status Buffer::span(uint64_t offset, uint64_t bytes, uint8_t **out) {
  if (offset > size_ || bytes > size_ - offset)
    return Status::error(
        PAGODA_INVALID_ARGUMENT,
        fmt::format("[{}, {}) is outside the buffer of {} bytes", offset, offset + bytes, size_));
  *out = device_->memory().translate(address_ + offset, bytes);
  if (!*out && bytes)
    return Status::error(PAGODA_INTERNAL, "buffer memory is not mapped");
  return {};
}

//===----------------------------------------------------------------------===//
// Event
//===----------------------------------------------------------------------===//

uint64_t Event::arm() {
  std::lock_guard<std::mutex> lock(mutex_);
  return ++armed_;
}
void Event::fire(uint64_t generation) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    fired_ = std::max(fired_, generation);
  }
  cv_.notify_all();
}
void Event::wait(uint64_t g) {
  std::unique_lock<std::mutex> lock(mutex_);
  uint64_t want = g ? g : armed_;
  cv_.wait(lock, [&] { return fired_ >= want; });
}
bool Event::fired() {
  std::lock_guard<std::mutex> lock(mutex_);
  return fired_ >= armed_;
}
uint64_t Event::lastArmed() {
  std::lock_guard<std::mutex> lock(mutex_);
  return armed_;
}

//===----------------------------------------------------------------------===//
// Stream
//===----------------------------------------------------------------------===//

Stream::Stream(std::shared_ptr<Device> device)
    : device_(std::move(device)), worker_([this] { run(); }) {}

Stream::~Stream() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [&] { return queue_.empty() && !busy_; });
    stop_ = true;
  }
  work_.notify_all();
  worker_.join();
}

void Stream::enqueue(Command command) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(command));
  }
  work_.notify_one();
}

Status Stream::synchronize() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [&] { return queue_.empty() && !busy_; });
  Status s = std::move(firstError_);
  firstError_ = Status{};
  return s;
}

void Stream::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty() && stop_)
      return;
    Command command = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Status s;
    try {
      s = command();
    } catch (const std::exception &e) {
      s = Status::error(PAGODA_INTERNAL, fmt::format("internal error: {}", e.what()));
    }
    lock.lock();
    if (!s.ok() && firstError_.ok())
      firstError_ = std::move(s);
    busy_ = false;
    if (queue_.empty())
      idle_.notify_all();
  }
}

//===----------------------------------------------------------------------===//
// Module
//===----------------------------------------------------------------------===//

Status Module::load(const std::shared_ptr<Device> &device, const uint8_t *data, size_t size,
                    const std::string &source, std::shared_ptr<Module> &out) {
  // The constants go from `data` straight to device memory.
  artifact::ConstantsView constants;
  Result<artifact::Artifact> a = artifact::read(data, size, source, &constants);
  if (!a)
    return Status::error(PAGODA_INVALID_MODEL, a.error().str());
  const target::TargetDesc &t = device->target();
  if (a->target.name != t.name || a->target.aiCores > t.aiCores ||
      a->target.organization != t.organization)
    return Status::error(PAGODA_INVALID_MODEL,
                         fmt::format("{}: compiled for {} ({} {} AI cores), but the device is {} "
                                     "({} {} AI cores)",
                                     source, a->target.name, a->target.aiCores,
                                     target::organizationName(a->target.organization), t.name,
                                     t.aiCores, target::organizationName(t.organization)));
  auto m = std::shared_ptr<Module>(new Module());
  m->device_ = device;
  m->artifact_ = std::move(*a);
  for (const artifact::TensorDesc &td : m->artifact_.inputs)
    m->inputDims_.push_back(td.shape);
  for (const artifact::TensorDesc &td : m->artifact_.outputs)
    m->outputDims_.push_back(td.shape);
  // Constants go to the device once; the arena lives as long as the module.
  auto alloc = [&](uint64_t bytes, const char *what, uint64_t &addr) -> Status {
    if (!bytes)
      return {};
    Result<uint64_t> r = device->memory().allocate(bytes);
    if (!r)
      return Status::error(PAGODA_OUT_OF_MEMORY,
                           fmt::format("{}: loading its {}: {}", source, what, r.error().str()));
    addr = *r;
    return {};
  };
  if (Status s = alloc(constants.size, "constants", m->constants_); !s.ok())
    return s;
  if (Status s = alloc(m->artifact_.arenaBytes, "activation arena", m->arena_); !s.ok())
    return s;
  if (constants.size)
    std::memcpy(device->memory().translate(m->constants_, constants.size), constants.data,
                constants.size);
  out = std::move(m);
  return {};
}

Module::~Module() {
  if (constants_)
    (void)device_->memory().free(constants_);
  if (arena_)
    (void)device_->memory().free(arena_);
}

namespace {

std::string shapeStr(const int64_t *dims, size_t rank) {
  std::string s = "[";
  for (size_t i = 0; i < rank; ++i)
    s += fmt::format("{}{}", i ? "x" : "", dims[i]);
  return s + "]";
}

} // namespace

Status Module::checkArguments(const pagoda_tensor *inputs, size_t numInputs,
                              const pagoda_tensor *outputs, size_t numOutputs) const {
  auto check = [&](const char *kind, const std::vector<artifact::TensorDesc> &sig,
                   const pagoda_tensor *args, size_t n) -> Status {
    if (n != sig.size())
      return Status::error(PAGODA_INVALID_ARGUMENT,
                           fmt::format("the model takes {} {}s, got {}", sig.size(), kind, n));
    if (n && !args)
      return Status::error(PAGODA_INVALID_ARGUMENT, fmt::format("{}s is NULL", kind));
    for (size_t i = 0; i < n; ++i) {
      const artifact::TensorDesc &want = sig[i];
      const pagoda_tensor &got = args[i];
      std::string what = fmt::format("{} {} ('{}')", kind, i, want.name);
      if (!got.buffer)
        return Status::error(PAGODA_INVALID_ARGUMENT, what + ": no buffer");
      if (unsigned(got.dtype) != unsigned(want.type))
        return Status::error(PAGODA_INVALID_ARGUMENT,
                             fmt::format("{}: dtype {} given, the model needs {}", what,
                                         unsigned(got.dtype) < artifact::kNumElemTypes
                                             ? artifact::elemTypeName(artifact::ElemType(got.dtype))
                                             : "<invalid>",
                                         artifact::elemTypeName(want.type)));
      bool same =
          got.rank >= 0 && size_t(got.rank) == want.shape.size() && (got.rank == 0 || got.dims);
      for (size_t d = 0; same && d < want.shape.size(); ++d)
        same = got.dims[d] == want.shape[d];
      if (!same)
        return Status::error(PAGODA_INVALID_ARGUMENT,
                             fmt::format("{}: shape {} given, the model needs {}", what,
                                         got.rank >= 0 && (got.dims || !got.rank)
                                             ? shapeStr(got.dims, size_t(got.rank))
                                             : "<invalid>",
                                         shapeStr(want.shape.data(), want.shape.size())));
      const std::shared_ptr<Buffer> &buffer = got.buffer->impl;
      if (buffer->size() < want.byteSize())
        return Status::error(PAGODA_INVALID_ARGUMENT,
                             fmt::format("{}: the buffer holds {} bytes, the tensor needs {}", what,
                                         buffer->size(), want.byteSize()));
      if (buffer->devicePtr() != device_)
        return Status::error(PAGODA_INVALID_ARGUMENT,
                             what + ": the buffer belongs to another device");
    }
    return {};
  };
  if (Status s = check("input", artifact_.inputs, inputs, numInputs); !s.ok())
    return s;
  return check("output", artifact_.outputs, outputs, numOutputs);
}

Status Module::resolve(const artifact::Ref &ref, const Bound &b, uint64_t &out) const {
  switch (ref.kind) {
  case artifact::Ref::Kind::Input:
    out = b.inputs[ref.index] + ref.offset;
    return {};
  case artifact::Ref::Kind::Output:
    out = b.outputs[ref.index] + ref.offset;
    return {};
  case artifact::Ref::Kind::Constant:
    out = constants_ + ref.offset;
    return {};
  case artifact::Ref::Kind::Arena:
    out = arena_ + ref.offset;
    return {};
  case artifact::Ref::Kind::Scalar:
    out = ref.offset;
    return {};
  }
  return Status::error(PAGODA_INTERNAL, "bad reference");
}

Status Module::run(const std::vector<uint64_t> &inputs, const std::vector<uint64_t> &outputs) {
  std::lock_guard<std::mutex> lock(runMutex_);
  Bound b{inputs, outputs};
  RunState run;
  auto t0 = std::chrono::steady_clock::now();
  run.start = std::chrono::duration<double>(t0.time_since_epoch()).count();
  Status s = runSteps(artifact_.plan, b, run);
  if (s.ok()) {
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::lock_guard<std::mutex> plock(profileMutex_);
    kernels_ = std::move(run.kernels);
    hosts_ = std::move(run.hosts);
    transfers_ = run.transfers;
    wallSeconds_ = wall;
    profile_.clear();
    trace_.clear();
  }
  return s;
}

void Module::chargeTransfer(RunState &run, uint64_t bytes) const {
  const target::TargetDesc &t = device_->target();
  run.transfers.transfers += 1;
  run.transfers.bytes += bytes;
  run.transfers.seconds += double(bytes) / (t.hostLinkGBps * 1e9) + t.hostTransferLatencyUs * 1e-6;
}

Status Module::runSteps(const std::vector<artifact::Step> &steps, const Bound &b, RunState &run) {
  std::vector<KernelRecord> &kernels = run.kernels;
  std::vector<HostRecord> &hosts = run.hosts;
  const double runStart = run.start;
  using Where = RunState::Where;
  using Kind = artifact::Step::Kind;
  sim::GlobalMemory &gm = device_->memory();
  for (const artifact::Step &step : steps) {
    auto where = [&]() {
      return step.location.empty() ? std::string() : fmt::format(" (node {})", step.location);
    };
    switch (step.kind) {
    case Kind::Launch: {
      const artifact::Kernel &k = artifact_.kernels[step.kernel];
      sim::KernelLaunch launch;
      launch.name = k.name;
      launch.programs = k.programs;
      launch.blockDim = step.blockDim;
      for (const artifact::Ref &r : step.args) {
        uint64_t v;
        if (Status s = resolve(r, b, v); !s.ok())
          return s;
        launch.args.push_back(v);
        // A region the host wrote goes to the device first; afterwards the
        // kernel may have written it (arguments do not say which it reads).
        auto it = run.regions.find(v);
        if (r.kind != artifact::Ref::Kind::Scalar && it != run.regions.end()) {
          if (it->second.where == Where::Host)
            chargeTransfer(run, it->second.bytes);
          it->second.where = Where::Device;
        }
      }
      double startSeconds = 0, simWall = 0;
      Result<sim::KernelStats> stats = device_->launch(launch, &startSeconds, &simWall);
      if (!stats)
        return Status::error(PAGODA_DEVICE_ERROR,
                             fmt::format("{}{}", stats.error().str(), where()));
      kernels.push_back({k.name, step.location, startSeconds, simWall, *stats});
      break;
    }
    case Kind::Copy: {
      uint64_t dst, src;
      (void)resolve(step.dst, b, dst);
      (void)resolve(step.src, b, src);
      uint8_t *d = gm.translate(dst, step.bytes), *s = gm.translate(src, step.bytes);
      if (step.bytes && (!d || !s))
        return Status::error(PAGODA_DEVICE_ERROR, "copy outside device memory" + where());
      if (step.bytes)
        std::memmove(d, s, step.bytes);
      break;
    }
    case Kind::HostCall: {
      auto it = hostKernels().find(step.op);
      if (it == hostKernels().end())
        return Status::error(PAGODA_UNIMPLEMENTED,
                             fmt::format("no host kernel for op '{}'{}", step.op, where()));
      HostCall call{&step, {}, {}};
      for (size_t i = 0; i < step.inputs.size(); ++i) {
        uint64_t addr;
        (void)resolve(step.inputs[i], b, addr);
        const uint64_t bytes = step.inputTypes[i].byteSize();
        call.inputs.push_back({&step.inputTypes[i], gm.translate(addr, bytes)});
        // What the host has not got yet comes over the link. Weights and
        // model inputs count as present on both sides (loading and
        // uploading them is the caller's business).
        const artifact::Ref::Kind kind = step.inputs[i].kind;
        RunState::Region &region = run.regions[addr];
        if (kind == artifact::Ref::Kind::Constant || kind == artifact::Ref::Kind::Input) {
          if (region.bytes == 0)
            region = {bytes, Where::Both};
        } else if (region.where == Where::Device) {
          chargeTransfer(run, bytes);
          region = {std::max(region.bytes, bytes), Where::Both};
        }
      }
      for (size_t i = 0; i < step.outputs.size(); ++i) {
        uint64_t addr;
        (void)resolve(step.outputs[i], b, addr);
        const uint64_t bytes = step.outputTypes[i].byteSize();
        call.outputs.push_back({&step.outputTypes[i], gm.translate(addr, bytes)});
        run.regions[addr] = {bytes, Where::Host};
      }
      auto t0 = std::chrono::steady_clock::now();
      Status s = it->second(call);
      auto t1 = std::chrono::steady_clock::now();
      if (!s.ok())
        return Status::error(s.code,
                             fmt::format("host kernel {}: {}{}", step.op, s.message, where()));
      HostRecord rec{step.op, step.location,
                     std::chrono::duration<double>(t0.time_since_epoch()).count() - runStart,
                     std::chrono::duration<double>(t1 - t0).count()};
      hostWork(step, rec.flops, rec.bytes);
      const target::TargetDesc &t = device_->target();
      rec.modeledSeconds =
          std::max(rec.flops / (t.hostGflops * 1e9), double(rec.bytes) / (t.hostMemoryGBps * 1e9));
      hosts.push_back(std::move(rec));
      break;
    }
    case Kind::If:
    case Kind::Loop: {
      uint64_t addr;
      (void)resolve(step.cond, b, addr);
      int64_t value;
      std::memcpy(&value, gm.translate(addr, 8), 8);
      if (step.kind == Kind::If) {
        if (Status s = runSteps(step.body[value != 0 ? 0 : 1], b, run); !s.ok())
          return s;
        break;
      }
      if (value < 0 || uint64_t(value) > step.maxTrip)
        return Status::error(
            PAGODA_DEVICE_ERROR,
            fmt::format("loop trip count {} is outside [0, {}]{}", value, step.maxTrip, where()));
      for (int64_t i = 0; i < value; ++i)
        if (Status s = runSteps(step.body[0], b, run); !s.ok())
          return s;
      break;
    }
    case Kind::Record:
    case Kind::Wait:
      // The plan runs in listed order on one host thread, which already
      // satisfies every record-before-wait.
      break;
    }
  }
  return {};
}

std::string Module::profileJSON() {
  std::lock_guard<std::mutex> lock(profileMutex_);
  if (!profile_.empty() || (kernels_.empty() && hosts_.empty()))
    return profile_.empty() ? "{}" : profile_;
  const target::TargetDesc &t = device_->target();
  nlohmann::ordered_json out;
  double seconds = 0, roofline = 0, flops = 0, hbm = 0, simWall = 0;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const KernelRecord &k : kernels_) {
    const sim::KernelStats &s = k.stats;
    double kflops = 0;
    for (double f : s.cubeFlops)
      kflops += f;
    double rooflineSeconds = s.rooflineCycles() / t.cyclesPerSecond();
    seconds += s.seconds;
    roofline += rooflineSeconds + s.launchOverheadCycles / t.cyclesPerSecond();
    flops += kflops;
    hbm += double(s.hbmReadBytes + s.hbmWriteBytes);
    nlohmann::ordered_json pipes = nlohmann::ordered_json::object();
    const double active = s.cycles - s.launchOverheadCycles;
    for (unsigned p = 0; p < target::kNumPipes; ++p)
      if (s.pipes[p].instructions)
        pipes[target::pipeName(target::Pipe(p))] =
            active > 0 ? s.pipes[p].busyCycles / (active * std::max(1u, s.coresRun)) : 0.0;
    nlohmann::ordered_json paths = nlohmann::ordered_json::object();
    for (unsigned p = 0; p < target::kNumPaths; ++p)
      if (s.pathBytes[p])
        paths[target::pathInfo(target::Path(p)).name] = s.pathBytes[p];
    list.push_back(
        {{"name", k.name},
         {"node", k.location},
         {"cycles", s.cycles},
         {"simulated_seconds", s.seconds},
         {"roofline_seconds", rooflineSeconds},
         {"bound", s.rooflineComputeCycles >= s.rooflineMemoryCycles ? "compute" : "memory"},
         {"flops", kflops},
         {"hbm_bytes", s.hbmReadBytes + s.hbmWriteBytes},
         {"pipe_utilization", pipes},
         {"path_bytes", paths},
         {"simulator_wall_seconds", k.simWallSeconds}});
    simWall += k.simWallSeconds;
  }
  double hostSeconds = 0, hostModeled = 0;
  nlohmann::ordered_json hlist = nlohmann::ordered_json::array();
  for (const HostRecord &h : hosts_) {
    hostSeconds += h.seconds;
    hostModeled += h.modeledSeconds;
    hlist.push_back({{"op", h.op},
                     {"node", h.location},
                     {"host_seconds", h.seconds},
                     {"flops", h.flops},
                     {"bytes", h.bytes},
                     {"modeled_seconds", h.modeledSeconds}});
  }
  out["target"] = t.name;
  out["simulated_seconds"] = seconds;
  out["roofline_seconds"] = roofline;
  out["flops"] = flops;
  out["hbm_bytes"] = hbm;
  out["host_seconds"] = hostSeconds;
  // The target's model of the host side (docs/runtime-api.md): host kernels
  // and the copies the plan implies, added to the simulated device time
  // for one stream's end-to-end estimate.
  out["host_modeled_seconds"] = hostModeled;
  out["transfers"] = transfers_.transfers;
  out["transfer_bytes"] = transfers_.bytes;
  out["transfer_seconds"] = transfers_.seconds;
  out["modeled_total_seconds"] = seconds + hostModeled + transfers_.seconds;
  // Wall time of the last run: in the simulator, and in the runtime itself
  // (plan walking, argument binding, copies: what a real device would cost
  // the host too).
  out["wall_seconds"] = wallSeconds_;
  out["simulator_wall_seconds"] = simWall;
  out["runtime_overhead_seconds"] = std::max(0.0, wallSeconds_ - simWall - hostSeconds);
  out["kernels"] = list;
  out["host_calls"] = hlist;
  profile_ = out.dump(2);
  return profile_;
}

std::string Module::traceJSON() {
  std::lock_guard<std::mutex> lock(profileMutex_);
  if (!trace_.empty())
    return trace_;
  // Two tracks: the device (simulated time) and the host (wall time of host
  // kernels), in microseconds.
  nlohmann::ordered_json ev = nlohmann::ordered_json::array();
  ev.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", 0}, {"args", {{"name", "device"}}}});
  ev.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", 1}, {"args", {{"name", "host"}}}});
  double t0 = kernels_.empty() ? 0 : kernels_.front().startSeconds;
  for (const KernelRecord &k : kernels_)
    ev.push_back({{"ph", "X"},
                  {"name", k.name},
                  {"pid", 0},
                  {"tid", 0},
                  {"ts", (k.startSeconds - t0) * 1e6},
                  {"dur", k.stats.seconds * 1e6},
                  {"args", {{"node", k.location}, {"cycles", k.stats.cycles}}}});
  for (const HostRecord &h : hosts_)
    ev.push_back({{"ph", "X"},
                  {"name", h.op},
                  {"pid", 1},
                  {"tid", 0},
                  {"ts", h.startSeconds * 1e6},
                  {"dur", h.seconds * 1e6},
                  {"args", {{"node", h.location}}}});
  trace_ = nlohmann::ordered_json({{"traceEvents", ev}}).dump();
  return trace_;
}

} // namespace pagoda::runtime
