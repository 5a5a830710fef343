/*===- pagoda_runtime.h - The pagoda runtime C API ---------------*- C -*-===*
 *
 * What an ML framework links to run models compiled by pagoda on a modeled
 * NPU (docs/runtime-api.md). C99; every object is an opaque handle created
 * and released explicitly; every call returns a pagoda_status_t, NULL on
 * success, which the caller frees; no exception crosses this boundary.
 *
 *===----------------------------------------------------------------------===*/
#ifndef PAGODA_RUNTIME_H
#define PAGODA_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PAGODA_API_VERSION 1

/*===-- Status ------------------------------------------------------------===*/

typedef enum pagoda_status_code {
  PAGODA_OK = 0,
  PAGODA_INVALID_ARGUMENT = 1, /* a bad handle, count, shape, dtype or size */
  PAGODA_NOT_FOUND = 2,        /* an unknown target, a missing file */
  PAGODA_OUT_OF_MEMORY = 3,    /* device (HBM) or host memory exhausted */
  PAGODA_INVALID_MODEL = 4,    /* a corrupted, truncated or incompatible model */
  PAGODA_DEVICE_ERROR = 5,     /* a kernel failed on the device (message names it) */
  PAGODA_UNIMPLEMENTED = 6,    /* a host kernel the runtime does not have */
  PAGODA_INTERNAL = 7,
} pagoda_status_code;

/* NULL means success. A non-NULL status holds a code and a message and must
 * be freed with pagoda_status_free. */
typedef struct pagoda_status_s *pagoda_status_t;

pagoda_status_code pagoda_status_code_of(pagoda_status_t status);
/* The message; valid until the status is freed. "" for NULL. */
const char *pagoda_status_message(pagoda_status_t status);
void pagoda_status_free(pagoda_status_t status);
/* The message of the last failed call on this thread ("" if none), for
 * bindings that only see codes. Valid until the next call on this thread. */
const char *pagoda_last_error(void);

/* The library's version string, e.g. "0.1.0". */
const char *pagoda_version(void);

/*===-- Element types -----------------------------------------------------===*/

typedef enum pagoda_dtype {
  PAGODA_F32 = 0,
  PAGODA_F16 = 1,
  PAGODA_BF16 = 2,
  PAGODA_F64 = 3,
  PAGODA_S8 = 4,
  PAGODA_U8 = 5,
  PAGODA_S16 = 6,
  PAGODA_U16 = 7,
  PAGODA_S32 = 8,
  PAGODA_U32 = 9,
  PAGODA_S64 = 10,
  PAGODA_U64 = 11,
  PAGODA_BOOL = 12,
} pagoda_dtype;

const char *pagoda_dtype_name(pagoda_dtype dtype);
size_t pagoda_dtype_size(pagoda_dtype dtype);

/*===-- Devices -----------------------------------------------------------===*/

typedef struct pagoda_device_s *pagoda_device_t;

/* A simulated device of a preset ("ascend-950pr") or a target JSON file
 * (a path ending in ".json"). Several devices may exist in one process. */
pagoda_status_t pagoda_device_create(const char *target, pagoda_device_t *out_device);
/* A device from target JSON text. */
pagoda_status_t pagoda_device_create_from_json(const char *json, pagoda_device_t *out_device);
void pagoda_device_release(pagoda_device_t device);
/* The target's name; valid while the device lives. */
const char *pagoda_device_target_name(pagoda_device_t device);
/* Modeled HBM capacity and bytes allocated. */
pagoda_status_t pagoda_device_memory(pagoda_device_t device, uint64_t *out_capacity,
                                     uint64_t *out_allocated);
/* Simulated seconds of device time so far (kernels, launch overheads). */
double pagoda_device_simulated_seconds(pagoda_device_t device);

/*===-- Buffers -----------------------------------------------------------===*/

typedef struct pagoda_buffer_s *pagoda_buffer_t;

/* Device memory. Fails with PAGODA_OUT_OF_MEMORY, naming requested and free
 * bytes, when the modeled HBM is full. */
pagoda_status_t pagoda_buffer_alloc(pagoda_device_t device, uint64_t bytes,
                                    pagoda_buffer_t *out_buffer);
void pagoda_buffer_release(pagoda_buffer_t buffer);
uint64_t pagoda_buffer_size(pagoda_buffer_t buffer);
/* Synchronous copies between host memory and a buffer. */
pagoda_status_t pagoda_buffer_write(pagoda_buffer_t buffer, uint64_t offset, const void *host,
                                    uint64_t bytes);
pagoda_status_t pagoda_buffer_read(pagoda_buffer_t buffer, uint64_t offset, void *host,
                                   uint64_t bytes);

/*===-- Streams and events ------------------------------------------------===*/

