// RUN: pagoda-opt %s -pagoda-graph-conv3d-as-conv2d -split-input-file | FileCheck %s

// A 3 x 3 x 3 conv with pads: the input channels-last, one zero plane
// before and after the depth, three plane slices (one per kernel plane)
// stacked along the channels, one 2-D conv of 3 x 2 channels over N x OD
// images with the weight's planes side by side (W'[m][kd*C + c]), then
// back to [N, M, OD, OH, OW].
// CHECK-LABEL: func.func @conv3d
// CHECK-NOT: graph.conv %arg0
// CHECK-DAG: %[[Z:.*]] = graph.constant dense<0.000000e+00> : tensor<1x1x5x5x2xf32>
// CHECK-DAG: %[[W:.*]] = graph.constant {{.*}} : tensor<4x6x3x3xf32>
// CHECK: %[[T:.*]] = graph.transpose %arg0 {perm = array<i64: 0, 2, 3, 4, 1>} : tensor<1x2x4x5x5xf32> -> tensor<1x4x5x5x2xf32>
// CHECK: %[[P:.*]] = graph.concat %[[Z]], %[[T]], %[[Z]] {axis = 1 : i64} : {{.*}} -> tensor<1x6x5x5x2xf32>
// CHECK: %[[S0:.*]] = graph.slice %[[P]] {starts = array<i64: 0, 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 1, 1>} : tensor<1x6x5x5x2xf32> -> tensor<1x4x5x5x2xf32>
// CHECK: %[[S1:.*]] = graph.slice %[[P]] {starts = array<i64: 0, 1, 0, 0, 0>
// CHECK: %[[S2:.*]] = graph.slice %[[P]] {starts = array<i64: 0, 2, 0, 0, 0>
// CHECK: %[[C:.*]] = graph.concat %[[S0]], %[[S1]], %[[S2]] {axis = 4 : i64} : {{.*}} -> tensor<1x4x5x5x6xf32>
// CHECK: %[[R:.*]] = graph.reshape %[[C]] : tensor<1x4x5x5x6xf32> -> tensor<4x5x5x6xf32>
// CHECK: %[[N:.*]] = graph.transpose %[[R]] {perm = array<i64: 0, 3, 1, 2>} : tensor<4x5x5x6xf32> -> tensor<4x6x5x5xf32>
// CHECK: %[[Y:.*]] = graph.conv %[[N]], %[[W]], %arg1 {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<4x6x5x5xf32>, tensor<4x6x3x3xf32>, tensor<4xf32>) -> tensor<4x4x5x5xf32>
// CHECK: %[[Y5:.*]] = graph.reshape %[[Y]] : tensor<4x4x5x5xf32> -> tensor<1x4x4x5x5xf32>
// CHECK: graph.transpose %[[Y5]] {perm = array<i64: 0, 2, 1, 3, 4>} : tensor<1x4x4x5x5xf32> -> tensor<1x4x4x5x5xf32>
func.func @conv3d(%x: tensor<1x2x4x5x5xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x5x5xf32> {
  %w = graph.constant dense<1.0> : tensor<4x2x3x3x3xf32>
  %y = graph.conv %x, %w, %b {strides = array<i64: 1, 1, 1>, pads = array<i64: 1, 1, 1, 1, 1, 1>, dilations = array<i64: 1, 1, 1>, group = 1 : i64} : (tensor<1x2x4x5x5xf32>, tensor<4x2x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x5x5xf32>
  return %y : tensor<1x4x4x5x5xf32>
}

// -----

// Depth stride 2 and dilation 2: slices start at kd*2 and take every other
// plane; no padding, no concat of zeros.
// CHECK-LABEL: func.func @strided
// CHECK-NOT: graph.constant dense<0.000000e+00>
// CHECK: graph.slice %{{.*}} {starts = array<i64: 0, 2, 0, 0, 0>, steps = array<i64: 1, 2, 1, 1, 1>} : tensor<1x7x4x4x2xf32> -> tensor<1x3x4x4x2xf32>
// CHECK: graph.conv %{{.*}} : (tensor<3x4x4x4xf32>, tensor<3x4x1x1xf32>) -> tensor<3x3x4x4xf32>
func.func @strided(%x: tensor<1x2x7x4x4xf32>) -> tensor<1x3x3x4x4xf32> {
  %w = graph.constant dense<1.0> : tensor<3x2x2x1x1xf32>
  %y = graph.conv %x, %w {strides = array<i64: 2, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>, dilations = array<i64: 2, 1, 1>, group = 1 : i64} : (tensor<1x2x7x4x4xf32>, tensor<3x2x2x1x1xf32>) -> tensor<1x3x3x4x4xf32>
  return %y : tensor<1x3x3x4x4xf32>
}

// -----

// Two groups: each kernel plane's slice is reshaped to [..., G, C/G] and
// the slices concatenated along the last axis, so the stacked channels are
// [g][kd][c] and the 2-D conv keeps the groups (each group's 2 x 4 stacked
// f32 channels and 8 outputs are whole 32-byte units).
// CHECK-LABEL: func.func @grouped
// CHECK-NOT: graph.conv %arg0
// CHECK: %[[S0:.*]] = graph.slice %{{.*}} {starts = array<i64: 0, 0, 0, 0, 0>, {{.*}} -> tensor<1x3x5x5x8xf32>
// CHECK: %[[S1:.*]] = graph.slice %{{.*}} {starts = array<i64: 0, 1, 0, 0, 0>
// CHECK: %[[G0:.*]] = graph.reshape %[[S0]] : tensor<1x3x5x5x8xf32> -> tensor<1x3x5x5x2x4xf32>
// CHECK: %[[G1:.*]] = graph.reshape %[[S1]]
// CHECK: %[[C:.*]] = graph.concat %[[G0]], %[[G1]] {axis = 5 : i64} : {{.*}} -> tensor<1x3x5x5x2x8xf32>
// CHECK: graph.reshape %[[C]] : tensor<1x3x5x5x2x8xf32> -> tensor<3x5x5x16xf32>
// CHECK: graph.conv %{{.*}} {dilations = array<i64: 1, 1>, group = 2 : i64, {{.*}} : (tensor<3x16x5x5xf32>, tensor<16x8x3x3xf32>) -> tensor<3x16x3x3xf32>
func.func @grouped(%x: tensor<1x8x4x5x5xf32>) -> tensor<1x16x3x3x3xf32> {
  %w = graph.constant dense<1.0> : tensor<16x4x2x3x3xf32>
  %y = graph.conv %x, %w {strides = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>, dilations = array<i64: 1, 1, 1>, group = 2 : i64} : (tensor<1x8x4x5x5xf32>, tensor<16x4x2x3x3xf32>) -> tensor<1x16x3x3x3xf32>
  return %y : tensor<1x16x3x3x3xf32>
}

// -----

// A depthwise 3-D conv stays as it is: its groups' stacked channels (3
// floats) are not whole DMA units, so the grouped cube conv would refuse
// the 2-D form too.
// CHECK-LABEL: func.func @depthwise
// CHECK: graph.conv %arg0
func.func @depthwise(%x: tensor<1x4x4x5x5xf32>) -> tensor<1x4x2x3x3xf32> {
  %w = graph.constant dense<1.0> : tensor<4x1x3x3x3xf32>
  %y = graph.conv %x, %w {strides = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>, dilations = array<i64: 1, 1, 1>, group = 4 : i64} : (tensor<1x4x4x5x5xf32>, tensor<4x1x3x3x3xf32>) -> tensor<1x4x2x3x3xf32>
  return %y : tensor<1x4x2x3x3xf32>
}

// -----

// 2-D convs are left alone.
// CHECK-LABEL: func.func @conv2d
// CHECK: graph.conv %arg0
func.func @conv2d(%x: tensor<1x4x5x5xf32>) -> tensor<1x4x3x3xf32> {
  %w = graph.constant dense<1.0> : tensor<4x4x3x3xf32>
  %y = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x5x5xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %y : tensor<1x4x3x3xf32>
}
