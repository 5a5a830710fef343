// Round trip of the npu dialect: a 64x64x64 fp16 matmul tile's data flow.
// RUN: pagoda-opt %s | pagoda-opt | FileCheck %s
// RUN: pagoda-opt %s --mlir-print-op-generic | pagoda-opt | FileCheck %s

// CHECK-LABEL: func.func @matmul_tile
func.func @matmul_tile(%ga: memref<64x64xf16, #npu.space<gm>>,
                       %gb: memref<64x64xf16, #npu.space<gm>>,
                       %gc: memref<64x64xf16, #npu.space<gm>>) {
  // CHECK: npu.alloc : memref<64x64xf16, #npu.space<l1>>
  %l1a = npu.alloc : memref<64x64xf16, #npu.space<l1>>
  // CHECK: npu.alloc {offset = 8192 : i64} : memref<64x64xf16, #npu.space<l1>>
  %l1b = npu.alloc {offset = 8192 : i64} : memref<64x64xf16, #npu.space<l1>>
  %a = npu.alloc : memref<64x64xf16, #npu.space<l0a>>
  %b = npu.alloc : memref<64x64xf16, #npu.space<l0b>>
  %c = npu.alloc : memref<64x64xf32, #npu.space<l0c>>
  // CHECK: npu.copy %{{.*}}, %{{.*}} : memref<64x64xf16, #npu.space<gm>>, memref<64x64xf16, #npu.space<l1>>
  npu.copy %ga, %l1a : memref<64x64xf16, #npu.space<gm>>, memref<64x64xf16, #npu.space<l1>>
  npu.copy %gb, %l1b : memref<64x64xf16, #npu.space<gm>>, memref<64x64xf16, #npu.space<l1>>
  // CHECK: npu.set_flag mte2 -> mte1, 0
  npu.set_flag mte2 -> mte1, 0
  // CHECK: npu.wait_flag mte2 -> mte1, 0
  npu.wait_flag mte2 -> mte1, 0
  npu.copy %l1a, %a : memref<64x64xf16, #npu.space<l1>>, memref<64x64xf16, #npu.space<l0a>>
  npu.copy %l1b, %b : memref<64x64xf16, #npu.space<l1>>, memref<64x64xf16, #npu.space<l0b>>
  npu.set_flag mte1 -> m, 1
  npu.wait_flag mte1 -> m, 1
  // CHECK: npu.mmad %{{.*}}, %{{.*}}, %{{.*}} : memref<64x64xf16, #npu.space<l0a>>, memref<64x64xf16, #npu.space<l0b>>, memref<64x64xf32, #npu.space<l0c>>
  npu.mmad %a, %b, %c : memref<64x64xf16, #npu.space<l0a>>, memref<64x64xf16, #npu.space<l0b>>, memref<64x64xf32, #npu.space<l0c>>
  // CHECK: npu.mmad {{.*}} {accumulate}
  npu.mmad %a, %b, %c {accumulate} : memref<64x64xf16, #npu.space<l0a>>, memref<64x64xf16, #npu.space<l0b>>, memref<64x64xf32, #npu.space<l0c>>
  npu.set_flag m -> fix, 2
  npu.wait_flag m -> fix, 2
  // FixPipe narrows f32 to f16 on the way out.
  // CHECK: npu.copy {{.*}} : memref<64x64xf32, #npu.space<l0c>>, memref<64x64xf16, #npu.space<gm>>
  npu.copy %c, %gc : memref<64x64xf32, #npu.space<l0c>>, memref<64x64xf16, #npu.space<gm>>
  // CHECK: npu.pipe_barrier fix
  npu.pipe_barrier fix
  return
}

// CHECK-LABEL: func.func @cube_types
func.func @cube_types() {
  %a8 = npu.alloc : memref<16x32xi8, #npu.space<l0a>>
  %b8 = npu.alloc : memref<32x16xi8, #npu.space<l0b>>
  %c8 = npu.alloc : memref<16x16xi32, #npu.space<l0c>>
  // CHECK: npu.mmad {{.*}} : memref<16x32xi8, #npu.space<l0a>>, memref<32x16xi8, #npu.space<l0b>>, memref<16x16xi32, #npu.space<l0c>>
  npu.mmad %a8, %b8, %c8 : memref<16x32xi8, #npu.space<l0a>>, memref<32x16xi8, #npu.space<l0b>>, memref<16x16xi32, #npu.space<l0c>>
  %af = npu.alloc : memref<16x32xf8E4M3FN, #npu.space<l0a>>
  %bf = npu.alloc : memref<32x16xf8E4M3FN, #npu.space<l0b>>
  %cf = npu.alloc : memref<16x16xf32, #npu.space<l0c>>
  // CHECK: npu.mmad {{.*}} : memref<16x32xf8E4M3FN, #npu.space<l0a>>
  npu.mmad %af, %bf, %cf : memref<16x32xf8E4M3FN, #npu.space<l0a>>, memref<32x16xf8E4M3FN, #npu.space<l0b>>, memref<16x16xf32, #npu.space<l0c>>
  // Vector side: GM -> UB -> GM, and 950's L0C -> UB.
  %ub = npu.alloc : memref<16x16xf32, #npu.space<ub>>
  // CHECK: npu.copy {{.*}} : memref<16x16xf32, #npu.space<l0c>>, memref<16x16xf32, #npu.space<ub>>
  npu.copy %cf, %ub : memref<16x16xf32, #npu.space<l0c>>, memref<16x16xf32, #npu.space<ub>>
  return
}
