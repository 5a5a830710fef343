// RUN: pagoda-opt %s -pagoda-graph-conv-layout -pagoda-graph-sink-transposes -split-input-file | FileCheck %s
// RUN: pagoda-opt %s -pagoda-graph-conv-layout="target=ascend-910" -split-input-file | FileCheck %s --check-prefix=NOF32

// Two convolutions with a ReLU between them: channels-last, with one
// transpose on the way in and one on the way out.
// CHECK-LABEL: func.func @two
// CHECK:      %[[X:.*]] = graph.transpose %arg0 {perm = array<i64: 0, 2, 3, 1>} : tensor<1x16x8x8xf32> -> tensor<1x8x8x16xf32>
// CHECK-NEXT: %[[C1:.*]] = graph.conv %[[X]], %{{.*}}, %{{.*}} {channels_last, dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x8x8x16xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<1x8x8x32xf32>
// CHECK-NEXT: %[[R:.*]] = graph.relu %[[C1]] : tensor<1x8x8x32xf32>
// CHECK-NEXT: %[[C2:.*]] = graph.conv %[[R]], %{{.*}} {channels_last, {{.*}}} : (tensor<1x8x8x32xf32>, tensor<8x32x1x1xf32>) -> tensor<1x8x8x8xf32>
// CHECK-NEXT: %[[Y:.*]] = graph.transpose %[[C2]] {perm = array<i64: 0, 3, 1, 2>} : tensor<1x8x8x8xf32> -> tensor<1x8x8x8xf32>
// CHECK-NEXT: return %[[Y]]
// The 910 has no f32 cube: nothing changes.
// NOF32-LABEL: func.func @two
// NOF32-NOT: channels_last
func.func @two(%x: tensor<1x16x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %w1 = graph.constant dense<0.5> : tensor<32x16x3x3xf32>
  %b1 = graph.constant dense<0.25> : tensor<32xf32>
  %w2 = graph.constant dense<0.5> : tensor<8x32x1x1xf32>
  %c1 = graph.conv %x, %w1, %b1 {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<1x32x8x8xf32>
  %r = graph.relu %c1 : tensor<1x32x8x8xf32>
  %c2 = graph.conv %r, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x32x8x8xf32>, tensor<8x32x1x1xf32>) -> tensor<1x8x8x8xf32>
  return %c2 : tensor<1x8x8x8xf32>
}

// -----

// Depthwise convs go to the vector unit's kernels, channels-last too (on
// the 910 as well: no cube involved).
// CHECK-LABEL: func.func @depthwise
// NOF32-LABEL: func.func @depthwise
// NOF32:       channels_last
// CHECK:      graph.transpose %arg0
// CHECK-NEXT: graph.conv {{.*}} {channels_last, {{.*}}group = 8 : i64{{.*}}} : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x8x8xf32>
func.func @depthwise(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %dw = graph.constant dense<0.5> : tensor<8x1x3x3xf32>
  %a = graph.conv %x, %dw {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8 : i64} : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %a : tensor<1x8x8x8xf32>
}

// -----

// Not covered by the generated kernels yet: a grouped conv with two filters
// per group, a weight computed at run time, a 3-D conv.
// CHECK-LABEL: func.func @uncovered
// CHECK-NOT: channels_last
// CHECK-NOT: graph.transpose
func.func @uncovered(%x: tensor<1x8x8x8xf32>, %w: tensor<8x8x1x1xf32>, %v: tensor<1x8x4x4x4xf32>) -> (tensor<1x16x8x8xf32>, tensor<1x8x8x8xf32>, tensor<1x8x4x4x4xf32>) {
  %dw = graph.constant dense<0.5> : tensor<16x1x3x3xf32>
  %w3 = graph.constant dense<0.5> : tensor<8x8x1x1x1xf32>
  %a = graph.conv %x, %dw {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8 : i64} : (tensor<1x8x8x8xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x8x8xf32>
  %b = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x8x8x8xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x8x8xf32>
  %c = graph.conv %v, %w3 {strides = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>, dilations = array<i64: 1, 1, 1>, group = 1 : i64} : (tensor<1x8x4x4x4xf32>, tensor<8x8x1x1x1xf32>) -> tensor<1x8x4x4x4xf32>
  return %a, %b, %c : tensor<1x16x8x8xf32>, tensor<1x8x8x8xf32>, tensor<1x8x4x4x4xf32>
}

// -----

// int8 convolutions the s8 cube kernel covers go channels-last too (the
// attribute on conv_integer and qlinear_conv); one whose weight minus its
// zero point leaves int8 stays as it is.
// CHECK-LABEL: func.func @int8
// CHECK:      graph.transpose %arg0 {perm = array<i64: 0, 2, 3, 1>}
// CHECK-NEXT: graph.qlinear_conv {{.*}} {channels_last, {{.*}}} : ({{.*}}tensor<1x8x8x32xui8>{{.*}}) -> tensor<1x8x8x32xui8>
// CHECK:      graph.conv_integer %arg0, {{.*}} {dilations
// CHECK-NOT:  channels_last
func.func @int8(%x: tensor<1x32x8x8xui8>) -> (tensor<1x32x8x8xui8>, tensor<1x32x8x8xi32>) {
  %w = graph.constant dense<3> : tensor<32x32x3x3xi8>
  %wu = graph.constant dense<250> : tensor<32x32x3x3xui8>
  %s = graph.constant dense<0.1> : tensor<f32>
  %xz = graph.constant dense<120> : tensor<ui8>
  %wz = graph.constant dense<0> : tensor<i8>
  %wuz = graph.constant dense<0> : tensor<ui8>
  %yz = graph.constant dense<128> : tensor<ui8>
  %a = graph.qlinear_conv %x, %s, %xz, %w, %s, %wz, %s, %yz {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x32x8x8xui8>, tensor<f32>, tensor<ui8>, tensor<32x32x3x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<1x32x8x8xui8>
  %b = graph.conv_integer %x, %wu, %xz, %wuz {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x32x8x8xui8>, tensor<32x32x3x3xui8>, tensor<ui8>, tensor<ui8>) -> tensor<1x32x8x8xi32>
  return %a, %b : tensor<1x32x8x8xui8>, tensor<1x32x8x8xi32>
}
