/* run_model: load a compiled model, feed every input with ones, run it on a
 * simulated NPU, and print the outputs' first values and the simulated time.
 * A small user of the installed pagoda runtime (C API only).
 *
 *   run_model MODEL.pgd [TARGET]
 */
#include <pagoda/pagoda_runtime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(pagoda_status_t status) {
  fprintf(stderr, "run_model: %s\n", pagoda_status_message(status));
  pagoda_status_free(status);
  return 1;
}

/* Writes `count` ones of `dtype` into `out`. */
static void fill_ones(pagoda_dtype dtype, unsigned char *out, size_t count) {
  size_t size = pagoda_dtype_size(dtype);
  for (size_t i = 0; i < count; ++i) {
    unsigned char *p = out + i * size;
    memset(p, 0, size);
    if (dtype == PAGODA_F32) {
      float one = 1.0f;
      memcpy(p, &one, 4);
    } else if (dtype == PAGODA_F64) {
      double one = 1.0;
      memcpy(p, &one, 8);
    } else if (dtype == PAGODA_F16) {
      p[1] = 0x3C; /* 1.0 in f16: 0x3C00 */
    } else if (dtype == PAGODA_BF16) {
      p[1] = 0x3F; /* 1.0 in bf16: 0x3F80 */
      p[0] = 0x80;
    } else {
      p[0] = 1; /* integers and bool, little-endian */
    }
  }
}

static double as_double(pagoda_dtype dtype, const unsigned char *p) {
  if (dtype == PAGODA_F32) {
    float f;
    memcpy(&f, p, 4);
    return f;
  }
  if (dtype == PAGODA_F16) { /* normal numbers only, enough for a demo */
    unsigned h = p[0] | (unsigned)p[1] << 8;
    int e = (int)((h >> 10) & 31);
    double m = (double)(h & 1023) / 1024.0;
    double v = e ? (1.0 + m) : m;
    for (int k = 15; k < e; ++k)
      v *= 2;
    for (int k = e; k < 15; ++k)
      v /= 2;
    return (h & 0x8000) ? -v : v;
  }
  return p[0];
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: run_model MODEL.pgd [TARGET]\n");
    return 2;
  }
  pagoda_device_t device = NULL;
  pagoda_status_t s = pagoda_device_create(argc > 2 ? argv[2] : "ascend-950pr", &device);
  if (s)
    return fail(s);
  pagoda_module_t module = NULL;
  if ((s = pagoda_module_load_file(device, argv[1], &module)))
    return fail(s);

  size_t nin = pagoda_module_num_inputs(module), nout = pagoda_module_num_outputs(module);
  pagoda_tensor *ins = calloc(nin + 1, sizeof(pagoda_tensor));
  pagoda_tensor *outs = calloc(nout + 1, sizeof(pagoda_tensor));
  for (size_t i = 0; i < nin + nout; ++i) {
    int input = i < nin;
    size_t k = input ? i : i - nin;
    pagoda_tensor *t = input ? &ins[k] : &outs[k];
    const char *name;
    if ((s = input ? pagoda_module_input(module, k, &name, &t->dtype, &t->rank, &t->dims)
                   : pagoda_module_output(module, k, &name, &t->dtype, &t->rank, &t->dims)))
      return fail(s);
    size_t count = 1;
    for (int32_t d = 0; d < t->rank; ++d)
      count *= (size_t)t->dims[d];
    size_t bytes = count * pagoda_dtype_size(t->dtype);
    if ((s = pagoda_buffer_alloc(device, bytes, &t->buffer)))
      return fail(s);
    if (input) {
      unsigned char *host = malloc(bytes);
      fill_ones(t->dtype, host, count);
      s = pagoda_buffer_write(t->buffer, 0, host, bytes);
      free(host);
      if (s)
        return fail(s);
    }
  }
  if ((s = pagoda_module_execute(module, ins, nin, outs, nout)))
    return fail(s);

  for (size_t k = 0; k < nout; ++k) {
    const char *name;
    pagoda_dtype dtype;
    int32_t rank;
    const int64_t *dims;
    pagoda_module_output(module, k, &name, &dtype, &rank, &dims);
    unsigned char first[8 * 8];
    size_t n = 4, size = pagoda_dtype_size(dtype);
    if ((s = pagoda_buffer_read(outs[k].buffer, 0, first, n * size)))
      return fail(s);
    printf("%s %s:", name, pagoda_dtype_name(dtype));
    for (size_t i = 0; i < n; ++i)
      printf(" %g", as_double(dtype, first + i * size));
    printf(" ...\n");
  }
  printf("simulated %.3f us on %s\n", pagoda_device_simulated_seconds(device) * 1e6,
         pagoda_device_target_name(device));

  for (size_t i = 0; i < nin; ++i)
    pagoda_buffer_release(ins[i].buffer);
  for (size_t i = 0; i < nout; ++i)
    pagoda_buffer_release(outs[i].buffer);
  free(ins);
  free(outs);
  pagoda_module_release(module);
  pagoda_device_release(device);
  return 0;
}
