// Round trip of every graph op, in custom and in generic form.
// RUN: pagoda-opt %s | pagoda-opt | FileCheck %s
// RUN: pagoda-opt %s --mlir-print-op-generic | pagoda-opt | FileCheck %s

// CHECK-LABEL: func.func @conv_block
func.func @conv_block(%x: tensor<1x3x32x32xf32>, %w: tensor<16x3x3x3xf32>,
                      %b: tensor<16xf32>) -> tensor<1x16x16x16xf32> {
  // CHECK: graph.conv %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
  %y = graph.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>,
                              dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
  // CHECK: graph.relu %{{.*}} : tensor<1x16x16x16xf32>
  %r = graph.relu %y : tensor<1x16x16x16xf32>
  return %r : tensor<1x16x16x16xf32>
}

// CHECK-LABEL: func.func @conv_variants
func.func @conv_variants(%x1: tensor<2x8x100xf16>, %w1: tensor<4x8x5xf16>,
                         %x3: tensor<1x4x8x8x8xf32>, %w3: tensor<8x4x3x3x3xf32>,
                         %dw: tensor<1x32x?x?xf32>, %wdw: tensor<32x1x3x3xf32>) {
  // Conv1D without bias, dilation 2: (100 - 9) / 1 + 1 = 92.
  // CHECK: graph.conv %{{.*}}, %{{.*}} {{.*}} -> tensor<2x4x92xf16>
  %a = graph.conv %x1, %w1 {strides = array<i64: 1>, pads = array<i64: 0, 0>,
                            dilations = array<i64: 2>, group = 1 : i64}
      : (tensor<2x8x100xf16>, tensor<4x8x5xf16>) -> tensor<2x4x92xf16>
  // Conv3D.
  // CHECK: -> tensor<1x8x6x6x6xf32>
  %b = graph.conv %x3, %w3 {strides = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>,
                            dilations = array<i64: 1, 1, 1>, group = 1 : i64}
      : (tensor<1x4x8x8x8xf32>, tensor<8x4x3x3x3xf32>) -> tensor<1x8x6x6x6xf32>
  // Depthwise with dynamic spatial dims.
  // CHECK: group = 32 : i64{{.*}} -> tensor<1x32x?x?xf32>
  %c = graph.conv %dw, %wdw {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
                             dilations = array<i64: 1, 1>, group = 32 : i64}
      : (tensor<1x32x?x?xf32>, tensor<32x1x3x3xf32>) -> tensor<1x32x?x?xf32>
  return
}

// CHECK-LABEL: func.func @matmuls
func.func @matmuls(%a: tensor<8x128x64xf32>, %b: tensor<64x32xf32>, %v: tensor<64xf32>,
                   %c: tensor<1x?x64xbf16>, %d: tensor<4x64x16xbf16>) {
  // CHECK: graph.matmul %{{.*}}, %{{.*}} : (tensor<8x128x64xf32>, tensor<64x32xf32>) -> tensor<8x128x32xf32>
  %0 = graph.matmul %a, %b : (tensor<8x128x64xf32>, tensor<64x32xf32>) -> tensor<8x128x32xf32>
  // Matrix times vector drops N.
  // CHECK: -> tensor<8x128xf32>
  %1 = graph.matmul %a, %v : (tensor<8x128x64xf32>, tensor<64xf32>) -> tensor<8x128xf32>
  // Vector times matrix drops M.
  // CHECK: -> tensor<32xf32>
  %2 = graph.matmul %v, %b : (tensor<64xf32>, tensor<64x32xf32>) -> tensor<32xf32>
  // Batch dims broadcast; dynamic M stays dynamic.
  // CHECK: -> tensor<4x?x16xbf16>
  %3 = graph.matmul %c, %d : (tensor<1x?x64xbf16>, tensor<4x64x16xbf16>) -> tensor<4x?x16xbf16>
  return
}

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%a: tensor<4x1x8xf32>, %b: tensor<3x1xf32>, %i: tensor<5xi32>) {
  // CHECK: graph.add %{{.*}}, %{{.*}} : (tensor<4x1x8xf32>, tensor<3x1xf32>) -> tensor<4x3x8xf32>
  %0 = graph.add %a, %b : (tensor<4x1x8xf32>, tensor<3x1xf32>) -> tensor<4x3x8xf32>
  // CHECK: graph.sub
  %1 = graph.sub %a, %b : (tensor<4x1x8xf32>, tensor<3x1xf32>) -> tensor<4x3x8xf32>
  // CHECK: graph.mul
  %2 = graph.mul %i, %i : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  // CHECK: graph.div
  %3 = graph.div %b, %b : (tensor<3x1xf32>, tensor<3x1xf32>) -> tensor<3x1xf32>
  // CHECK: graph.constant dense<[1, 2, 3, 4, 5]> : tensor<5xi32>
  %4 = graph.constant dense<[1, 2, 3, 4, 5]> : tensor<5xi32>
  return
}

// The ops the ONNX importer produces round-trip through the textual form.
// CHECK-LABEL: func @imported_ops
func.func @imported_ops(%x: tensor<1x3x8x8xf32>, %i: tensor<2xi64>, %u: tensor<4xui8>) -> tensor<4xi1> {
  // CHECK: graph.max_pool
  %0 = graph.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  // CHECK: graph.transpose
  %1 = graph.transpose %0 {perm = array<i64: 0, 2, 3, 1>} : tensor<1x3x4x4xf32> -> tensor<1x4x4x3xf32>
  // CHECK: graph.gather
  %2 = graph.gather %1, %i {axis = 1 : i64} : (tensor<1x4x4x3xf32>, tensor<2xi64>) -> tensor<1x2x4x3xf32>
  // CHECK: graph.reduce_mean
  %3 = graph.reduce_mean %2 {axes = array<i64: 1>, keepdims = true} : tensor<1x2x4x3xf32> -> tensor<1x1x4x3xf32>
  // CHECK: graph.greater
  %4 = graph.greater %u, %u : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  return %4 : tensor<4xi1>
}
