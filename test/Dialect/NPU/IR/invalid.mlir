// Every rejection of the npu dialect's verifiers.
// RUN: pagoda-opt %s -split-input-file -verify-diagnostics

func.func @copy_from_l0a(%a: memref<16x16xf16, #npu.space<l0a>>, %g: memref<16x16xf16, #npu.space<gm>>) {
  // expected-error @+1 {{'npu.copy' op no data path from l0a to gm}}
  npu.copy %a, %g : memref<16x16xf16, #npu.space<l0a>>, memref<16x16xf16, #npu.space<gm>>
  return
}

// -----

func.func @copy_gm_to_l0c(%g: memref<16x16xf32, #npu.space<gm>>, %c: memref<16x16xf32, #npu.space<l0c>>) {
  // expected-error @+1 {{'npu.copy' op no data path from gm to l0c}}
  npu.copy %g, %c : memref<16x16xf32, #npu.space<gm>>, memref<16x16xf32, #npu.space<l0c>>
  return
}

// -----

func.func @copy_gm_to_gm(%g: memref<16xf32, #npu.space<gm>>, %h: memref<16xf32, #npu.space<gm>>) {
  // expected-error @+1 {{'npu.copy' op no data path from gm to gm}}
  npu.copy %g, %h : memref<16xf32, #npu.space<gm>>, memref<16xf32, #npu.space<gm>>
  return
}

// -----

func.func @copy_no_space(%g: memref<16xf32>, %h: memref<16xf32, #npu.space<ub>>) {
  // expected-error @+1 {{'npu.copy' op source must be a memref in an #npu.space, got 'memref<16xf32>'}}
  npu.copy %g, %h : memref<16xf32>, memref<16xf32, #npu.space<ub>>
  return
}

// -----

func.func @copy_shape(%g: memref<16x16xf16, #npu.space<gm>>, %l: memref<16x32xf16, #npu.space<l1>>) {
  // expected-error @+1 {{'npu.copy' op source and target shapes differ}}
  npu.copy %g, %l : memref<16x16xf16, #npu.space<gm>>, memref<16x32xf16, #npu.space<l1>>
  return
}

// -----

func.func @copy_cast_on_mte2(%g: memref<16xf32, #npu.space<gm>>, %u: memref<16xf16, #npu.space<ub>>) {
  // expected-error @+1 {{'npu.copy' op cannot convert 'f32' to 'f16' on the path gm -> ub (only FixPipe, out of l0c, narrows f32 and i32)}}
  npu.copy %g, %u : memref<16xf32, #npu.space<gm>>, memref<16xf16, #npu.space<ub>>
  return
}

// -----

func.func @fixpipe_widen(%c: memref<16x16xf32, #npu.space<l0c>>, %g: memref<16x16xf64, #npu.space<gm>>) {
  // expected-error @+1 {{'npu.copy' op cannot convert 'f32' to 'f64'}}
  npu.copy %c, %g : memref<16x16xf32, #npu.space<l0c>>, memref<16x16xf64, #npu.space<gm>>
  return
}

// -----

func.func @mmad_spaces(%a: memref<16x16xf16, #npu.space<l1>>, %b: memref<16x16xf16, #npu.space<l0b>>,
                       %c: memref<16x16xf32, #npu.space<l0c>>) {
  // expected-error @+1 {{'npu.mmad' op operand 'a' must be in l0a, got l1}}
  npu.mmad %a, %b, %c : memref<16x16xf16, #npu.space<l1>>, memref<16x16xf16, #npu.space<l0b>>, memref<16x16xf32, #npu.space<l0c>>
  return
}

// -----

func.func @mmad_k(%a: memref<16x32xf16, #npu.space<l0a>>, %b: memref<16x16xf16, #npu.space<l0b>>,
                  %c: memref<16x16xf32, #npu.space<l0c>>) {
  // expected-error @+1 {{'npu.mmad' op a is 16x32 but b has 16 rows}}
  npu.mmad %a, %b, %c : memref<16x32xf16, #npu.space<l0a>>, memref<16x16xf16, #npu.space<l0b>>, memref<16x16xf32, #npu.space<l0c>>
  return
}

// -----

