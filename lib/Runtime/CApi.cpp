//===- CApi.cpp - The C API: a thin shell over the runtime objects --------===//
//
// Every entry point catches everything: no exception crosses into C. Each
// failure returns a status and also sets the thread's last-error text.
//
//===----------------------------------------------------------------------===//

#include "Runtime.h"

#include "pagoda/Config/Version.h"
#include "pagoda/Support/File.h"
#include "pagoda/Target/TargetJSON.h"

#include <fmt/format.h>

#include <new>

using namespace pagoda;
using namespace pagoda::runtime;

namespace {

thread_local std::string lastError;

pagoda_status_t make(pagoda_status_code code, std::string message) {
  lastError = message;
  return new (std::nothrow) pagoda_status_s{code, std::move(message)};
}
pagoda_status_t make(const Status &s) {
  if (s.ok())
    return nullptr;
  return make(s.code, s.message);
}

template <typename Fn> pagoda_status_t guard(const char *api, Fn fn) {
  try {
    return fn();
  } catch (const std::bad_alloc &) {
    return make(PAGODA_OUT_OF_MEMORY, fmt::format("{}: host memory exhausted", api));
  } catch (const std::exception &e) {
    return make(PAGODA_INTERNAL, fmt::format("{}: internal error: {}", api, e.what()));
  } catch (...) {
    return make(PAGODA_INTERNAL, fmt::format("{}: internal error", api));
  }
}

pagoda_status_t nullArg(const char *api, const char *what) {
  return make(PAGODA_INVALID_ARGUMENT, fmt::format("{}: {} is NULL", api, what));
}

} // namespace

