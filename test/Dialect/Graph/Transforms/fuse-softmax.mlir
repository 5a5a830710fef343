// RUN: pagoda-opt %s -pagoda-graph-fuse-softmax -canonicalize -split-input-file | FileCheck %s

// The stable chain with keepdims reductions.
// CHECK-LABEL: func.func @keepdims
// CHECK-NEXT:  %[[S:.*]] = graph.softmax %arg0 {axis = 2 : i64} : tensor<2x3x8xf32>
// CHECK-NEXT:  return %[[S]]
func.func @keepdims(%x: tensor<2x3x8xf32>) -> tensor<2x3x8xf32> {
  %m = graph.reduce_max %x {axes = array<i64: 2>, keepdims = true} : tensor<2x3x8xf32> -> tensor<2x3x1xf32>
  %d = graph.sub %x, %m : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>
  %e = graph.exp %d : tensor<2x3x8xf32>
  %s = graph.reduce_sum %e {axes = array<i64: 2>, keepdims = true} : tensor<2x3x8xf32> -> tensor<2x3x1xf32>
  %y = graph.div %e, %s : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>
  return %y : tensor<2x3x8xf32>
}

// -----

// Reductions without keepdims, the axis restored by reshapes (what the
// linalg.generic raising produces), over a middle axis.
// CHECK-LABEL: func.func @reshaped
// CHECK-NEXT:  %[[S:.*]] = graph.softmax %arg0 {axis = 0 : i64} : tensor<5x4xf32>
// CHECK-NEXT:  return %[[S]]
func.func @reshaped(%x: tensor<5x4xf32>) -> tensor<5x4xf32> {
  %m = graph.reduce_max %x {axes = array<i64: 0>, keepdims = false} : tensor<5x4xf32> -> tensor<4xf32>
  %mk = graph.reshape %m : tensor<4xf32> -> tensor<1x4xf32>
  %d = graph.sub %x, %mk : (tensor<5x4xf32>, tensor<1x4xf32>) -> tensor<5x4xf32>
  %e = graph.exp %d : tensor<5x4xf32>
  %s = graph.reduce_sum %e {axes = array<i64: 0>, keepdims = false} : tensor<5x4xf32> -> tensor<4xf32>
  %sk = graph.reshape %s : tensor<4xf32> -> tensor<1x4xf32>
  %y = graph.div %e, %sk : (tensor<5x4xf32>, tensor<1x4xf32>) -> tensor<5x4xf32>
  return %y : tensor<5x4xf32>
}

// -----

// Left alone: exp used outside the chain, different axes, no max.
// CHECK-LABEL: func.func @not_softmax
// CHECK-NOT:   graph.softmax
func.func @not_softmax(%x: tensor<5x4xf32>) -> (tensor<5x4xf32>, tensor<5x4xf32>, tensor<5x4xf32>, tensor<5x4xf32>) {
  %m = graph.reduce_max %x {axes = array<i64: 1>, keepdims = true} : tensor<5x4xf32> -> tensor<5x1xf32>
  %d = graph.sub %x, %m : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %e = graph.exp %d : tensor<5x4xf32>
  %s = graph.reduce_sum %e {axes = array<i64: 1>, keepdims = true} : tensor<5x4xf32> -> tensor<5x1xf32>
  %y = graph.div %e, %s : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>

  %m2 = graph.reduce_max %x {axes = array<i64: 0>, keepdims = true} : tensor<5x4xf32> -> tensor<1x4xf32>
  %d2 = graph.sub %x, %m2 : (tensor<5x4xf32>, tensor<1x4xf32>) -> tensor<5x4xf32>
  %e2 = graph.exp %d2 : tensor<5x4xf32>
  %s2 = graph.reduce_sum %e2 {axes = array<i64: 1>, keepdims = true} : tensor<5x4xf32> -> tensor<5x1xf32>
  %y2 = graph.div %e2, %s2 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>

  %e3 = graph.exp %x : tensor<5x4xf32>
  %s3 = graph.reduce_sum %e3 {axes = array<i64: 1>, keepdims = true} : tensor<5x4xf32> -> tensor<5x1xf32>
  %y3 = graph.div %e3, %s3 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  return %y, %e, %y2, %y3 : tensor<5x4xf32>, tensor<5x4xf32>, tensor<5x4xf32>, tensor<5x4xf32>
}
