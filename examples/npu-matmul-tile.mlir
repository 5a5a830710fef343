// One 128x128x64 fp16 matmul tile on a Da Vinci-style cube core, written
// by hand in the npu dialect: GM -> L1 (MTE2), L1 -> L0A/L0B (MTE1), mmad
// (M), L0C -> GM with an f32 -> f16 cast (FixPipe), each hand-off ordered by a
// flag. The quick start checks it against a chip:
//   pagoda-opt examples/npu-matmul-tile.mlir -pagoda-npu-check-target=target=ascend-950pr
// Try target=ascend-910: it has no FixPipe path from L0C to GM.
func.func @matmul_tile(%ga: memref<128x64xf16, #npu.space<gm>>,
                       %gb: memref<64x128xf16, #npu.space<gm>>,
                       %gc: memref<128x128xf16, #npu.space<gm>>) {
  %l1a = npu.alloc {offset = 0 : i64} : memref<128x64xf16, #npu.space<l1>>
  %l1b = npu.alloc {offset = 16384 : i64} : memref<64x128xf16, #npu.space<l1>>
  %a = npu.alloc {offset = 0 : i64} : memref<128x64xf16, #npu.space<l0a>>
  %b = npu.alloc {offset = 0 : i64} : memref<64x128xf16, #npu.space<l0b>>
  %c = npu.alloc {offset = 0 : i64} : memref<128x128xf32, #npu.space<l0c>>

  npu.copy %ga, %l1a : memref<128x64xf16, #npu.space<gm>>, memref<128x64xf16, #npu.space<l1>>
  npu.copy %gb, %l1b : memref<64x128xf16, #npu.space<gm>>, memref<64x128xf16, #npu.space<l1>>
  npu.set_flag mte2 -> mte1, 0
  npu.wait_flag mte2 -> mte1, 0

  npu.copy %l1a, %a : memref<128x64xf16, #npu.space<l1>>, memref<128x64xf16, #npu.space<l0a>>
  npu.copy %l1b, %b : memref<64x128xf16, #npu.space<l1>>, memref<64x128xf16, #npu.space<l0b>>
  npu.set_flag mte1 -> m, 0
  npu.wait_flag mte1 -> m, 0

  npu.mmad %a, %b, %c : memref<128x64xf16, #npu.space<l0a>>, memref<64x128xf16, #npu.space<l0b>>,
                        memref<128x128xf32, #npu.space<l0c>>
  npu.set_flag m -> fix, 0
  npu.wait_flag m -> fix, 0

  npu.copy %c, %gc : memref<128x128xf32, #npu.space<l0c>>, memref<128x128xf16, #npu.space<gm>>
  return
}
