// -pagoda-npu-check-target on the older chips, on a user's JSON chip, and
// with a target that does not exist.
// RUN: pagoda-opt %s -split-input-file -verify-diagnostics -pagoda-npu-check-target=target=ascend-910
// RUN: pagoda targets show ascend-910 > %t.json
// RUN: pagoda-opt %s -split-input-file -verify-diagnostics -pagoda-npu-check-target=target=%t.json
// RUN: not pagoda-opt %s -split-input-file -pagoda-npu-check-target=target=ascend-911 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: pagoda-npu-check-target: unknown target 'ascend-911' (presets: ascend-910, ascend-910b2, ascend-950pr, ascend-950dt, ascend-960, ascend-970; or give a .json file)

func.func @events() {
  // The 910 has event ids 0-3 only.
  npu.set_flag mte2 -> v, 3
  // expected-error @+1 {{'npu.wait_flag' op on target 'ascend-910': event id 4 is out of range (the chip has 4 per pipe pair)}}
  npu.wait_flag mte2 -> v, 4
  return
}

// -----

func.func @no_bf16(%a: memref<16x16xbf16, #npu.space<l0a>>, %b: memref<16x16xbf16, #npu.space<l0b>>,
                   %c: memref<16x16xf32, #npu.space<l0c>>) {
  // expected-error @+1 {{'npu.mmad' op on target 'ascend-910': the cube has no bf16 mode}}
  npu.mmad %a, %b, %c : memref<16x16xbf16, #npu.space<l0a>>, memref<16x16xbf16, #npu.space<l0b>>, memref<16x16xf32, #npu.space<l0c>>
  return
}

// -----

func.func @no_fixpipe_to_gm(%c: memref<16x16xf32, #npu.space<l0c>>, %g: memref<16x16xf32, #npu.space<gm>>,
                            %u: memref<16x16xf32, #npu.space<ub>>) {
  // The 910 drains L0C through UB.
  npu.copy %c, %u : memref<16x16xf32, #npu.space<l0c>>, memref<16x16xf32, #npu.space<ub>>
  // expected-error @+1 {{'npu.copy' op on target 'ascend-910': the chip has no l0c_to_gm path}}
  npu.copy %c, %g : memref<16x16xf32, #npu.space<l0c>>, memref<16x16xf32, #npu.space<gm>>
  return
}

// -----

func.func @l1_is_bigger(%g: memref<256x1024xf32, #npu.space<gm>>) {
  // 1 MiB fits the 910's L1 (512 KiB on later chips).
  %l1 = npu.alloc : memref<256x1024xf32, #npu.space<l1>>
  npu.copy %g, %l1 : memref<256x1024xf32, #npu.space<gm>>, memref<256x1024xf32, #npu.space<l1>>
  return
}
