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
