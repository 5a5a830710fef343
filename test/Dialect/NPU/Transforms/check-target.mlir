// -pagoda-npu-check-target: what one chip cannot run, with its numbers.
// RUN: pagoda-opt %s -split-input-file -verify-diagnostics -pagoda-npu-check-target=target=ascend-950pr

// A kernel every split 950 runs: passes silently.
func.func @fits(%g: memref<64x64xf16, #npu.space<gm>>) {
  %l1 = npu.alloc {offset = 0 : i64} : memref<64x64xf16, #npu.space<l1>>
  %a = npu.alloc {offset = 0 : i64} : memref<64x64xf16, #npu.space<l0a>>
  npu.copy %g, %l1 : memref<64x64xf16, #npu.space<gm>>, memref<64x64xf16, #npu.space<l1>>
  npu.set_flag mte2 -> mte1, 7
  npu.wait_flag mte2 -> mte1, 7
  npu.copy %l1, %a : memref<64x64xf16, #npu.space<l1>>, memref<64x64xf16, #npu.space<l0a>>
  return
}

// -----

func.func @ub_overflow() {
  // 64 x 1024 x 4 B = 256 KiB > 248 KiB of UB on a 950.
  // expected-error @+1 {{'npu.alloc' op on target 'ascend-950pr': 262144 bytes exceed ub (253952 bytes)}}
  %0 = npu.alloc : memref<64x1024xf32, #npu.space<ub>>
  return
}

// -----

func.func @misaligned() {
  // expected-error @+1 {{'npu.alloc' op on target 'ascend-950pr': offset 256 is not a multiple of the l0a alignment (512 bytes)}}
  %0 = npu.alloc {offset = 256 : i64} : memref<16x16xf16, #npu.space<l0a>>
  return
}

// -----

func.func @offset_overflow() {
  // The last 512 B of L0B fit; one fractal further does not.
  %0 = npu.alloc {offset = 65024 : i64} : memref<16x16xf16, #npu.space<l0b>>
  // expected-error @+1 {{'npu.alloc' op on target 'ascend-950pr': bytes [65536, 66048) overflow l0b (65536 bytes)}}
  %1 = npu.alloc {offset = 65536 : i64} : memref<16x16xf16, #npu.space<l0b>>
  return
}

// -----

func.func @no_gm_to_l0a(%g: memref<16x16xf16, #npu.space<gm>>, %a: memref<16x16xf16, #npu.space<l0a>>) {
  // 950 loads L0A only from L1.
  // expected-error @+1 {{'npu.copy' op on target 'ascend-950pr': the chip has no gm_to_l0a path}}
  npu.copy %g, %a : memref<16x16xf16, #npu.space<gm>>, memref<16x16xf16, #npu.space<l0a>>
  return
}

// -----

func.func @fractals(%a: memref<16x24xf16, #npu.space<l0a>>, %b: memref<24x16xf16, #npu.space<l0b>>,
                    %c: memref<16x16xf32, #npu.space<l0c>>) {
  // expected-error @+1 {{'npu.mmad' op on target 'ascend-950pr': M x K x N = 16x24x16 is not a whole number of 16x16x16 f16 fractals}}
  npu.mmad %a, %b, %c : memref<16x24xf16, #npu.space<l0a>>, memref<24x16xf16, #npu.space<l0b>>, memref<16x16xf32, #npu.space<l0c>>
  return
}

// -----

func.func @int8_fractal(%a: memref<16x16xi8, #npu.space<l0a>>, %b: memref<16x16xi8, #npu.space<l0b>>,
                        %c: memref<16x16xi32, #npu.space<l0c>>) {
  // int8 fractals are 16x32x16: K = 16 is half a fractal.
  // expected-error @+1 {{M x K x N = 16x16x16 is not a whole number of 16x32x16 s8 fractals}}
  npu.mmad %a, %b, %c : memref<16x16xi8, #npu.space<l0a>>, memref<16x16xi8, #npu.space<l0b>>, memref<16x16xi32, #npu.space<l0c>>
  return
}

// -----

func.func @event_range() {
  // expected-error @+1 {{'npu.set_flag' op on target 'ascend-950pr': event id 8 is out of range (the chip has 8 per pipe pair)}}
  npu.set_flag mte2 -> v, 8
  return
}
