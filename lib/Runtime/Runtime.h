//===- Runtime.h - The runtime's objects behind the C API -------*- C++ -*-===//
//
// Devices (a modeled chip: its HBM and its simulator), buffers, streams
// (in-order work on a host thread each), events, and modules (a loaded
// artifact: constants uploaded, an activation arena, a plan interpreter).
// The C API (CApi.cpp) is a thin shell over these. Not installed.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_LIB_RUNTIME_RUNTIME_H
#define PAGODA_LIB_RUNTIME_RUNTIME_H

#include "pagoda/Artifact/Artifact.h"
#include "pagoda/Sim/Simulator.h"
#include "pagoda/pagoda_runtime.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pagoda::runtime {

/// A status with a code, as the C API reports it.
struct Status {
  pagoda_status_code code = PAGODA_OK;
  std::string message;
  bool ok() const { return code == PAGODA_OK; }
  static Status error(pagoda_status_code code, std::string message) {
    return Status{code, std::move(message)};
  }
};

class Device {
public:
  static std::shared_ptr<Device> create(const target::TargetDesc &target);

  const target::TargetDesc &target() const { return target_; }
  sim::GlobalMemory &memory() { return memory_; }

  /// Runs one kernel on the simulator; launches from every stream are
  /// serialized (one chip), and their simulated time adds to the device's.
  /// `startSeconds` receives the device time it started at, `simWallSeconds`
  /// the host time the simulation took.
  Result<sim::KernelStats> launch(const sim::KernelLaunch &launch, double *startSeconds,
                                  double *simWallSeconds = nullptr);
  double simulatedSeconds();

private:
  explicit Device(const target::TargetDesc &target);
  target::TargetDesc target_;
  sim::GlobalMemory memory_;
  std::unique_ptr<sim::Simulator> sim_;
  std::mutex mutex_;
  double seconds_ = 0;
};

class Buffer {
public:
  Buffer(std::shared_ptr<Device> device, uint64_t address, uint64_t size)
      : device_(std::move(device)), address_(address), size_(size) {}
  ~Buffer();
  static Status allocate(const std::shared_ptr<Device> &device, uint64_t bytes,
                         std::shared_ptr<Buffer> &out);
  Device &device() { return *device_; }
  const std::shared_ptr<Device> &devicePtr() const { return device_; }
  uint64_t address() const { return address_; }
  uint64_t size() const { return size_; }
  /// Host pointer to [offset, offset + bytes) after a bounds check.
  Status span(uint64_t offset, uint64_t bytes, uint8_t **out);

private:
  std::shared_ptr<Device> device_;
  uint64_t address_;
  uint64_t size_;
};

class Event {
public:
  /// Called when recorded on a stream: returns the generation to fire.
  uint64_t arm();
  void fire(uint64_t generation);
  /// Blocks until generation `g` (or, with 0, the last armed one) fired.
  void wait(uint64_t g = 0);
  bool fired();
  uint64_t lastArmed();

private:
  std::mutex mutex_;
  std::condition_variable cv_;
  uint64_t armed_ = 0;
  uint64_t fired_ = 0;
};

class Stream {
public:
  explicit Stream(std::shared_ptr<Device> device);
  ~Stream();
  using Command = std::function<Status()>;
  void enqueue(Command command);
  /// Waits for the queue to drain; returns and clears the first error.
  Status synchronize();
  Device &device() { return *device_; }

private:
  std::shared_ptr<Device> device_;
  std::mutex mutex_;
  std::condition_variable work_, idle_;
  std::deque<Command> queue_;
  bool busy_ = false;
  bool stop_ = false;
  Status firstError_;
  std::thread worker_;
  void run();
};

/// One host-kernel call's operands.
struct HostTensor {
  const artifact::TensorDesc *desc;
  uint8_t *data;
};
struct HostCall {
  const artifact::Step *step;
  std::vector<HostTensor> inputs;
  std::vector<HostTensor> outputs;
};
using HostKernel = Status (*)(const HostCall &call);
/// The registry of CPU kernels for ops the compiler placed on the host.
const std::map<std::string, HostKernel> &hostKernels();