extern "C" {

pagoda_status_code pagoda_status_code_of(pagoda_status_t status) {
  return status ? status->code : PAGODA_OK;
}
const char *pagoda_status_message(pagoda_status_t status) {
  return status ? status->message.c_str() : "";
}
void pagoda_status_free(pagoda_status_t status) { delete status; }
const char *pagoda_last_error(void) { return lastError.c_str(); }
const char *pagoda_version(void) { return PAGODA_VERSION; }

const char *pagoda_dtype_name(pagoda_dtype dtype) {
  return unsigned(dtype) < artifact::kNumElemTypes
             ? artifact::elemTypeName(artifact::ElemType(dtype))
             : "<invalid>";
}
size_t pagoda_dtype_size(pagoda_dtype dtype) {
  return unsigned(dtype) < artifact::kNumElemTypes
             ? artifact::elemTypeBytes(artifact::ElemType(dtype))
             : 0;
}

//===-- Devices -------------------------------------------------------------===//

static pagoda_status_t newDevice(const Result<target::TargetDesc> &t, pagoda_device_t *out_device,
                                 pagoda_status_code notFound) {
  if (!t)
    return make(notFound, t.error().str());
  *out_device = new pagoda_device_s{Device::create(*t)};
  return nullptr;
}

pagoda_status_t pagoda_device_create(const char *target, pagoda_device_t *out_device) {
  return guard("pagoda_device_create", [&]() -> pagoda_status_t {
    if (!target)
      return nullArg("pagoda_device_create", "target");
    if (!out_device)
      return nullArg("pagoda_device_create", "out_device");
    return newDevice(target::resolveTarget(target), out_device, PAGODA_NOT_FOUND);
  });
}

pagoda_status_t pagoda_device_create_from_json(const char *json, pagoda_device_t *out_device) {
  return guard("pagoda_device_create_from_json", [&]() -> pagoda_status_t {
    if (!json)
      return nullArg("pagoda_device_create_from_json", "json");
    if (!out_device)
      return nullArg("pagoda_device_create_from_json", "out_device");
    return newDevice(target::parseTargetJSON(json, "<target json>"), out_device,
                     PAGODA_INVALID_ARGUMENT);
  });
}

void pagoda_device_release(pagoda_device_t device) { delete device; }

const char *pagoda_device_target_name(pagoda_device_t device) {
  return device ? device->impl->target().name.c_str() : "";
}

pagoda_status_t pagoda_device_memory(pagoda_device_t device, uint64_t *out_capacity,
                                     uint64_t *out_allocated) {
  if (!device)
    return nullArg("pagoda_device_memory", "device");
  if (out_capacity)
    *out_capacity = device->impl->memory().capacity();
  if (out_allocated)
    *out_allocated = device->impl->memory().allocatedBytes();
  return nullptr;
}

double pagoda_device_simulated_seconds(pagoda_device_t device) {
  return device ? device->impl->simulatedSeconds() : 0;
}

//===-- Buffers -------------------------------------------------------------===//

pagoda_status_t pagoda_buffer_alloc(pagoda_device_t device, uint64_t bytes,
                                    pagoda_buffer_t *out_buffer) {
  return guard("pagoda_buffer_alloc", [&]() -> pagoda_status_t {
    if (!device)
      return nullArg("pagoda_buffer_alloc", "device");
    if (!out_buffer)
      return nullArg("pagoda_buffer_alloc", "out_buffer");
    std::shared_ptr<Buffer> b;
    if (Status s = Buffer::allocate(device->impl, bytes, b); !s.ok())
      return make(s);
    *out_buffer = new pagoda_buffer_s{std::move(b)};
    return nullptr;
  });
}

void pagoda_buffer_release(pagoda_buffer_t buffer) { delete buffer; }

uint64_t pagoda_buffer_size(pagoda_buffer_t buffer) { return buffer ? buffer->impl->size() : 0; }

pagoda_status_t pagoda_buffer_write(pagoda_buffer_t buffer, uint64_t offset, const void *host,
                                    uint64_t bytes) {
  return guard("pagoda_buffer_write", [&]() -> pagoda_status_t {
    if (!buffer)
      return nullArg("pagoda_buffer_write", "buffer");
    if (!host && bytes)
      return nullArg("pagoda_buffer_write", "host");
    uint8_t *p;
    if (Status s = buffer->impl->span(offset, bytes, &p); !s.ok())
      return make(s.code, "pagoda_buffer_write: " + s.message);
    if (bytes)
      std::memcpy(p, host, bytes);
    return nullptr;
  });
}

pagoda_status_t pagoda_buffer_read(pagoda_buffer_t buffer, uint64_t offset, void *host,
                                   uint64_t bytes) {
  return guard("pagoda_buffer_read", [&]() -> pagoda_status_t {
    if (!buffer)
      return nullArg("pagoda_buffer_read", "buffer");
    if (!host && bytes)
      return nullArg("pagoda_buffer_read", "host");
    uint8_t *p;
    if (Status s = buffer->impl->span(offset, bytes, &p); !s.ok())
      return make(s.code, "pagoda_buffer_read: " + s.message);
    if (bytes)
      std::memcpy(host, p, bytes);
    return nullptr;
  });
}

//===-- Streams and events --------------------------------------------------===//

pagoda_status_t pagoda_stream_create(pagoda_device_t device, pagoda_stream_t *out_stream) {
  return guard("pagoda_stream_create", [&]() -> pagoda_status_t {
    if (!device)
      return nullArg("pagoda_stream_create", "device");
    if (!out_stream)
      return nullArg("pagoda_stream_create", "out_stream");
    *out_stream = new pagoda_stream_s{std::make_shared<Stream>(device->impl)};
    return nullptr;
  });
}

void pagoda_stream_release(pagoda_stream_t stream) { delete stream; }

pagoda_status_t pagoda_stream_synchronize(pagoda_stream_t stream) {
  return guard("pagoda_stream_synchronize", [&]() -> pagoda_status_t {
    if (!stream)
      return nullArg("pagoda_stream_synchronize", "stream");
    return make(stream->impl->synchronize());
  });
}

pagoda_status_t pagoda_stream_copy_to_device(pagoda_stream_t stream, pagoda_buffer_t dst,
                                             uint64_t offset, const void *host, uint64_t bytes) {
  return guard("pagoda_stream_copy_to_device", [&]() -> pagoda_status_t {
    if (!stream || !dst || (!host && bytes))
      return nullArg("pagoda_stream_copy_to_device", !stream ? "stream" : !dst ? "dst" : "host");
    uint8_t *p;
    if (Status s = dst->impl->span(offset, bytes, &p); !s.ok())
      return make(s.code, "pagoda_stream_copy_to_device: " + s.message);
    std::shared_ptr<Buffer> keep = dst->impl;
    stream->impl->enqueue([keep, p, host, bytes]() -> Status {
      if (bytes)
        std::memcpy(p, host, bytes);
      return {};
    });
    return nullptr;
  });
}

pagoda_status_t pagoda_stream_copy_to_host(pagoda_stream_t stream, void *host, pagoda_buffer_t src,
                                           uint64_t offset, uint64_t bytes) {
  return guard("pagoda_stream_copy_to_host", [&]() -> pagoda_status_t {
    if (!stream || !src || (!host && bytes))
      return nullArg("pagoda_stream_copy_to_host", !stream ? "stream" : !src ? "src" : "host");
    uint8_t *p;
    if (Status s = src->impl->span(offset, bytes, &p); !s.ok())
      return make(s.code, "pagoda_stream_copy_to_host: " + s.message);
    std::shared_ptr<Buffer> keep = src->impl;
    stream->impl->enqueue([keep, p, host, bytes]() -> Status {
      if (bytes)
        std::memcpy(host, p, bytes);
      return {};
    });
    return nullptr;
  });
}

pagoda_status_t pagoda_stream_copy(pagoda_stream_t stream, pagoda_buffer_t dst, uint64_t dst_offset,
                                   pagoda_buffer_t src, uint64_t src_offset, uint64_t bytes) {
  return guard("pagoda_stream_copy", [&]() -> pagoda_status_t {
    if (!stream || !dst || !src)
      return nullArg("pagoda_stream_copy", !stream ? "stream" : !dst ? "dst" : "src");
    if (dst->impl->devicePtr() != src->impl->devicePtr())
      return make(PAGODA_INVALID_ARGUMENT,
                  "pagoda_stream_copy: the buffers belong to different devices (copy through "
                  "host memory)");
    uint8_t *d, *s;
    if (Status st = dst->impl->span(dst_offset, bytes, &d); !st.ok())
      return make(st.code, "pagoda_stream_copy: destination " + st.message);
    if (Status st = src->impl->span(src_offset, bytes, &s); !st.ok())
      return make(st.code, "pagoda_stream_copy: source " + st.message);
    std::shared_ptr<Buffer> keepD = dst->impl, keepS = src->impl;
    stream->impl->enqueue([keepD, keepS, d, s, bytes]() -> Status {
      if (bytes)
        std::memmove(d, s, bytes);
      return {};
    });
    return nullptr;
  });
}

pagoda_status_t pagoda_event_create(pagoda_device_t device, pagoda_event_t *out_event) {
  return guard("pagoda_event_create", [&]() -> pagoda_status_t {
    if (!device)
      return nullArg("pagoda_event_create", "device");
    if (!out_event)
      return nullArg("pagoda_event_create", "out_event");
    *out_event = new pagoda_event_s{std::make_shared<Event>()};
    return nullptr;
  });
}

void pagoda_event_release(pagoda_event_t event) { delete event; }

pagoda_status_t pagoda_event_record(pagoda_event_t event, pagoda_stream_t stream) {
  return guard("pagoda_event_record", [&]() -> pagoda_status_t {
    if (!event || !stream)
      return nullArg("pagoda_event_record", !event ? "event" : "stream");
    std::shared_ptr<Event> e = event->impl;
    uint64_t generation = e->arm();
    stream->impl->enqueue([e, generation]() -> Status {
      e->fire(generation);
      return {};
    });
    return nullptr;
  });
}

pagoda_status_t pagoda_stream_wait_event(pagoda_stream_t stream, pagoda_event_t event) {
  return guard("pagoda_stream_wait_event", [&]() -> pagoda_status_t {
    if (!event || !stream)
      return nullArg("pagoda_stream_wait_event", !event ? "event" : "stream");
    std::shared_ptr<Event> e = event->impl;
    uint64_t generation = e->lastArmed(); // the most recent record, as in CUDA
    stream->impl->enqueue([e, generation]() -> Status {
      e->wait(generation);
      return {};
    });
    return nullptr;
  });
}

pagoda_status_t pagoda_event_synchronize(pagoda_event_t event) {
  return guard("pagoda_event_synchronize", [&]() -> pagoda_status_t {
    if (!event)
      return nullArg("pagoda_event_synchronize", "event");
    event->impl->wait();
    return nullptr;
  });
}

int pagoda_event_query(pagoda_event_t event) { return event && event->impl->fired() ? 1 : 0; }

//===-- Modules -------------------------------------------------------------===//

static pagoda_status_t loadModule(pagoda_device_t device, const uint8_t *data, size_t size,
                                  const std::string &source, pagoda_module_t *out_module) {
  std::shared_ptr<Module> m;
  if (Status s = Module::load(device->impl, data, size, source, m); !s.ok())
    return make(s);
  *out_module = new pagoda_module_s{std::move(m)};
  return nullptr;
}

pagoda_status_t pagoda_module_load_file(pagoda_device_t device, const char *path,
                                        pagoda_module_t *out_module) {
  return guard("pagoda_module_load_file", [&]() -> pagoda_status_t {
    if (!device || !path || !out_module)
      return nullArg("pagoda_module_load_file", !device ? "device" : !path ? "path" : "out_module");
    Result<MappedFile> file = MappedFile::open(path);
    if (!file)
      return make(PAGODA_NOT_FOUND, file.error().str());
    return loadModule(device, file->data(), file->size(), path, out_module);
  });
}

pagoda_status_t pagoda_module_load_memory(pagoda_device_t device, const void *data, size_t bytes,
                                          pagoda_module_t *out_module) {
  return guard("pagoda_module_load_memory", [&]() -> pagoda_status_t {
    if (!device || (!data && bytes) || !out_module)
      return nullArg("pagoda_module_load_memory", !device       ? "device"
                                                  : !out_module ? "out_module"
                                                                : "data");
    return loadModule(device, static_cast<const uint8_t *>(data), bytes, "<memory>", out_module);
  });
}

void pagoda_module_release(pagoda_module_t module) { delete module; }

size_t pagoda_module_num_inputs(pagoda_module_t module) {
  return module ? module->impl->artifact().inputs.size() : 0;
}
size_t pagoda_module_num_outputs(pagoda_module_t module) {
  return module ? module->impl->artifact().outputs.size() : 0;
}

static pagoda_status_t tensorInfo(const char *api, pagoda_module_t module, bool input, size_t index,
                                  const char **out_name, pagoda_dtype *out_dtype, int32_t *out_rank,
                                  const int64_t **out_dims) {
  if (!module)
    return nullArg(api, "module");
  const auto &list = input ? module->impl->artifact().inputs : module->impl->artifact().outputs;
  if (index >= list.size())
    return make(PAGODA_INVALID_ARGUMENT,
                fmt::format("{}: index {} but the model has {} {}s", api, index, list.size(),
                            input ? "input" : "output"));
  const artifact::TensorDesc &t = list[index];
  if (out_name)
    *out_name = t.name.c_str();
  if (out_dtype)
    *out_dtype = pagoda_dtype(t.type);
  if (out_rank)
    *out_rank = int32_t(t.shape.size());
  if (out_dims)
    *out_dims = (input ? module->impl->inputDims() : module->impl->outputDims())[index].data();
  return nullptr;
}

pagoda_status_t pagoda_module_input(pagoda_module_t module, size_t index, const char **out_name,
                                    pagoda_dtype *out_dtype, int32_t *out_rank,
                                    const int64_t **out_dims) {
  return tensorInfo("pagoda_module_input", module, true, index, out_name, out_dtype, out_rank,
                    out_dims);
}
pagoda_status_t pagoda_module_output(pagoda_module_t module, size_t index, const char **out_name,
                                     pagoda_dtype *out_dtype, int32_t *out_rank,
                                     const int64_t **out_dims) {
  return tensorInfo("pagoda_module_output", module, false, index, out_name, out_dtype, out_rank,
                    out_dims);
}

pagoda_status_t pagoda_module_execute_async(pagoda_module_t module, pagoda_stream_t stream,
                                            const pagoda_tensor *inputs, size_t num_inputs,
                                            const pagoda_tensor *outputs, size_t num_outputs) {
  return guard("pagoda_module_execute_async", [&]() -> pagoda_status_t {
    if (!module || !stream)
      return nullArg("pagoda_module_execute_async", !module ? "module" : "stream");
    const std::shared_ptr<Module> &m = module->impl;
    if (Status s = m->checkArguments(inputs, num_inputs, outputs, num_outputs); !s.ok())
      return make(s.code, "pagoda_module_execute: " + s.message);
    // Keep every buffer alive until the run.
    std::vector<std::shared_ptr<Buffer>> keep;
    std::vector<uint64_t> in, out;
    for (size_t i = 0; i < num_inputs; ++i) {
      keep.push_back(inputs[i].buffer->impl);
      in.push_back(inputs[i].buffer->impl->address());
    }
    for (size_t i = 0; i < num_outputs; ++i) {
      keep.push_back(outputs[i].buffer->impl);
      out.push_back(outputs[i].buffer->impl->address());
    }
    stream->impl->enqueue([m, keep, in, out]() -> Status { return m->run(in, out); });
    return nullptr;
  });
}

pagoda_status_t pagoda_module_execute(pagoda_module_t module, const pagoda_tensor *inputs,
                                      size_t num_inputs, const pagoda_tensor *outputs,
                                      size_t num_outputs) {
  return guard("pagoda_module_execute", [&]() -> pagoda_status_t {
    if (!module)
      return nullArg("pagoda_module_execute", "module");
    // The synchronous call is the asynchronous one on a private stream.
    pagoda_stream_s wrapper{std::make_shared<Stream>(module->impl->device())};
    if (pagoda_status_t st =
            pagoda_module_execute_async(module, &wrapper, inputs, num_inputs, outputs, num_outputs))
      return st;
    return make(wrapper.impl->synchronize());
  });
}

const char *pagoda_module_profile_json(pagoda_module_t module) {
  if (!module)
    return "{}";
  thread_local std::string copy;
  copy = module->impl->profileJSON();
  return copy.c_str();
}

const char *pagoda_module_trace_json(pagoda_module_t module) {
  if (!module)
    return "{}";
  thread_local std::string copy;
  copy = module->impl->traceJSON();
  return copy.c_str();
}

} // extern "C"