func.func @mmad_c(%a: memref<16x16xf16, #npu.space<l0a>>, %b: memref<16x32xf16, #npu.space<l0b>>,
                  %c: memref<16x16xf32, #npu.space<l0c>>) {
  // expected-error @+1 {{'npu.mmad' op c must be 16x32, got 16x16}}
  npu.mmad %a, %b, %c : memref<16x16xf16, #npu.space<l0a>>, memref<16x32xf16, #npu.space<l0b>>, memref<16x16xf32, #npu.space<l0c>>
  return
}

// -----

func.func @mmad_accumulator(%a: memref<16x16xf16, #npu.space<l0a>>, %b: memref<16x16xf16, #npu.space<l0b>>,
                            %c: memref<16x16xf16, #npu.space<l0c>>) {
  // expected-error @+1 {{'npu.mmad' op unsupported element types ('f16', 'f16', 'f16')}}
  npu.mmad %a, %b, %c : memref<16x16xf16, #npu.space<l0a>>, memref<16x16xf16, #npu.space<l0b>>, memref<16x16xf16, #npu.space<l0c>>
  return
}

// -----

func.func @mmad_mixed(%a: memref<16x16xf16, #npu.space<l0a>>, %b: memref<16x16xbf16, #npu.space<l0b>>,
                      %c: memref<16x16xf32, #npu.space<l0c>>) {
  // expected-error @+1 {{'npu.mmad' op unsupported element types ('f16', 'bf16', 'f32')}}
  npu.mmad %a, %b, %c : memref<16x16xf16, #npu.space<l0a>>, memref<16x16xbf16, #npu.space<l0b>>, memref<16x16xf32, #npu.space<l0c>>
  return
}

// -----

func.func @mmad_rank(%a: memref<16xf16, #npu.space<l0a>>, %b: memref<16x16xf16, #npu.space<l0b>>,
                     %c: memref<16x16xf32, #npu.space<l0c>>) {
  // expected-error @+1 {{'npu.mmad' op operand 'a' must be a 2-D matrix}}
  npu.mmad %a, %b, %c : memref<16xf16, #npu.space<l0a>>, memref<16x16xf16, #npu.space<l0b>>, memref<16x16xf32, #npu.space<l0c>>
  return
}

// -----

func.func @alloc_gm() {
  // expected-error @+1 {{'npu.alloc' op allocates on-chip buffers only}}
  %0 = npu.alloc : memref<16xf32, #npu.space<gm>>
  return
}

// -----

func.func @alloc_dynamic() {
  // expected-error @+1 {{'npu.alloc' op requires a static shape}}
  %0 = npu.alloc : memref<?xf32, #npu.space<ub>>
  return
}

// -----

func.func @alloc_layout() {
  // expected-error @+1 {{'npu.alloc' op requires the identity layout}}
  %0 = npu.alloc : memref<16x16xf32, strided<[32, 1]>, #npu.space<ub>>
  return
}

// -----

func.func @alloc_offset() {
  // expected-error @+1 {{'npu.alloc' op offset must be >= 0, got -32}}
  %0 = npu.alloc {offset = -32 : i64} : memref<16xf32, #npu.space<ub>>
  return
}

// -----

func.func @flag_same_pipe() {
  // expected-error @+1 {{'npu.set_flag' op orders pipe v with itself}}
  npu.set_flag v -> v, 0
  return
}

// -----

func.func @flag_negative_event() {
  // expected-error @+1 {{'npu.wait_flag' op attribute 'event' failed to satisfy constraint: 32-bit signless integer attribute whose value is non-negative}}
  npu.wait_flag mte2 -> v, -1
  return
}

// -----

func.func @unknown_pipe() {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'pipe' [s, mte1, mte2, mte3, m, v, fix]}}
  npu.pipe_barrier mte4
  return
}

// -----

// expected-error @+2 {{expected ::pagoda::npu::MemorySpace to be one of: gm, l1, l0a, l0b, l0c, ub, bt, fb}}
// expected-error @+1 {{failed to parse NPU_MemorySpaceAttr parameter 'value'}}
func.func @unknown_space(%a: memref<16xf32, #npu.space<l2>>) {
  return
}