typedef struct pagoda_stream_s *pagoda_stream_t;
typedef struct pagoda_event_s *pagoda_event_t;

/* Work queued on a stream runs in order on a host thread of its own;
 * streams run concurrently. */
pagoda_status_t pagoda_stream_create(pagoda_device_t device, pagoda_stream_t *out_stream);
/* Waits for the stream to drain, then releases it. */
void pagoda_stream_release(pagoda_stream_t stream);
/* Waits until everything queued so far has run. Returns the first error any
 * of it hit (and clears it). */
pagoda_status_t pagoda_stream_synchronize(pagoda_stream_t stream);

/* Asynchronous copies. The host memory must stay valid until the copy has
 * run (e.g. until pagoda_stream_synchronize). */
pagoda_status_t pagoda_stream_copy_to_device(pagoda_stream_t stream, pagoda_buffer_t dst,
                                             uint64_t offset, const void *host, uint64_t bytes);
pagoda_status_t pagoda_stream_copy_to_host(pagoda_stream_t stream, void *host, pagoda_buffer_t src,
                                           uint64_t offset, uint64_t bytes);
pagoda_status_t pagoda_stream_copy(pagoda_stream_t stream, pagoda_buffer_t dst, uint64_t dst_offset,
                                   pagoda_buffer_t src, uint64_t src_offset, uint64_t bytes);

pagoda_status_t pagoda_event_create(pagoda_device_t device, pagoda_event_t *out_event);
void pagoda_event_release(pagoda_event_t event);
/* The event fires when the stream reaches this point. */
pagoda_status_t pagoda_event_record(pagoda_event_t event, pagoda_stream_t stream);
/* Later work on the stream waits until the event has fired. */
pagoda_status_t pagoda_stream_wait_event(pagoda_stream_t stream, pagoda_event_t event);
/* Blocks the calling thread until the event has fired. */
pagoda_status_t pagoda_event_synchronize(pagoda_event_t event);
/* 1 if the event has fired, 0 if not. */
int pagoda_event_query(pagoda_event_t event);

/*===-- Modules -----------------------------------------------------------===*/

typedef struct pagoda_module_s *pagoda_module_t;

/* A tensor argument: a buffer and the dtype and shape the caller believes it
 * holds (checked against the model's signature). */
typedef struct pagoda_tensor {
  pagoda_buffer_t buffer;
  pagoda_dtype dtype;
  int32_t rank;
  const int64_t *dims;
} pagoda_tensor;

/* Loads a compiled model (.pgd), validating it and uploading its constants
 * to the device. */
pagoda_status_t pagoda_module_load_file(pagoda_device_t device, const char *path,
                                        pagoda_module_t *out_module);
pagoda_status_t pagoda_module_load_memory(pagoda_device_t device, const void *data, size_t bytes,
                                          pagoda_module_t *out_module);
void pagoda_module_release(pagoda_module_t module);

size_t pagoda_module_num_inputs(pagoda_module_t module);
size_t pagoda_module_num_outputs(pagoda_module_t module);
/* The name, dtype, rank and dimensions of input/output `index`; the strings
 * and arrays stay valid while the module lives. */
pagoda_status_t pagoda_module_input(pagoda_module_t module, size_t index, const char **out_name,
                                    pagoda_dtype *out_dtype, int32_t *out_rank,
                                    const int64_t **out_dims);
pagoda_status_t pagoda_module_output(pagoda_module_t module, size_t index, const char **out_name,
                                     pagoda_dtype *out_dtype, int32_t *out_rank,
                                     const int64_t **out_dims);

/* Queues one run of the model on a stream. A wrong count, dtype or shape of
 * an argument, or a buffer too small, is reported here, before queueing. */
pagoda_status_t pagoda_module_execute_async(pagoda_module_t module, pagoda_stream_t stream,
                                            const pagoda_tensor *inputs, size_t num_inputs,
                                            const pagoda_tensor *outputs, size_t num_outputs);
/* execute_async on a private stream, then synchronize. */
pagoda_status_t pagoda_module_execute(pagoda_module_t module, const pagoda_tensor *inputs,
                                      size_t num_inputs, const pagoda_tensor *outputs,
                                      size_t num_outputs);

/* The profile of the module's most recent completed run as JSON (simulated
 * seconds, roofline, flops, HBM bytes, and per kernel: cycles, seconds,
 * pipe utilization, bytes per path). The string is valid until the next
 * call of this function on the same thread. */
const char *pagoda_module_profile_json(pagoda_module_t module);
/* The same run as a Chrome/Perfetto trace (host and device tracks); valid
 * until the next call of this function on the same thread. */
const char *pagoda_module_trace_json(pagoda_module_t module);

#ifdef __cplusplus
}
#endif

#endif /* PAGODA_RUNTIME_H */