/// Profile of one run of a module.
struct KernelRecord {
  std::string name;
  std::string location;
  double startSeconds = 0;   ///< device time when it started
  double simWallSeconds = 0; ///< host time spent simulating it
  sim::KernelStats stats;
};
struct HostRecord {
  std::string op;
  std::string location;
  double startSeconds = 0; ///< host wall time since the run began
  double seconds = 0;
  /// The target's host model (as placement uses it): flops at host.gflops
  /// or bytes at host.memory_gb_per_s, whichever is slower.
  double flops = 0;
  uint64_t bytes = 0;
  double modeledSeconds = 0;
};

/// Host<->device copies the plan implies: data a host kernel reads that
/// the device wrote, and data a kernel reads that the host wrote, each at
/// host.link_gb_per_s plus host.transfer_latency_us.
struct TransferRecord {
  uint64_t transfers = 0;
  uint64_t bytes = 0;
  double seconds = 0;
};

/// The work of one host call (flops; bytes read and written), for the
/// modeled time. Defined with the host kernels.
void hostWork(const artifact::Step &step, double &flops, uint64_t &bytes);

class Module {
public:
  static Status load(const std::shared_ptr<Device> &device, const uint8_t *data, size_t size,
                     const std::string &source, std::shared_ptr<Module> &out);
  ~Module();

  const artifact::Artifact &artifact() const { return artifact_; }
  const std::shared_ptr<Device> &device() const { return device_; }
  /// Checks arguments against the signature (count, dtype, shape, size).
  Status checkArguments(const pagoda_tensor *inputs, size_t numInputs, const pagoda_tensor *outputs,
                        size_t numOutputs) const;
  /// Runs the plan (on a stream's thread) with bound GM addresses.
  Status run(const std::vector<uint64_t> &inputs, const std::vector<uint64_t> &outputs);

  std::string profileJSON();
  std::string traceJSON();
  /// Dims as int64 arrays for the C API.
  const std::vector<std::vector<int64_t>> &inputDims() const { return inputDims_; }
  const std::vector<std::vector<int64_t>> &outputDims() const { return outputDims_; }

private:
  std::shared_ptr<Device> device_;
  artifact::Artifact artifact_;
  uint64_t constants_ = 0;
  uint64_t arena_ = 0;
  std::vector<std::vector<int64_t>> inputDims_, outputDims_;
  std::mutex runMutex_; ///< one run at a time uses the arena
  std::mutex profileMutex_;
  std::vector<KernelRecord> kernels_;
  std::vector<HostRecord> hosts_;
  TransferRecord transfers_;
  double wallSeconds_ = 0; ///< host time of the last run
  std::string profile_, trace_;

  struct Bound {
    const std::vector<uint64_t> &inputs;
    const std::vector<uint64_t> &outputs;
  };
  /// One run's records, and where the latest copy of each region written
  /// by a host kernel or a kernel lives (for the modeled transfers).
  struct RunState {
    std::vector<KernelRecord> kernels;
    std::vector<HostRecord> hosts;
    TransferRecord transfers;
    enum class Where : uint8_t { Device, Host, Both };
    struct Region {
      uint64_t bytes = 0;
      Where where = Where::Device;
    };
    std::map<uint64_t, Region> regions;
    double start = 0;
  };
  Status resolve(const artifact::Ref &ref, const Bound &b, uint64_t &out) const;
  Status runSteps(const std::vector<artifact::Step> &steps, const Bound &b, RunState &run);
  void chargeTransfer(RunState &run, uint64_t bytes) const;
};

} // namespace pagoda::runtime

// The C API's handles: each holds a shared reference to its object.
struct pagoda_device_s {
  std::shared_ptr<pagoda::runtime::Device> impl;
};
struct pagoda_buffer_s {
  std::shared_ptr<pagoda::runtime::Buffer> impl;
};
struct pagoda_stream_s {
  std::shared_ptr<pagoda::runtime::Stream> impl;
};
struct pagoda_event_s {
  std::shared_ptr<pagoda::runtime::Event> impl;
};
struct pagoda_module_s {
  std::shared_ptr<pagoda::runtime::Module> impl;
};
struct pagoda_status_s {
  pagoda_status_code code;
  std::string message;
};

#endif // PAGODA_LIB_RUNTIME_RUNTIME_H
