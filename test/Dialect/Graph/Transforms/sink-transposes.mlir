// RUN: pagoda-opt %s -pagoda-graph-sink-transposes -split-input-file | FileCheck %s

// NCHW -> NHWC -> relu -> add splat -> NCHW: the pair cancels around the
// elementwise ops.
// CHECK-LABEL: func.func @cancel
// CHECK-NEXT: %[[C:.*]] = graph.constant dense<1.000000e+00> : tensor<1x4x2x3xf32>
// CHECK-NEXT: %[[R:.*]] = graph.relu %arg0 : tensor<1x4x2x3xf32>
// CHECK-NEXT: %[[A:.*]] = graph.add %[[R]], %[[C]] : (tensor<1x4x2x3xf32>, tensor<1x4x2x3xf32>) -> tensor<1x4x2x3xf32>
// CHECK-NEXT: return %[[A]]
func.func @cancel(%x: tensor<1x4x2x3xf32>) -> tensor<1x4x2x3xf32> {
  %one = graph.constant dense<1.0> : tensor<1x2x3x4xf32>
  %t = graph.transpose %x {perm = array<i64: 0, 2, 3, 1>} : tensor<1x4x2x3xf32> -> tensor<1x2x3x4xf32>
  %r = graph.relu %t : tensor<1x2x3x4xf32>
  %a = graph.add %r, %one : (tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32>
  %b = graph.transpose %a {perm = array<i64: 0, 3, 1, 2>} : tensor<1x2x3x4xf32> -> tensor<1x4x2x3xf32>
  return %b : tensor<1x4x2x3xf32>
}

// -----

// A transpose with another user, or a non-splat operand, stays where it is.
// CHECK-LABEL: func.func @stay
// CHECK:      %[[T:.*]] = graph.transpose %arg0
// CHECK-NEXT: graph.relu %[[T]]
// CHECK:      %[[U:.*]] = graph.transpose %arg0
// CHECK-NEXT: graph.add %[[U]], %arg1
func.func @stay(%x: tensor<2x3xf32>, %y: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
  %t = graph.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  %r = graph.relu %t : tensor<3x2xf32>
  %u = graph.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  %a = graph.add %u, %y : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %r, %t, %a : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// Channels-last regions: a residual add of two transposed values, a
// per-channel constant ([C] against NHWC) and a [N, 1, 1, C] value
// all read the same in NCHW after a reshape, so both pairs cancel.
// CHECK-LABEL: func.func @channels
// CHECK:      %[[B:.*]] = graph.constant dense<{{.*}}4.000000e+00]]]]> : tensor<1x4x1x1xf32>
// CHECK:      %[[A:.*]] = graph.add %arg0, %arg1 : (tensor<1x4x2x3xf32>, tensor<1x4x2x3xf32>)
// CHECK-NEXT: %[[C:.*]] = graph.add %[[A]], %[[B]] : (tensor<1x4x2x3xf32>, tensor<1x4x1x1xf32>)
// CHECK-NEXT: %[[S:.*]] = graph.reshape %arg2 : tensor<1x1x1x4xf32> -> tensor<1x4x1x1xf32>
// CHECK-NEXT: %[[M:.*]] = graph.mul %[[C]], %[[S]] : (tensor<1x4x2x3xf32>, tensor<1x4x1x1xf32>)
// CHECK-NEXT: return %[[M]]
func.func @channels(%x: tensor<1x4x2x3xf32>, %y: tensor<1x4x2x3xf32>, %s: tensor<1x1x1x4xf32>) -> tensor<1x4x2x3xf32> {
  %bias = graph.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %tx = graph.transpose %x {perm = array<i64: 0, 2, 3, 1>} : tensor<1x4x2x3xf32> -> tensor<1x2x3x4xf32>
  %ty = graph.transpose %y {perm = array<i64: 0, 2, 3, 1>} : tensor<1x4x2x3xf32> -> tensor<1x2x3x4xf32>
  %a = graph.add %tx, %ty : (tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32>
  %c = graph.add %a, %bias : (tensor<1x2x3x4xf32>, tensor<4xf32>) -> tensor<1x2x3x4xf32>
  %m = graph.mul %c, %s : (tensor<1x2x3x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x2x3x4xf32>
  %b = graph.transpose %m {perm = array<i64: 0, 3, 1, 2>} : tensor<1x2x3x4xf32> -> tensor<1x4x2x3xf32>
  return %b : tensor<1x4x2x3xf32>
}

// -----

// A [2, 3] operand against a transposed [3, 2] value is not a reshape away
// from the original layout: the transpose stays.
// CHECK-LABEL: func.func @mixed
// CHECK:      %[[T:.*]] = graph.transpose %arg0
// CHECK-NEXT: graph.add %[[T]], %arg1
func.func @mixed(%x: tensor<2x3xf32>, %y: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %t = graph.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  %a = graph.add %t, %y : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %a : tensor<3x2xf32>
}

// -----

// Global average pooling of a channels-last tensor: the pool becomes a
// reduction over the spatial axes, which commutes with the transpose; the
// transpose left moves only size-1 dimensions and becomes a reshape.
// CHECK-LABEL: func.func @global_pool
// CHECK-NEXT: %[[R:.*]] = graph.reduce_mean %arg0 {axes = array<i64: 1, 2>, keepdims = true} : tensor<1x4x5x8xf32> -> tensor<1x1x1x8xf32>
// CHECK-NEXT: %[[S:.*]] = graph.reshape %[[R]] : tensor<1x1x1x8xf32> -> tensor<1x8x1x1xf32>
// CHECK-NEXT: return %[[S]]
func.func @global_pool(%x: tensor<1x4x5x8xf32>) -> tensor<1x8x1x1xf32> {
  %t = graph.transpose %x {perm = array<i64: 0, 3, 1, 2>} : tensor<1x4x5x8xf32> -> tensor<1x8x4x5xf32>
  %p = graph.avg_pool %t {kernel = array<i64: 4, 5>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, count_include_pad = false} : tensor<1x8x4x5xf32> -> tensor<1x8x1x1xf32>
  return %p : tensor<1x8x1x1xf32>
}

// -----

// A pool that is not global stays a pool and runs channels-last: the
// transpose moves after it.
// CHECK-LABEL: func.func @local_pool
// CHECK-NEXT: %[[P:.*]] = graph.max_pool %arg0 {channels_last, {{.*}}} : tensor<1x4x4x8xf32> -> tensor<1x2x2x8xf32>
// CHECK-NEXT: %[[T:.*]] = graph.transpose %[[P]] {perm = array<i64: 0, 3, 1, 2>} : tensor<1x2x2x8xf32> -> tensor<1x8x2x2xf32>
// CHECK-NEXT: return %[[T]]
func.func @local_pool(%x: tensor<1x4x4x8xf32>) -> tensor<1x8x2x2xf32> {
  %t = graph.transpose %x {perm = array<i64: 0, 3, 1, 2>} : tensor<1x4x4x8xf32> -> tensor<1x8x4x4xf32>
  %p = graph.max_pool %t {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x8x4x4xf32> -> tensor<1x8x2x2xf32>
  return %p : tensor<1x8x2x2xf32>
}

// -----

// A squeeze-excitation block: the transpose feeds both the global pool and
// the product with the pool's (per-channel) result; both move through it,
// and the transpose back to channels-last cancels.
// CHECK-LABEL: func.func @squeeze_excite
// CHECK-NOT: graph.transpose
// CHECK: %[[R:.*]] = graph.reduce_mean %arg0 {axes = array<i64: 1, 2>, keepdims = true} : tensor<1x4x5x8xf32> -> tensor<1x1x1x8xf32>
// CHECK: %[[G:.*]] = graph.sigmoid
// CHECK: %[[M:.*]] = graph.mul %arg0, %{{.*}} : (tensor<1x4x5x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x4x5x8xf32>
// CHECK-NOT: graph.transpose
// CHECK: return %[[M]]
func.func @squeeze_excite(%x: tensor<1x4x5x8xf32>) -> tensor<1x4x5x8xf32> {
  %t = graph.transpose %x {perm = array<i64: 0, 3, 1, 2>} : tensor<1x4x5x8xf32> -> tensor<1x8x4x5xf32>
  %p = graph.avg_pool %t {kernel = array<i64: 4, 5>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, count_include_pad = false} : tensor<1x8x4x5xf32> -> tensor<1x8x1x1xf32>
  %g = graph.sigmoid %p : tensor<1x8x1x1xf32>
  %m = graph.mul %t, %g : (tensor<1x8x4x5xf32>, tensor<1x8x1x1xf32>) -> tensor<1x8x4x5xf32>
  %b = graph.transpose %m {perm = array<i64: 0, 2, 3, 1>} : tensor<1x8x4x5xf32> -> tensor<1x4x5x8xf32>
  return %b : tensor<1x4x5x8xf32>
}

// -----

// Resizes and concats of channels-first values between channels-last
// producers and consumers: the transposes move through both (the resize's
// scales permuted, the concat's axis mapped) and cancel.
// CHECK-LABEL: func.func @pyramid
// CHECK-NOT: graph.transpose
// CHECK: %[[U:.*]] = graph.resize %arg1 {{.*}}scales = array<f64: 1.000000e+00, 2.000000e+00, 2.000000e+00, 1.000000e+00>{{.*}} : (tensor<1x2x3x4xf32>) -> tensor<1x4x6x4xf32>
// CHECK: %[[J:.*]] = graph.concat %arg0, %[[U]] {axis = 3 : i64} : (tensor<1x4x6x4xf32>, tensor<1x4x6x4xf32>) -> tensor<1x4x6x8xf32>
// CHECK-NOT: graph.transpose
// CHECK: return %[[J]]
func.func @pyramid(%a: tensor<1x4x6x4xf32>, %b: tensor<1x2x3x4xf32>) -> tensor<1x4x6x8xf32> {
  %ta = graph.transpose %a {perm = array<i64: 0, 3, 1, 2>} : tensor<1x4x6x4xf32> -> tensor<1x4x4x6xf32>
  %tb = graph.transpose %b {perm = array<i64: 0, 3, 1, 2>} : tensor<1x2x3x4xf32> -> tensor<1x4x2x3xf32>
  %u = graph.resize %tb {mode = "nearest", coordinate_transformation_mode = "asymmetric", nearest_mode = "floor", cubic_coeff_a = -7.5e-01 : f64, exclude_outside = false, scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x4x2x3xf32>) -> tensor<1x4x4x6xf32>
  %j = graph.concat %ta, %u {axis = 1 : i64} : (tensor<1x4x4x6xf32>, tensor<1x4x4x6xf32>) -> tensor<1x8x4x6xf32>
  %r = graph.transpose %j {perm = array<i64: 0, 2, 3, 1>} : tensor<1x8x4x6xf32> -> tensor<1x4x6x8xf32>
  return %r : tensor<1x4x6x8xf32>
}
