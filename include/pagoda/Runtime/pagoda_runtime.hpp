//===- pagoda_runtime.hpp - C++ RAII wrapper over the runtime C API -*- C++ -*-===//
//
// Header-only: owning handles that release in their destructors, and errors
// as pagoda::Exception (code + message). Built only on the C API, so it works
// with the installed library alone.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_RUNTIME_PAGODA_RUNTIME_HPP
#define PAGODA_RUNTIME_PAGODA_RUNTIME_HPP

#include "pagoda/pagoda_runtime.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace pagoda {

class Exception : public std::runtime_error {
public:
  Exception(pagoda_status_code code, const std::string &message)
      : std::runtime_error(message), code_(code) {}
  pagoda_status_code code() const { return code_; }

private:
  pagoda_status_code code_;
};

/// Throws if `status` is an error (and frees it either way).
inline void check(pagoda_status_t status) {
  if (!status)
    return;
  pagoda_status_code code = pagoda_status_code_of(status);
  std::string message = pagoda_status_message(status);
  pagoda_status_free(status);
  throw Exception(code, message);
}

namespace detail {
template <typename H, void (*Release)(H)> class Handle {
public:
  Handle() = default;
  explicit Handle(H h) : h_(h) {}
  ~Handle() { reset(); }
  Handle(const Handle &) = delete;
  Handle &operator=(const Handle &) = delete;
  Handle(Handle &&o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  Handle &operator=(Handle &&o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, nullptr);
    }
    return *this;
  }
  H get() const { return h_; }
  void reset() {
    if (h_)
      Release(h_);
    h_ = nullptr;
  }

protected:
  H h_ = nullptr;
};
} // namespace detail

class Device : public detail::Handle<pagoda_device_t, pagoda_device_release> {
public:
  /// A preset name or a target JSON file path.
  explicit Device(const std::string &target) { check(pagoda_device_create(target.c_str(), &h_)); }
  /// A device from target JSON text.
  static Device fromJSON(const std::string &json) {
    Device d;
    check(pagoda_device_create_from_json(json.c_str(), &d.h_));
    return d;
  }
  std::string targetName() const { return pagoda_device_target_name(h_); }
  double simulatedSeconds() const { return pagoda_device_simulated_seconds(h_); }

private:
  Device() = default;
};

class Buffer : public detail::Handle<pagoda_buffer_t, pagoda_buffer_release> {
public:
  Buffer(const Device &device, uint64_t bytes) {
    check(pagoda_buffer_alloc(device.get(), bytes, &h_));
  }
  uint64_t size() const { return pagoda_buffer_size(h_); }
  void write(const void *host, uint64_t bytes, uint64_t offset = 0) {
    check(pagoda_buffer_write(h_, offset, host, bytes));
  }
  void read(void *host, uint64_t bytes, uint64_t offset = 0) const {
    check(pagoda_buffer_read(h_, offset, host, bytes));
  }
};

class Stream : public detail::Handle<pagoda_stream_t, pagoda_stream_release> {
public:
  explicit Stream(const Device &device) { check(pagoda_stream_create(device.get(), &h_)); }
  void synchronize() { check(pagoda_stream_synchronize(h_)); }
};

class Event : public detail::Handle<pagoda_event_t, pagoda_event_release> {
public:
  explicit Event(const Device &device) { check(pagoda_event_create(device.get(), &h_)); }
  void record(const Stream &s) { check(pagoda_event_record(h_, s.get())); }
  void synchronize() { check(pagoda_event_synchronize(h_)); }
  bool fired() const { return pagoda_event_query(h_) != 0; }
};

/// A tensor argument: a buffer with the dtype and shape it holds.
struct Tensor {
  const Buffer *buffer;
  pagoda_dtype dtype;
  std::vector<int64_t> dims;
};

class Module : public detail::Handle<pagoda_module_t, pagoda_module_release> {
public:
  Module(const Device &device, const std::string &path) {
    check(pagoda_module_load_file(device.get(), path.c_str(), &h_));
  }
  Module(const Device &device, const void *data, size_t bytes) {
    check(pagoda_module_load_memory(device.get(), data, bytes, &h_));
  }
  size_t numInputs() const { return pagoda_module_num_inputs(h_); }
  size_t numOutputs() const { return pagoda_module_num_outputs(h_); }
  struct Info {
    std::string name;
    pagoda_dtype dtype;
    std::vector<int64_t> dims;
  };
  Info input(size_t i) const { return info(true, i); }
  Info output(size_t i) const { return info(false, i); }
  void execute(const std::vector<Tensor> &inputs, const std::vector<Tensor> &outputs) {
    std::vector<pagoda_tensor> in = lower(inputs), out = lower(outputs);
    check(pagoda_module_execute(h_, in.data(), in.size(), out.data(), out.size()));
  }
  void executeAsync(const Stream &stream, const std::vector<Tensor> &inputs,
                    const std::vector<Tensor> &outputs) {
    std::vector<pagoda_tensor> in = lower(inputs), out = lower(outputs);
    check(pagoda_module_execute_async(h_, stream.get(), in.data(), in.size(), out.data(),
                                      out.size()));
  }
  std::string profileJSON() const { return pagoda_module_profile_json(h_); }
  std::string traceJSON() const { return pagoda_module_trace_json(h_); }

private:
  Info info(bool input, size_t i) const {
    const char *name = nullptr;
    pagoda_dtype dtype = PAGODA_F32;
    int32_t rank = 0;
    const int64_t *dims = nullptr;
    check(input ? pagoda_module_input(h_, i, &name, &dtype, &rank, &dims)
                : pagoda_module_output(h_, i, &name, &dtype, &rank, &dims));
    return Info{name, dtype, std::vector<int64_t>(dims, dims + rank)};
  }
  static std::vector<pagoda_tensor> lower(const std::vector<Tensor> &ts) {
    std::vector<pagoda_tensor> out;
    for (const Tensor &t : ts)
      out.push_back({t.buffer->get(), t.dtype, int32_t(t.dims.size()), t.dims.data()});
    return out;
  }
};

} // namespace pagoda

#endif // PAGODA_RUNTIME_PAGODA_RUNTIME_HPP
