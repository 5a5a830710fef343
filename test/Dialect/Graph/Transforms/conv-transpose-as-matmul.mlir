// RUN: pagoda-opt %s -pagoda-graph-conv-transpose-as-matmul -split-input-file | FileCheck %s

// Kernel = strides: a matmul of the channels-last input with the reordered
// weight (W'[ci][(i*kw + j)*M + co] = w[ci][co][i][j]), the bias repeated
// per (i, j), then the pixel shuffle as reshapes around a block transpose.
// CHECK-LABEL: func.func @upsample
// CHECK-DAG: %[[W:.*]] = graph.constant dense<{{\[}}[1.000000e+00, 5.000000e+00, 2.000000e+00, 6.000000e+00, 3.000000e+00, 7.000000e+00, 4.000000e+00, 8.000000e+00]]> : tensor<1x8xf32>
// CHECK-DAG: %[[B:.*]] = graph.constant dense<[5.000000e-01, -1.000000e+00, 5.000000e-01, -1.000000e+00, 5.000000e-01, -1.000000e+00, 5.000000e-01, -1.000000e+00]> : tensor<8xf32>
// CHECK: %[[T:.*]] = graph.transpose %arg0 {perm = array<i64: 0, 2, 3, 1>} : tensor<1x1x3x5xf32> -> tensor<1x3x5x1xf32>
// CHECK: %[[A:.*]] = graph.reshape %[[T]] : tensor<1x3x5x1xf32> -> tensor<15x1xf32>
// CHECK: %[[M:.*]] = graph.matmul %[[A]], %[[W]] : (tensor<15x1xf32>, tensor<1x8xf32>) -> tensor<15x8xf32>
// CHECK: %[[S:.*]] = graph.add %[[M]], %[[B]]
// CHECK: %[[R:.*]] = graph.reshape %[[S]] : tensor<15x8xf32> -> tensor<3x5x2x4xf32>
// CHECK: %[[P:.*]] = graph.transpose %[[R]] {perm = array<i64: 0, 2, 1, 3>} : tensor<3x5x2x4xf32> -> tensor<3x2x5x4xf32>
// CHECK: %[[Q:.*]] = graph.reshape %[[P]] : tensor<3x2x5x4xf32> -> tensor<1x6x10x2xf32>
// CHECK: graph.transpose %[[Q]] {perm = array<i64: 0, 3, 1, 2>} : tensor<1x6x10x2xf32> -> tensor<1x2x6x10xf32>
// CHECK-NOT: graph.conv_transpose
func.func @upsample(%x: tensor<1x1x3x5xf32>) -> tensor<1x2x6x10xf32> {
  %w = graph.constant dense<[[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]]> : tensor<1x2x2x2xf32>
  %b = graph.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %y = graph.conv_transpose %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, group = 1 : i64} : (tensor<1x1x3x5xf32>, tensor<1x2x2x2xf32>, tensor<2xf32>) -> tensor<1x2x6x10xf32>
  return %y : tensor<1x2x6x10xf32>
}

// -----

// Overlapping windows (kernel 3, stride 2, 7 outputs from 3): one stride-1
// conv per output phase. Even rows/columns take taps 2 and 0 (padded 1/1),
// odd ones tap 1 (padded 0/1); each phase gives 4 of the 8 rows and
// columns, interleaved by concats of channels-last pixels, the eighth row
// and column sliced away (one slice per axis: each a movement kernel).
// CHECK-LABEL: func.func @overlap
// CHECK-NOT: graph.conv_transpose
// CHECK: %[[C00:.*]] = graph.conv %arg0, %{{.*}} {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x2x2xf32>) -> tensor<1x2x4x4xf32>
// CHECK: graph.conv %arg0, %{{.*}} {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 0, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x2x1xf32>) -> tensor<1x2x4x4xf32>
// CHECK: graph.concat %{{.*}}, %{{.*}} {axis = 3 : i64} : (tensor<1x4x4x1x2xf32>, tensor<1x4x4x1x2xf32>) -> tensor<1x4x4x2x2xf32>
// CHECK: graph.conv %arg0, %{{.*}} {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x2xf32>) -> tensor<1x2x4x4xf32>
// CHECK: graph.conv %arg0, %{{.*}} {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
// CHECK: graph.concat %{{.*}}, %{{.*}} {axis = 2 : i64} : (tensor<1x4x1x8x2xf32>, tensor<1x4x1x8x2xf32>) -> tensor<1x4x2x8x2xf32>
// CHECK: graph.reshape %{{.*}} : tensor<1x4x2x8x2xf32> -> tensor<1x8x8x2xf32>
// CHECK: graph.slice %{{.*}} : tensor<1x8x8x2xf32> -> tensor<1x7x8x2xf32>
// CHECK: graph.slice %{{.*}} : tensor<1x7x8x2xf32> -> tensor<1x7x7x2xf32>
// CHECK: graph.transpose %{{.*}} {perm = array<i64: 0, 3, 1, 2>} : tensor<1x7x7x2xf32> -> tensor<1x2x7x7xf32>
func.func @overlap(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x7x7xf32> {
  %w = graph.constant dense<1.0> : tensor<2x2x3x3xf32>
  %y = graph.conv_transpose %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, group = 1 : i64} : (tensor<1x2x3x3xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x7x7xf32>
  return %y : tensor<1x2x7x7xf32>
}

// -----

// Dilated windows: taps j*d congruent mod s form a phase; with stride 2
// and dilation 3 the even phase takes taps 2 and 0, which read inputs 3
// apart (a conv of dilation 3), the odd phase tap 1.
// CHECK-LABEL: func.func @dilated
// CHECK-NOT: graph.conv_transpose
// CHECK: graph.conv %arg0, %{{.*}} {dilations = array<i64: 3, 3>, group = 1 : i64, pads = array<i64: 3, 3, 3, 3>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x2x2xf32>) -> tensor<1x2x6x6xf32>
// CHECK: graph.conv %arg0, %{{.*}} {dilations = array<i64: 3, 3>, group = 1 : i64, pads = array<i64: 3, 1, 3, 2>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x2x1xf32>) -> tensor<1x2x6x6xf32>
// CHECK: graph.slice %{{.*}} : tensor<1x12x12x2xf32> -> tensor<1x11x12x2xf32>
func.func @dilated(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x11x11xf32> {
  %w = graph.constant dense<1.0> : tensor<2x2x3x3xf32>
  %y = graph.conv_transpose %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, group = 1 : i64} : (tensor<1x2x3x3xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x11x11xf32>
  return %y : tensor<1x2x11x11xf32>
}

// -----

// A phase that no tap reaches (stride 2, dilation 2: odd outputs are only
// the bias) stays a conv_transpose (the host kernel runs it).
// CHECK-LABEL: func.func @tapless_phase
// CHECK: graph.conv_transpose
func.func @tapless_phase(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x9x9xf32> {
  %w = graph.constant dense<1.0> : tensor<2x2x3x3xf32>
  %y = graph.conv_transpose %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 2>, output_padding = array<i64: 0, 0>, group = 1 : i64} : (tensor<1x2x3x3xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x9x9xf32>
  return %y : tensor<1x2x9x9xf32>
}
